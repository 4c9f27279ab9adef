"""The nightly job and its schedule (01:00 Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import dagster as dg

NIGHTLY_TIMEZONE = "Asia/Ho_Chi_Minh"

# In-process: DuckDB allows one writer per file, and each multiprocess step costs ~3 s of start-up on
# these machines; the steps of a nightly run are sequential anyway (ingest → dbt → gate → publish).
nightly_job = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Đồng bộ hằng đêm: ingest every source, build the warehouse, gate and publish.",
    tags={"schedule": "nightly"},
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_0100",
    job=nightly_job,
    cron_schedule="0 1 * * *",
    execution_timezone=NIGHTLY_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
