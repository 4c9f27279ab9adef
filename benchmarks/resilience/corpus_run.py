"""Feed every bad-input case through the real readers and the lake; say what each one got."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from benchmarks.resilience.corpus import PAGE_COLUMNS, PAGE_KEY, Case, build_corpus, new_lake_dir


@dataclass(frozen=True)
class CorpusResult:
    """What one case got: ``observed`` outcome (rejected | quarantined | accepted | empty) and its reason."""

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
        contract = TableContract(key=PAGE_KEY) if case.reader == "ndjson_page" else TableContract()
        lake = Lake(root)
        with lake.stream("corpus", case.name, {case.name: contract}) as tx:
            tx.write(SourceBatch(case.name, table, cursor="1", quarantined=list(quarantined)))
            records = tx.commit()
    except Exception as exc:
        return CorpusResult(case, "rejected", f"lake: {type(exc).__name__}: {_short(str(exc))}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = sum(r.rows for r in records)
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
    return CorpusResult(case, "accepted", f"{rows} row(s) to the lake" + (f"; {note}" if note else ""))


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
