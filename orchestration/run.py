"""``python -m orchestration.run``: run the nightly job now, print the summary, exit non-zero on failure.

This is what ``make run`` calls after starting the sandbox. The run is recorded in the persistent Dagster
instance (DAGSTER_HOME), so ``make ui`` shows it afterwards.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from orchestration.lib.environment import export_defaults, resolve_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--job", default="nightly")
    parser.parse_args(argv)
    settings = export_defaults()
    os.environ.setdefault("DAGSTER_HOME", str(resolve_path("data/dagster_home")))
    os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
    logging.basicConfig(level=logging.WARNING)

    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.summary import render, summarise

    instance = dg.DagsterInstance.get()
    job = defs.resolve_job_def("nightly")
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    events = instance.all_logs(result.run_id)
    summary = summarise(events, result.success)
    outputs = {
        "lake": settings["HUE_LAKE_DIR"],
        "warehouse": settings["HUE_WAREHOUSE_PATH"],
        "portal store": settings["HUE_PORTAL_DIR"],
        "quality results": settings["HUE_QUALITY_DIR"],
        "Dagster run": f"{result.run_id} (make ui)",
    }
    print(render(summary, outputs))
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
