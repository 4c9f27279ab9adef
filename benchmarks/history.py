"""Nightly cost against history (issue 9): one day of changes on 1 year and on 3 years of history, one run.

``python -m benchmarks history`` generates the ``province-year`` and ``province-3y`` sandboxes (same volume
per quarter, same people, digitisation and open data: only the one-stop history differs, see
``sandbox/scenario.py``), then in each repetition, for each history, runs the harness's ``full`` stage (the
first night, which builds the history into an empty lake and warehouse) and its ``incremental`` stage (one
day of changes, :mod:`benchmarks.changes`). The ratio 3y/1y of the incremental seconds is computed per
repetition, from stages of that repetition, then the median is taken: on these shared 2-core machines only
figures measured in the same run compare. Repetitions alternate which history goes first, so that a load
drifting over the run does not always favour the same side.

The stored result is ``benchmarks/results/history.json`` (``history-<N>-digitization-tables.json`` when
``--digitization-tables`` bounds the digitisation part); ``python -m benchmarks render`` shows it and quotes
its ratio in every tier table.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.harness import RESULTS_DIR, _repetition, _round, read_repetition
from benchmarks.machine import commit, machine_info, now_utc
from benchmarks.measure import median
from benchmarks.tiers import HISTORIES
from benchmarks.workspace import digitization_slugs

HISTORY_STAGES: tuple[str, ...] = ("full", "incremental")
TARGET_RATIO = 1.2
STEPS_SHOWN = 12  # the incremental run has ~100 steps; the table keeps the biggest, the rest is one line


def run_history(
    repeat: int = 1,
    digitization_tables: int | None = None,
    workdir: Path | None = None,
    command: str = "",
) -> dict[str, Any]:
    """Run the full and incremental stages on every history of :data:`HISTORIES`, ``repeat`` times."""
    from sandbox.runtime import Sandbox, running_sandbox
    from sandbox.scenario import Scenario

    root = Path(workdir or tempfile.mkdtemp(prefix="hue-bench-history-"))
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    generate: dict[str, dict[str, float]] = {}
    for label, name in HISTORIES:
        pristine = root / f"sandbox-{name}"
        print(f"[bench] history {label}: generating sandbox data ({name}) in {pristine}", flush=True)
        generate[label] = Sandbox(pristine, Scenario.named(name)).prepare()
    slugs = digitization_slugs(digitization_tables)
    runs: list[dict[str, Any]] = []
    for rep in range(repeat):
        order = [label for label, _ in HISTORIES]
        if rep % 2:
            order.reverse()
        run: dict[str, Any] = {"order": order}
        for label in order:
            name = dict(HISTORIES)[label]
            rep_dir = root / f"rep{rep + 1}" / label
            shutil.rmtree(rep_dir, ignore_errors=True)
            shutil.copytree(
                root / f"sandbox-{name}", rep_dir / "sandbox", ignore=shutil.ignore_patterns("logs", "*.log")
            )
            print(f"[bench] history {label} ({name}), repetition {rep + 1}/{repeat}", flush=True)
            with running_sandbox(rep_dir / "sandbox", Scenario.named(name)) as endpoints:
                run[label] = _repetition(rep_dir, endpoints, HISTORY_STAGES, digitization_tables, slugs)
        (root / f"rep{rep + 1}" / "order.json").write_text(json.dumps(order))
        runs.append(run)
    return assemble_history(runs, repeat, digitization_tables, len(slugs), command, generate, load_at_start)


def collect_history(workdir: Path, digitization_tables: int | None, command: str) -> dict[str, Any]:
    """Rebuild the result from what a stopped run left in ``workdir``: a repetition counts once both
    histories have their full stage (the ratio then says which side is missing)."""
    runs = []
    for rep_dir in sorted(workdir.glob("rep*")):
        run: dict[str, Any] = {label: read_repetition(rep_dir / label) for label, _ in HISTORIES}
        order_file = rep_dir / "order.json"
        run["order"] = (
            json.loads(order_file.read_text()) if order_file.exists() else [h[0] for h in HISTORIES]
        )
        if any("full" in run[label] for label, _ in HISTORIES):
            runs.append(run)
    slugs = digitization_slugs(digitization_tables)
    return assemble_history(runs, len(runs), digitization_tables, len(slugs), command, {})


def assemble_history(
    runs: list[dict[str, Any]],
    repeat: int,
    digitization_tables: int | None,
    tables: int,
    command: str,
    generate: dict[str, dict[str, float]],
    load_at_start: list[float] | None = None,
) -> dict[str, Any]:
    """The stored result: the repetitions' raw stage figures, where and how they were measured.

    ``machine`` is read when the result is stored, so its load average is the run's end; ``load_at_start``
    is the one before the sandbox was generated (None when collected from a stopped run)."""
    from sandbox.one_stop.calibration import plan
    from sandbox.scenario import Scenario

    histories = []
    for label, name in HISTORIES:
        periods = plan(Scenario.named(name)).periods
        histories.append(
            {
                "label": label,
                "scenario": name,
                "periods": len(periods),
                "first_period": periods[0].period.name,
                "last_period": periods[-1].period.name,
                "sandbox_generate_s": {k: round(v, 1) for k, v in generate.get(label, {}).items()},
            }
        )
    bounded = digitization_tables is not None
    result = {
        "kind": "history",
        "histories": histories,
        "seed": Scenario.named(HISTORIES[0][1]).seed,
        "digitization_tables": tables,
        "digitization_tables_bounded": bounded,
        "note": (
            f"{tables} of the catalogue's digitisation tables synced and built in both histories (open tables "
            "first); the history that differs is the one-stop system's, whose tables are all synced, as are "
            "population and open data"
            if bounded
            else "the whole digitisation catalogue in both histories"
        ),
        "repeat": len(runs),
        "repeat_requested": repeat,
        "stages": list(HISTORY_STAGES),
        "command": command,
        "commit": commit(),
        "date": now_utc(),
        "machine": machine_info(),
        "load_average_at_run_start": load_at_start,
        "runs": runs,
    }
    result["figures"] = history_figures(result)
    result["steps"] = incremental_steps(runs)
    return result


def result_name(result: dict[str, Any]) -> str:
    """``history``, or ``history-<N>-digitization-tables`` for a bounded run (stored beside, not over it)."""
    if result["digitization_tables_bounded"]:
        return f"history-{result['digitization_tables']}-digitization-tables"
    return "history"


def write_history(result: dict[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{result_name(result)}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ figures


def _ok(stage: dict[str, Any] | None) -> bool:
    return bool(stage) and stage["measurement"]["returncode"] == 0


def _seconds(run: dict[str, Any], label: str, stage: str) -> float | None:
    """Wall seconds of ``stage`` on history ``label`` in one repetition; None when it did not succeed."""
    node = run.get(label, {}).get(stage)
    return float(node["measurement"]["seconds"]) if _ok(node) else None


def _ratio(runs: list[dict[str, Any]], stage: str) -> float | None:
    """Median over repetitions of 3y ÷ 1y for ``stage``, both sides from the same repetition."""
    (one, _), (three, _) = HISTORIES
    ratios = []
    for run in runs:
        a, b = _seconds(run, three, stage), _seconds(run, one, stage)
        if a is not None and b:
            ratios.append(a / b)
    return median(ratios)


def incremental_ratio(runs: list[dict[str, Any]]) -> float | None:
    """The issue's figure: nightly incremental seconds on 3 years of history ÷ on 1 year."""
    return _ratio(runs, "incremental")


def _step(run: dict[str, Any], label: str, stage: str, run_name: str, step: str) -> float | None:
    node = run.get(label, {}).get(stage)
    if not _ok(node) or not node["figures"] or not node["figures"].get(run_name):
        return None
    return node["figures"][run_name]["steps"].get(step)


def _rows(run: dict[str, Any], label: str, stage: str, step: str) -> float | None:
    node = run.get(label, {}).get(stage)
    if not _ok(node) or not node["figures"]:
        return None
    return node["figures"]["ingest"]["rows_by_step"].get(step)


def history_figures(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows: figure, 1y value, 3y value, 3y/1y, unit, target, met."""
    runs = result["runs"]
    (one, _), (three, _) = HISTORIES
    rows: list[dict[str, Any]] = []

    def add(figure: str, values, unit: str, ratio=None, target: str = "", met: bool | None = None) -> None:
        rows.append(
            {
                "figure": figure,
                one: values(one),
                three: values(three),
                "ratio": _round(ratio, 3),
                "unit": unit,
                "target": target,
                "met": met,
            }
        )

    def per_run(getter):
        return lambda label: median([v for v in (getter(run, label) for run in runs) if v is not None])

    incr = incremental_ratio(runs)
    add(
        "Nightly incremental (one day of changes)",
        per_run(lambda run, label: _seconds(run, label, "incremental")),
        "s",
        incr,
        f"3y/1y ≤ {str(TARGET_RATIO).replace('.', ',')}",
        None if incr is None else incr <= TARGET_RATIO,
    )
    for run_name, title in (("ingest", "ingest run"), ("warehouse", "warehouse run (dbt, checks, publish)")):
        add(
            f"  incremental: Dagster {title}",
            per_run(lambda run, label, r=run_name: _run_seconds(run, label, "incremental", r)),
            "s",
            _median_ratio(runs, lambda run, label, r=run_name: _run_seconds(run, label, "incremental", r)),
        )
    add(
        "  incremental: one-stop rows synced",
        per_run(lambda run, label: _rows(run, label, "incremental", "one_stop_ingest")),
        "rows",
    )
    add(
        "Full rebuild (first night: builds the history)",
        per_run(lambda run, label: _seconds(run, label, "full")),
        "s",
        _ratio(runs, "full"),
    )
    add(
        "  full: one-stop ingest step",
        per_run(lambda run, label: _step(run, label, "full", "ingest", "one_stop_ingest")),
        "s",
        _median_ratio(runs, lambda run, label: _step(run, label, "full", "ingest", "one_stop_ingest")),
    )
    add(
        "  full: one-stop rows committed (the history)",
        per_run(lambda run, label: _rows(run, label, "full", "one_stop_ingest")),
        "rows",
        _median_ratio(runs, lambda run, label: _rows(run, label, "full", "one_stop_ingest")),
    )
    add(
        "  full: dbt build (`warehouse_dbt_assets`)",
        per_run(lambda run, label: _step(run, label, "full", "warehouse", "warehouse_dbt_assets")),
        "s",
        _median_ratio(
            runs, lambda run, label: _step(run, label, "full", "warehouse", "warehouse_dbt_assets")
        ),
    )
    for stage in HISTORY_STAGES:
        add(
            f"Peak memory: {stage}",
            per_run(lambda run, label, s=stage: _peak(run, label, s)),
            "MiB",
            None,
            "< 1.536 MiB (1,5 GiB)",
            _all_below(runs, stage, 1536),
        )
    return rows


def _run_seconds(run: dict[str, Any], label: str, stage: str, run_name: str) -> float | None:
    node = run.get(label, {}).get(stage)
    if not _ok(node) or not node["figures"] or not node["figures"].get(run_name):
        return None
    return node["figures"][run_name]["seconds"]


def _peak(run: dict[str, Any], label: str, stage: str) -> float | None:
    node = run.get(label, {}).get(stage)
    return node["measurement"]["peak_rss_mib"] if node else None


def _all_below(runs: list[dict[str, Any]], stage: str, limit: float) -> bool | None:
    peaks = [p for run in runs for label, _ in HISTORIES if (p := _peak(run, label, stage)) is not None]
    return all(p < limit for p in peaks) if peaks else None


def _median_ratio(runs: list[dict[str, Any]], getter) -> float | None:
    (one, _), (three, _) = HISTORIES
    ratios = []
    for run in runs:
        a, b = getter(run, three), getter(run, one)
        if a is not None and b:
            ratios.append(a / b)
    return median(ratios)


def incremental_steps(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where the incremental run's time went: every Dagster step of its ingest and warehouse runs, median
    seconds per history and the difference, biggest first. The jobs' executor is in-process, so steps run one
    after another; what they leave out of the stage's wall time is loading the code and starting the runs."""
    (one, _), (three, _) = HISTORIES
    names: set[tuple[str, str]] = set()
    for run in runs:
        for label, _ in HISTORIES:
            node = run.get(label, {}).get("incremental")
            if _ok(node) and node["figures"]:
                for run_name in ("ingest", "warehouse"):
                    if node["figures"].get(run_name):
                        names.update((run_name, s) for s in node["figures"][run_name]["steps"])
    out = []
    for run_name, step in names:
        values = {
            label: median(
                [v for r in runs if (v := _step(r, label, "incremental", run_name, step)) is not None]
            )
            for label, _ in HISTORIES
        }
        diff = None if values[one] is None or values[three] is None else round(values[three] - values[one], 3)
        out.append(
            {"run": run_name, "step": step, one: values[one], three: values[three], "difference": diff}
        )
    out.sort(key=lambda row: (-max(row[one] or 0, row[three] or 0), row["step"]))
    return out
