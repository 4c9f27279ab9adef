"""``python -m benchmarks.nightly_stage``: one nightly run (ingest, then the warehouse run it selects) in
this process, its figures written as JSON. The harness runs it as a subprocess so that wall time and peak
memory belong to the run alone; the resilience matrices run it with ``HUE_CRASH_AT`` set.

Environment: the workspace's HUE_* variables and DAGSTER_HOME (see :class:`benchmarks.workspace.Workspace`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from sources.common.crash import maybe_crash


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="where to write the run's figures (JSON)")
    parser.add_argument(
        "--digitization-tables",
        type=int,
        default=None,
        help="sync only the first N digitisation tables (default: the whole catalogue)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    import dagster as dg

    from orchestration.definitions import defs

    defs.resolve_asset_graph()  # what a code location does at load: the figure includes it
    defs_seconds = time.perf_counter() - started

    from benchmarks.workspace import ingest_selection
    from orchestration.nightly import run_nightly

    keys = ingest_selection(args.digitization_tables)
    instance = dg.DagsterInstance.get()
    maybe_crash("run.before_ingest")
    result = run_nightly(defs, instance, ingest_keys=keys, log_level="ERROR")
    maybe_crash("run.after_nightly")
    figures: dict[str, Any] = {
        "success": result.success,
        "defs_load_s": round(defs_seconds, 3),
        "selected_assets": len(result.selection),
        "ingest": run_figures(instance, result.ingest.run_id),
        "verification": run_figures(instance, result.verification.run_id) if result.verification else None,
        "warehouse": run_figures(instance, result.warehouse.run_id) if result.warehouse else None,
        "errors": failures(instance, result.run_ids),
    }
    Path(args.out).write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if result.success else 1


def run_figures(instance, run_id: str) -> dict[str, Any]:
    """Wall time of a run, its steps' durations and the rows its ingestion assets committed."""
    import dagster as dg

    stats = instance.get_run_stats(run_id)
    steps = {
        s.step_key: round((s.end_time or 0) - (s.start_time or 0), 3)
        for s in instance.get_run_step_stats(run_id)
        if s.start_time
    }
    rows_by_step: dict[str, int] = {}
    materialized = 0
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialized += 1
        value = entry.dagster_event.event_specific_data.materialization.metadata.get("rows")
        if value is not None and isinstance(getattr(value, "value", None), int):
            rows_by_step[entry.step_key] = rows_by_step.get(entry.step_key, 0) + value.value
    return {
        "run_id": run_id,
        "seconds": round((stats.end_time or 0) - (stats.start_time or stats.launch_time or 0), 3),
        "steps": steps,
        "materializations": materialized,
        "rows": sum(rows_by_step.values()),
        "rows_by_step": rows_by_step,
    }


def failures(instance, run_ids: list[str]) -> list[str]:
    """The first lines of every step failure: what a failed night says, for the resilience report."""
    import dagster as dg

    messages = []
    for run_id in run_ids:
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
            error = entry.dagster_event.event_specific_data.error
            text = error.message if error else entry.message
            messages.append(f"{entry.step_key}: {text.strip().splitlines()[0][:300]}")
    return messages


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
