"""The 3y/1y history benchmark's arithmetic and tables, on canned stage results (no sandbox, no Dagster run)."""

from __future__ import annotations

import json

import pytest

from benchmarks import history
from benchmarks.harness import figures, latest_history
from benchmarks.render import END, START, render


def _stage(seconds: float, steps: dict[str, float], rows: dict[str, int], returncode: int = 0) -> dict:
    ingest_steps = {k: v for k, v in steps.items() if k.endswith("_ingest")}
    warehouse_steps = {k: v for k, v in steps.items() if not k.endswith("_ingest")}
    return {
        "measurement": {
            "seconds": seconds,
            "peak_rss_mib": 900.0,
            "returncode": returncode,
            "log": "x.log",
            "load_average_1m": [2.0, 2.5],
        },
        "figures": {
            "success": returncode == 0,
            "selected_assets": 100,
            "ingest": {
                "seconds": sum(ingest_steps.values()),
                "steps": ingest_steps,
                "rows": sum(rows.values()),
                "rows_by_step": rows,
            },
            "warehouse": {"seconds": sum(warehouse_steps.values()), "steps": warehouse_steps},
        },
    }


def _side(full_s: float, incr_s: float, history_rows: int, dbt_incr: float, returncode: int = 0) -> dict:
    return {
        "full": _stage(full_s, {"one_stop_ingest": full_s / 2, "warehouse_dbt_assets": full_s / 3},
                       {"one_stop_ingest": history_rows}),
        "day_of_changes": {"dossiers": 1200, "digitization_epoch": 1},
        "incremental": _stage(
            incr_s,
            {"one_stop_ingest": 20.0, "warehouse_dbt_assets": dbt_incr, "portal__luot_khach": 200.0},
            {"one_stop_ingest": 5000},
            returncode,
        ),
    }  # fmt: skip


# Three repetitions whose per-repetition ratios (1,5; 1,05; 1,2) have a median (1,2) that differs from the
# ratio of the medians (210 / 200 = 1,05): the harness must take the former.
RUNS = [
    {"order": ["1y", "3y"], "1y": _side(1000, 100, 1_000, 50), "3y": _side(2500, 150, 3_000, 90)},
    {"order": ["3y", "1y"], "1y": _side(1100, 200, 1_000, 60), "3y": _side(2600, 210, 3_000, 70)},
    {"order": ["1y", "3y"], "1y": _side(1200, 300, 1_000, 70), "3y": _side(2700, 360, 3_000, 110)},
]


def _result(runs: list[dict], tables: int | None = 12) -> dict:
    generate = {"1y": {"one_stop": 150.0}, "3y": {"one_stop": 450.0}}
    return history.assemble_history(
        runs, len(runs), tables, tables or 597, "python -m benchmarks history", generate
    )


def _row(result: dict, figure: str) -> dict:
    return next(r for r in result["figures"] if r["figure"] == figure)


def test_the_ratio_is_taken_per_repetition_then_the_median():
    assert history.incremental_ratio(RUNS) == 1.2
    row = _row(_result(RUNS), "Nightly incremental (one day of changes)")
    assert (row["1y"], row["3y"], row["ratio"]) == (200.0, 210.0, 1.2)
    assert row["met"] is True  # ≤ 1,2 is met at exactly 1,2


def test_a_repetition_with_a_failed_stage_does_not_count():
    runs = [*RUNS[:2], {**RUNS[2], "3y": _side(2700, 999, 3_000, 110, returncode=1)}]
    # rep 3 drops out: median of 1,5 and 1,05
    assert history.incremental_ratio(runs) == pytest.approx(1.275)
    row = _row(_result(runs), "Nightly incremental (one day of changes)")
    assert row["met"] is False and row["3y"] == 180.0  # the failed stage's 999 s is not a figure


def test_nothing_measured_gives_no_ratio_and_no_verdict():
    row = _row(_result([]), "Nightly incremental (one day of changes)")
    assert (row["1y"], row["3y"], row["ratio"], row["met"]) == (None, None, None, None)


def test_the_result_says_what_was_compared_and_how_it_was_bounded():
    result = _result(RUNS)
    assert [(h["label"], h["scenario"], h["periods"]) for h in result["histories"]] == [
        ("1y", "province-year", 4),
        ("3y", "province-3y", 12),
    ]
    assert result["histories"][1]["first_period"] == "2021-Q4"
    assert result["histories"][1]["last_period"] == "2024-Q3"
    assert "12 of the catalogue's digitisation tables" in result["note"] and "one-stop" in result["note"]
    assert history.result_name(result) == "history-12-digitization-tables"
    assert history.result_name(_result(RUNS, tables=None)) == "history"
    history_rows = _row(result, "  full: one-stop rows committed (the history)")
    assert (history_rows["1y"], history_rows["3y"], history_rows["ratio"]) == (1000.0, 3000.0, 3.0)


def test_steps_are_listed_biggest_first_with_the_difference():
    steps = _result(RUNS)["steps"]
    assert steps[0]["step"] == "portal__luot_khach" and steps[0]["difference"] == 0.0
    dbt = next(s for s in steps if s["step"] == "warehouse_dbt_assets")
    assert (dbt["run"], dbt["1y"], dbt["3y"], dbt["difference"]) == ("warehouse", 60.0, 90.0, 30.0)


def test_render_shows_the_history_and_the_tier_tables_quote_it(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    small = _result(RUNS[:1], tables=2)
    big = _result(RUNS, tables=12)
    history.write_history(small, results)
    history.write_history(big, results)
    assert latest_history(results)["digitization_tables"] == 12  # the least bounded is quoted
    tier = json.loads((history.RESULTS_DIR / "tiny.json").read_text(encoding="utf-8"))
    (results / "tiny.json").write_text(json.dumps(tier), encoding="utf-8")
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# B\n\n{START}\nold\n{END}\n", encoding="utf-8")
    render(results, doc)
    text = doc.read_text(encoding="utf-8")
    assert "### Nightly cost against history (3y/1y), 2 digitisation tables" in text
    assert "### Nightly cost against history (3y/1y), 12 digitisation tables" in text
    assert (
        "| Nightly incremental (one day of changes) | 200 s | 210 s | 1,2 × | 3y/1y ≤ 1,2 | có (yes) |"
        in text
    )
    quoted = next(line for line in text.splitlines() if line.startswith("| Incremental 3y/1y history ratio"))
    assert "| 1,2 × |" in quoted and "python -m benchmarks history" in quoted and "12 digitisation" in quoted
    assert "| warehouse | `warehouse_dbt_assets` | 60 | 90 | 30 |" in text


def test_without_a_history_result_the_tier_row_says_how_to_measure_it():
    tier = json.loads((history.RESULTS_DIR / "tiny.json").read_text(encoding="utf-8"))
    row = next(r for r in figures(tier, None) if r["figure"] == "Incremental 3y/1y history ratio")
    assert row["value"] is None and "python -m benchmarks history" in row["note"]


def test_collect_rebuilds_the_result_from_a_stopped_run(tmp_path):
    for rep, run in enumerate(RUNS[:2], start=1):
        (tmp_path / f"rep{rep}").mkdir()
        (tmp_path / f"rep{rep}" / "order.json").write_text(json.dumps(run["order"]))
        for label in ("1y", "3y"):
            side = tmp_path / f"rep{rep}" / label
            side.mkdir()
            for stage in ("full", "incremental"):
                (side / f"{stage}.measurement.json").write_text(json.dumps(run[label][stage]["measurement"]))
                (side / f"{stage}.json").write_text(json.dumps(run[label][stage]["figures"]))
            (side / "day_of_changes.json").write_text(json.dumps(run[label]["day_of_changes"]))
    # the third repetition was stopped during its first full stage: nothing of it counts
    (tmp_path / "rep3" / "1y").mkdir(parents=True)
    result = history.collect_history(tmp_path, 12, "python -m benchmarks history --digitization-tables 12")
    assert result["repeat"] == 2 and result["runs"][1]["order"] == ["3y", "1y"]
    assert history.incremental_ratio(result["runs"]) == pytest.approx((1.5 + 1.05) / 2)


def test_the_load_when_the_run_started_is_shown_beside_the_load_at_the_end():
    from benchmarks.render import history_section

    generate = {"1y": {}, "3y": {}}
    started = history.assemble_history(RUNS, 3, 12, 12, "cmd", generate, load_at_start=[7.5, 6.25, 5.0])
    assert "load average when the run started 7,5, 6,25, 5, when the result was stored" in history_section(
        started
    )
    collected = history.assemble_history(RUNS, 3, 12, 12, "cmd", generate)
    assert "load average when the result was stored" in history_section(collected)
