"""Jobs, the 01:00 schedule and the sensor that chains the warehouse run to the ingestion run."""

from __future__ import annotations

import dagster as dg

from orchestration.nightly import affected_keys, changed_ingest_keys, ingest_selection

NIGHTLY_TIMEZONE = "Asia/Ho_Chi_Minh"

# In-process: DuckDB allows one writer per file, and each multiprocess step costs ~3 s of start-up on
# these machines; the steps are sequential anyway (ingest → dbt → gate → publish).
nightly_ingest_job = dg.define_asset_job(
    name="nightly_ingest",
    selection=ingest_selection(),
    executor_def=dg.in_process_executor,
    description="Đồng bộ hằng đêm, bước 1: ingest every source system into the lake.",
    tags={"schedule": "nightly"},
)

nightly_warehouse_job = dg.define_asset_job(
    name="nightly_warehouse",
    selection=dg.AssetSelection.all() - ingest_selection(),
    executor_def=dg.in_process_executor,
    description="Đồng bộ hằng đêm, bước 2: rebuild what the new batches touch, gate and publish.",
    tags={"schedule": "nightly"},
)

full_rebuild_job = dg.define_asset_job(
    name="full_rebuild",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Everything, from every source to every publication (after a model change or a restore).",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_0100",
    job=nightly_ingest_job,
    cron_schedule="0 1 * * *",
    execution_timezone=NIGHTLY_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.run_status_sensor(
    name="warehouse_after_ingest",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[nightly_ingest_job],
    request_job=nightly_warehouse_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def warehouse_after_ingest(context: dg.RunStatusSensorContext):
    instance = context.instance
    graph = context.repository_def.asset_graph
    changed = changed_ingest_keys(instance.all_logs(context.dagster_run.run_id))
    keys = affected_keys(
        graph,
        changed,
        ingest_selection().resolve(graph),
        lambda key: instance.get_latest_materialization_event(key) is not None,
    )
    if not keys:
        return dg.SkipReason("no source table received a new batch: nothing to rebuild or publish")
    return dg.RunRequest(run_key=context.dagster_run.run_id, asset_selection=sorted(keys, key=str))
