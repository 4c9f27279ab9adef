"""validate_table on a real DuckDB file: the KPI suite passes clean data and names every broken rule."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from expectations.results import read_result, summary_from_dict, write_result
from expectations.runner import ValidationError, validate_table

from .kpi_data import KPI_SUITE, REPO, kpi_rows, write_kpi_table

TABLE = "rpt_dossier_kpis_monthly"


def _failing(summary) -> set[tuple[str, str | None]]:
    keys = set()
    for outcome in summary.outcomes:
        if not outcome.success:
            kwargs = outcome.kwargs
            keys.add((outcome.type, kwargs.get("column") or kwargs.get("total") or kwargs.get("bound")))
    return keys


def test_clean_kpi_table_passes(kpi_db: Path) -> None:
    summary = validate_table(KPI_SUITE, duckdb_path=kpi_db, table=TABLE)
    assert summary.success, [o for o in summary.outcomes if not o.success]
    assert summary.expectations_run == 36 + 6 and summary.failed == 0
    assert summary.row_count == 24
    assert set(summary.unexpected_counts.values()) <= {0, None}
    assert summary.result_json["success"] is True


def test_every_kpi_rule_catches_its_breakage(tmp_path: Path) -> None:
    rows = kpi_rows()
    rows[0]["online"] += 1  # received ≠ in person + online + by post
    rows[1]["in_progress"] += 1  # in progress ≠ within + over
    rows[2]["late"] += (
        10_000  # early + on time + late > resolved ... and resolved + in progress ≤ received holds
    )
    rows[3]["online_rate"] = 100.5  # rate above 100
    rows[4]["awaiting_receipt"] = -1  # negative count
    rows[6]["resolved"] = 10_000  # resolved + in progress > received
    rows = [r for r in rows if not (r["level"] == "district" and r["period_start"] == dt.date(2024, 3, 1))]
    rows.append(dict(rows[8]))  # duplicate (period_start, level): also an overlapping period
    rows.append(dict(rows[9], level="ward"))  # unknown level
    rows.append(dict(rows[10], period_start=None))  # null key
    db = write_kpi_table(tmp_path / "w.duckdb", rows)
    summary = validate_table(KPI_SUITE, duckdb_path=db, table=TABLE)
    assert not summary.success
    assert _failing(summary) >= {
        ("sum_equals", "received"),
        ("sum_equals", "in_progress"),
        ("sum_at_most", "resolved"),
        ("sum_at_most", "received"),
        ("expect_column_values_to_be_between", "online_rate"),
        ("expect_column_values_to_be_between", "awaiting_receipt"),
        ("expect_column_values_to_be_in_set", "level"),
        ("expect_compound_columns_to_be_unique", None),
        ("expect_column_values_to_not_be_null", "period_start"),
        ("periods_complete", None),
    }
    by_type = {(o.type, o.kwargs.get("column")): o for o in summary.outcomes}
    assert by_type[("expect_column_values_to_be_in_set", "level")].sample_values == ["ward"]
    gaps = next(o for o in summary.outcomes if o.type == "periods_complete").sample_values
    assert "district: gap 2024-03-01..2024-03-31" in gaps
    assert any("overlaps" in gap for gap in gaps) and not any(gap.startswith("all") for gap in gaps)


def test_open_read_write_connection_and_schema_qualified_table(tmp_path: Path) -> None:
    db = write_kpi_table(tmp_path / "w.duckdb", kpi_rows(3))
    con = duckdb.connect(
        str(db)
    )  # the asset's own read-write connection: no second process could open the file
    # Only in the schema: a validation that ignored it would find no table (GE 1.24 drops schemas on duckdb).
    con.execute(
        f"create schema marts; create table marts.{TABLE} as select * from main.{TABLE}; drop table main.{TABLE}"
    )
    summary = validate_table(KPI_SUITE, connection=con, table=f"marts.{TABLE}", dataset="kpis")
    assert summary.success and summary.dataset == "kpis" and summary.row_count == 12
    assert con.execute(f"select count(*) from marts.{TABLE}").fetchone() == (
        12,
    )  # caller's connection still usable
    con.close()


def test_missing_table_and_bad_arguments_raise(kpi_db: Path) -> None:
    with pytest.raises(ValidationError, match="nope"):
        validate_table(KPI_SUITE, duckdb_path=kpi_db, table="nope")
    with pytest.raises(ValidationError, match="plain identifiers"):
        validate_table(KPI_SUITE, duckdb_path=kpi_db, table="x; drop table y")
    with pytest.raises(ValueError, match="exactly one"):
        validate_table(KPI_SUITE, table=TABLE)
    with pytest.raises(ValidationError, match="cannot open"):
        validate_table(KPI_SUITE, duckdb_path=kpi_db.parent / "missing" / "w.duckdb", table=TABLE)


def test_missing_column_fails_expectations_instead_of_passing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(f"create table {TABLE} as select date '2024-01-01' as period_start, 1 as received")
    suite = {
        "name": "missing",
        "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "level"}}],
        "meta": {
            "hue_checks": [{"type": "sum_equals", "kwargs": {"total": "received", "parts": ["online"]}}]
        },
    }
    summary = validate_table(suite, duckdb_path=db, table=TABLE)
    assert not summary.success and summary.failed == 2
    assert all(outcome.exception for outcome in summary.outcomes)


def test_results_are_strict_json_with_personal_data_masked(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create table contacts as select * from (values ('0905123456', 1.5), ('abc', 2.0)) t(code, amount)"
        )
    suite = {
        "name": "contacts",
        "expectations": [
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": "code", "regex": "^[a-z]+$"},
            },
            {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "amount", "min_value": 0}},
        ],
    }
    summary = validate_table(suite, duckdb_path=db, table="contacts")
    regex = summary.outcomes[0]
    assert not regex.success and regex.unexpected_count == 1
    assert regex.sample_values == ["090*****56"]
    path = write_result(summary, tmp_path / "results")
    text = path.read_text(encoding="utf-8")
    assert "0905123456" not in text
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    again = summary_from_dict(read_result(path))
    assert again.failed == summary.failed and again.unexpected_counts == summary.unexpected_counts
    assert summary.metadata()["failing_expectations"] == ["0:expect_column_values_to_match_regex:code"]


def test_importing_the_gate_does_not_import_great_expectations() -> None:
    code = (
        "import sys, expectations.runner, expectations.gate, expectations.report, expectations.pii;"
        "print('great_expectations' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "False"
