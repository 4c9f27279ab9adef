"""Feed every bad-input case through the real readers and the lake; say what each one got.

A case marked ``through_warehouse`` goes one step further: the batch the lake committed is built by the
warehouse's generated staging model for a digitisation table of the case's columns (the real generator,
``dbt_project/generator/generate_staging.py``, and the real semantic-type and data-quality macros, run by
dbt on DuckDB in a scratch project), and the case is ``flagged`` when that model gives values an issue.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.resilience.corpus import PAGE_COLUMNS, PAGE_KEY, Case, build_corpus, new_lake_dir

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt_project"


@dataclass(frozen=True)
class CorpusResult:
    """What one case got: ``observed`` outcome (rejected | quarantined | accepted | empty | flagged) and
    its reason."""

    case: Case
    observed: str
    detail: str

    @property
    def passed(self) -> bool:
        return self.observed == self.case.expected


def read_case(case: Case):
    """(table, quarantined rows) from the case's reader; raises what the reader raises."""
    if case.reader == "file":
        from sources.open_data.files import read_file

        parsed = read_file(case.data, name=case.filename)
        return (
            parsed.table,
            parsed.quarantined,
            f"encoding {parsed.encoding}, {parsed.repaired_lines} line(s) repaired",
        )
    if case.reader == "api_page":
        from sources.open_data.api import parse_page
        from sources.open_data.tabular import build_table, records_to_grid

        records, _total = parse_page(case.data)
        titles, rows, bad = records_to_grid(records)
        table, quarantined = build_table(titles, rows)
        return table, bad + quarantined, ""
    if case.reader == "ndjson_page":
        from sources.digitization.pages import check_complete, parse_page

        # The server announces the rows it meant to send (X-Row-Count): for a cut page, more than arrive.
        announced = case.data.count(b"\n") + (1 if case.name == "ndjson_truncated" else 0)
        check_complete(case.data, announced)
        page = parse_page(case.data, PAGE_COLUMNS, PAGE_KEY)
        return page.data, page.quarantined, ""
    raise ValueError(f"unknown reader {case.reader!r}")


def run_case(case: Case) -> CorpusResult:
    from sources.common.batch import SourceBatch
    from sources.lake import Lake, TableContract

    try:
        table, quarantined, note = read_case(case)
    except Exception as exc:  # every reader error is an outcome here: the report shows type and message
        return CorpusResult(case, "rejected", f"{type(exc).__name__}: {_short(str(exc))}")
    root = new_lake_dir()
    try:
        # digitisation pages land where the warehouse's digitisation sources read them
        system = "digitization" if case.reader == "ndjson_page" else "corpus"
        contract = TableContract(key=PAGE_KEY) if case.reader == "ndjson_page" else TableContract()
        lake = Lake(root)
        with lake.stream(system, case.name, {case.name: contract}) as tx:
            tx.write(SourceBatch(case.name, table, cursor="1", quarantined=list(quarantined)))
            records = tx.commit()
    except Exception as exc:
        shutil.rmtree(root, ignore_errors=True)
        return CorpusResult(case, "rejected", f"lake: {type(exc).__name__}: {_short(str(exc))}")
    try:
        flags = warehouse_flags(root, case.name) if case.through_warehouse and records else None
    except Exception as exc:  # a warehouse that cannot build the batch is a result too, with its cause
        return CorpusResult(
            case, "accepted", f"warehouse build failed: {type(exc).__name__}: {_short(str(exc))}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = sum(r.rows for r in records)
    if flags:
        listed = "; ".join(f"{key}: {column} {issue}" for key, column, issue in flags[:4])
        flagged_rows = len({key for key, _, _ in flags})
        return CorpusResult(
            case,
            "flagged",
            f"{rows} row(s) to the lake as sent; the warehouse's staging model flagged {flagged_rows} of them "
            f"(issue → standardised value): {listed}",
        )
    held = sum(r.quarantined for r in records)
    if held or quarantined:
        reasons = sorted({_short(q.reason, 120) for q in quarantined})
        detail = f"{rows} row(s) to the lake, {held or len(quarantined)} quarantined: " + "; ".join(
            reasons[:2]
        )
        return CorpusResult(case, "quarantined", detail)
    if rows == 0:
        columns = ", ".join(table.column_names[:5])
        return CorpusResult(
            case, "empty", f"read as a table of 0 rows (columns {columns}); nothing committed"
        )
    if flags is not None:
        note = (note + "; " if note else "") + "the warehouse's staging model flagged no value"
    return CorpusResult(case, "accepted", f"{rows} row(s) to the lake" + (f"; {note}" if note else ""))


def warehouse_flags(lake_root: Path, slug: str) -> list[tuple[str, str, str]]:
    """(key, column, "issue → standardised value") for every value the warehouse flags in the lake's
    committed ``slug`` batches (the value is the corrected one for a swap, NULL when nothing fits).

    The case's columns (:data:`PAGE_COLUMNS`) become a one-table digitisation catalogue; the real generator
    renders its source definition and staging model; dbt builds that model on DuckDB from the lake's Parquet
    in a scratch project holding copies of the real macros, so the result is what the nightly warehouse
    would give those rows. The flags are read from the model's ``<column>__issue`` columns and checked
    against the counts its post-hook wrote for the data-quality mart.
    """
    import duckdb

    from dbt_project.generator.generate_staging import model_name, render_model, render_sources
    from orchestration.lib.dbt.scratch import run_dbt
    from sources.digitization.catalogue import Catalogue, CatalogueColumn, CatalogueTable

    table = CatalogueTable(
        slug=slug,
        name=f"Bộ đầu vào hỏng — bad-input corpus: {slug}",
        domain="corpus",
        domain_name="Bộ đầu vào hỏng (bad-input corpus)",
        owner_agency="benchmarks.resilience",
        classification="internal",
        in_operation=True,
        update_frequency="daily",
        primary_key=PAGE_KEY,
        row_count=0,
        columns=tuple(CatalogueColumn(cid, cid, stype) for cid, stype in PAGE_COLUMNS),
    )
    work = Path(tempfile.mkdtemp(prefix="hue-corpus-warehouse-"))
    try:
        project = work / "project"
        models = project / "models" / "staging" / "digitization"
        (models / table.domain).mkdir(parents=True)
        shutil.copy(DBT_DIR / "dbt_project.yml", project / "dbt_project.yml")
        for folder in ("semantic", "data_quality"):
            shutil.copytree(DBT_DIR / "macros" / folder, project / "macros" / folder)
        shutil.copy(DBT_DIR / "macros" / "util" / "generate_schema_name.sql", project / "macros")
        shutil.copytree(
            DBT_DIR / "plugins", project / "plugins", ignore=shutil.ignore_patterns("__pycache__")
        )
        (models / "_digitization__sources.yml").write_text(
            render_sources(Catalogue((table,))), encoding="utf-8"
        )
        model = model_name(table)
        (models / table.domain / f"{model}.sql").write_text(render_model(table), encoding="utf-8")
        warehouse = work / "warehouse.duckdb"
        run = run_dbt(
            project,
            work,
            {
                "HUE_WAREHOUSE_TARGET": "duckdb",
                "HUE_WAREHOUSE_PATH": str(warehouse),
                "HUE_LAKE_DIR": str(lake_root),
            },
            ["run", "--select", model],
        )
        if not run.ok:
            raise RuntimeError(f"dbt run --select {model} failed: {'; '.join(run.failures)}")
        issue_columns = [f"{cid}__issue" for cid, _ in PAGE_COLUMNS]
        key = PAGE_KEY[0]
        with duckdb.connect(str(warehouse)) as con:
            (schema,) = con.execute(
                "select table_schema from information_schema.tables where table_name = ?", [model]
            ).fetchone()
            flags = [
                (row_key, column.removesuffix("__issue"), f"{issue} → {value}")
                for column in issue_columns
                for row_key, issue, value in con.execute(
                    f'select "{key}", "{column}", cast("{column.removesuffix("__issue")}" as varchar) '
                    f'from "{schema}"."{model}" where "{column}" is not null order by "{key}"'
                ).fetchall()
            ]
            counted = con.execute(
                "select coalesce(sum(issue_count), 0) from data_quality.standardisation_issue_counts "
                "where table_name = ? and reason is not null",
                [slug],
            ).fetchone()[0]
        if counted != len(flags):
            raise RuntimeError(
                f"the model flags {len(flags)} value(s), its data-quality counts say {counted}"
            )
        return sorted(flags)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_corpus() -> list[CorpusResult]:
    return [run_case(case) for case in build_corpus()]


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_case_results(results: list[CorpusResult]) -> list:
    """Rows for the report: case (reader: description), expected outcome, observed outcome and reason."""
    from benchmarks.resilience.results import CaseResult

    return [
        CaseResult(
            "corpus",
            f"`{r.case.name}` ({r.case.reader}): {r.case.description}",
            r.case.expected,
            f"{r.observed} — {r.detail}",
            r.passed,
        )
        for r in results
    ]
