"""``python -m orchestration.run``: run the nightly job now, print the summary, exit non-zero on failure.

This is what ``make run`` calls after starting the sandbox. The run is recorded in the persistent Dagster
instance (DAGSTER_HOME), so ``make ui`` shows it afterwards.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from orchestration.lib.environment import export_defaults, resolve_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--full",
        action="store_true",
        help="rebuild every asset (after a model change), not only what changed",
    )
    parser.add_argument(
        "--log-level", default="WARNING", help="Dagster console log level (the full log is in the UI)"
    )
    args = parser.parse_args(argv)
    settings = export_defaults()
    os.environ.setdefault("DAGSTER_HOME", str(resolve_path("data/dagster_home")))
    os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
    logging.basicConfig(level=logging.WARNING)

    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.publish.catalog import published_datasets
    from orchestration.nightly import console_config, in_process_launch, run_nightly
    from orchestration.summary import render, render_reconciliation, summarise

    instance = dg.DagsterInstance.get()
    if args.full:
        with in_process_launch(instance) as tags:
            result = defs.resolve_job_def("full_rebuild").execute_in_process(
                instance=instance, raise_on_error=False, run_config=console_config(args.log_level), tags=tags
            )
        run_ids, success = [result.run_id], result.success
    else:
        nightly = run_nightly(defs, instance, log_level=args.log_level)
        run_ids, success = nightly.run_ids, nightly.success
    events = [entry for run_id in run_ids for entry in instance.all_logs(run_id)]
    report = write_quality_report(resolve_path(settings["HUE_QUALITY_DIR"]))
    summary = summarise(events, success)
    outputs = {
        "lake": settings["HUE_LAKE_DIR"],
        "warehouse": settings["HUE_WAREHOUSE_PATH"],
        "portal store": settings["HUE_PORTAL_DIR"],
        "quality report": str(report) if report else "(no dataset was checked)",
        "Dagster runs": ", ".join(run_ids) + " (make ui)",
    }
    # the hand-written (KPI) datasets are always listed; the generated open-catalogue ones are counted
    kpi_datasets = {d.slug for d in published_datasets() if not d.suite.startswith("digitization/")}
    print(render(summary, outputs, highlight=kpi_datasets))
    print(render_reconciliation(read_reconciliation(resolve_path(settings["HUE_WAREHOUSE_PATH"]))))
    return 0 if summary.ok else 1


def read_reconciliation(warehouse: Path) -> list[dict]:
    """rpt_reconciliation rows, or none when the warehouse has not built it (yet)."""
    import duckdb

    if not warehouse.exists():
        return []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return (
            con.sql(
                "select * from marts.rpt_reconciliation order by report, "
                "case level when 'all' then 0 when 'province' then 1 when 'district' then 2 else 3 end, metric"
            )
            .to_arrow_table()
            .to_pylist()
        )
    except duckdb.CatalogException:
        return []
    finally:
        con.close()


def write_quality_report(results_dir: Path) -> Path | None:
    """Render the offline quality report (báo cáo chất lượng dữ liệu) from the gate's result files."""
    from expectations.report import load_results, write_report

    datasets = load_results(results_dir) if results_dir.exists() else []
    if not datasets:
        return None
    path = results_dir / "report.html"
    write_report(datasets, path)
    return path


if __name__ == "__main__":
    sys.exit(main())
