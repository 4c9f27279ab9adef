"""The harness's grown-catalogue run (``--tables 950``): its result is stored and rendered apart from the
597-table one, fills the 950-table row, and the sandbox platform really grows before the stages."""

from __future__ import annotations

import json

import requests

from benchmarks.catalogue import grow_sandbox
from benchmarks.harness import figures, result_name
from benchmarks.render import render


def _result(catalogue_tables: int | None, full_s: float, dbt_s: float) -> dict:
    full = {
        "measurement": {
            "seconds": full_s,
            "peak_rss_mib": 900.0,
            "returncode": 0,
            "load_average_1m": [2.0, 3.5],
        },
        "figures": {
            "selected_assets": 700,
            "ingest": {"rows": 1000, "seconds": 10.0, "steps": {}, "rows_by_step": {}},
            "warehouse": {"seconds": full_s - 20, "steps": {"warehouse_dbt_assets": dbt_s}},
        },
    }
    result = {
        "tier": "province-year",
        "scenario": {"name": "province-year", "seed": 46, "tables": 597},
        "digitization_tables": catalogue_tables or 597,
        "digitization_tables_bounded": False,
        "repeat": 1,
        "stages": ["full"],
        "command": "python -m benchmarks run --tier province-year",
        "commit": "abc1234",
        "date": "2026-11-23T15:00:00Z",
        "machine": {"cores": 2, "cpu": "x", "memory_gib": 23.5, "python": "3.11", "load_average_at_start": [1, 1, 1]},
        "sandbox_generate_s": {"grown_source": {"dbt_parse": 106.8}} if catalogue_tables else {},
        "runs": [{"full": full, **({"grow": {"tables": 950, "added": 353, "seconds": 240.0}} if catalogue_tables else {})}],
    }  # fmt: skip
    if catalogue_tables:
        result["catalogue_tables"] = catalogue_tables
    return result


def _row(result: dict, prefix: str) -> dict | None:
    return next((r for r in figures(result) if r["figure"].startswith(prefix)), None)


def test_a_grown_catalogue_fills_the_950_row_and_is_stored_apart() -> None:
    grown = _result(950, 2400.0, 1200.0)
    row = _row(grown, "Full rebuild and dbt build at 950 tables")
    assert row["value"] == 2400.0 and "dbt build 1200,0 s" in row["note"]
    assert _row(grown, "Full rebuild and dbt build with all") is None
    assert result_name("province-year", 950) == "province-year-950-tables"

    whole = _result(None, 1684.3, 792.2)  # a result stored before --tables existed: 597 tables
    row = _row(whole, "Full rebuild and dbt build with all 597")
    assert row["value"] == 1684.3 and row["met"] is False
    assert _row(whole, "Full rebuild and dbt build at 950 tables")["value"] is None
    assert result_name("province-year", None) == "province-year"


def test_both_results_are_rendered_the_grown_one_after_its_tier(tmp_path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    for name, result in (
        ("province-year", _result(None, 1684.3, 792.2)),
        ("province-year-950-tables", _result(950, 2400.0, 1200.0)),
    ):
        (results / f"{name}.json").write_text(json.dumps(result), encoding="utf-8")
    doc = tmp_path / "benchmarks.md"
    text = render(results, doc).read_text(encoding="utf-8")
    assert text.index("### province-year\n") < text.index("### province-year, 950 tables\n")
    assert "353 new tables' rows in 240 s" in text
    assert "full 2 → 3,5" in text


def test_growing_the_sandbox_platform_serves_the_new_tables(tmp_path) -> None:
    from sandbox.runtime import running_sandbox
    from sandbox.scenario import Scenario

    with running_sandbox(tmp_path, Scenario.named("tiny", tables=12), ("digitization",)) as endpoints:
        url = endpoints.urls["digitization"]
        assert grow_sandbox(url, 14)["added"] == 2
        http = requests.Session()
        http.trust_env = False
        assert http.get(url + "/_sandbox/digitization/status", timeout=30).json()["tables"] == 14
