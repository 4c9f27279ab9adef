"""Jobs, the 01:00 schedule and the sensor that chains the warehouse run to the ingestion run."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.freshness import freshness_checks
from orchestration.nightly import (
    affected_keys,
    ingest_selection,
    latest_materializations,
    verification_selection,
)

NIGHTLY_TIMEZONE = "Asia/Ho_Chi_Minh"

# Partitioned backfill assets (orchestration/defs/one_stop/partitions.py) run only in their own job: an
# unpartitioned run of them would have no date range to re-read.
BACKFILL_SELECTION = dg.AssetSelection.tag("backfill", "received_day")
# Freshness checks are evaluated by their own sensor, on the clock; inside a nightly run they would only
# report the tables that run did not touch (a partial night) as stale.
NOT_IN_JOBS = BACKFILL_SELECTION | dg.AssetSelection.checks(*freshness_checks())

# Retry per asset kind (chính sách thử lại). Ingestion talks to networks and remote databases, whose
# failures are mostly transient: retry with exponential backoff and jitter (assets may set a stricter
# policy of their own, which wins). The warehouse (dbt) and publication get no retry: a failing model,
# test or gate fails the same way twice, and a blind retry would only delay the alert.
INGEST_RETRY = dg.RetryPolicy(
    max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)

# In-process: DuckDB allows one writer per file, and each multiprocess step costs ~3 s of start-up on
# these machines; the steps are sequential anyway (ingest → dbt → gate → publish).
nightly_ingest_job = dg.define_asset_job(
    name="nightly_ingest",
    selection=ingest_selection() - verification_selection() - NOT_IN_JOBS,
    executor_def=dg.in_process_executor,
    op_retry_policy=INGEST_RETRY,
    description="Đồng bộ hằng đêm, bước 1: ingest every source system into the lake.",
    tags={"schedule": "nightly"},
)

# Its own run after the ingest run, so that Dagster never skips it for lack of new dossiers
# (orchestration.nightly.VERIFICATION_KEYS); the population pool keeps it one step at a time.
nightly_verification_job = dg.define_asset_job(
    name="nightly_verification",
    selection=verification_selection() - NOT_IN_JOBS,
    executor_def=dg.in_process_executor,
    op_retry_policy=INGEST_RETRY,
    description="Đồng bộ hằng đêm, bước 1b: verify the new applicants, and ask again the lookups still owed.",
    tags={"schedule": "nightly"},
)

nightly_warehouse_job = dg.define_asset_job(
    name="nightly_warehouse",
    selection=dg.AssetSelection.all() - ingest_selection() - NOT_IN_JOBS,
    executor_def=dg.in_process_executor,
    description="Đồng bộ hằng đêm, bước 2: rebuild what the new batches touch, gate and publish.",
    tags={"schedule": "nightly"},
)

full_rebuild_job = dg.define_asset_job(
    name="full_rebuild",
    selection=dg.AssetSelection.all() - NOT_IN_JOBS,
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
    name="verification_after_ingest",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[nightly_ingest_job],
    request_job=nightly_verification_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def verification_after_ingest(context: dg.RunStatusSensorContext):
    return dg.RunRequest(run_key=context.dagster_run.run_id)


def _warehouse_request(context: dg.RunStatusSensorContext):
    graph = context.repository_def.asset_graph
    keys = affected_keys(
        graph,
        ingest_selection().resolve(graph),
        latest_materializations(context.instance, graph.get_all_asset_keys()),
    )
    if not keys:
        return dg.SkipReason("every warehouse asset is newer than its sources: nothing to rebuild or publish")
    return dg.RunRequest(run_key=context.dagster_run.run_id, asset_selection=sorted(keys, key=str))


# The warehouse follows the verification run whether it succeeded or not: a population service that is
# down must not hold back the night's one-stop, digitisation and open data (its failure alerts by itself).
def _warehouse_after(status: dg.DagsterRunStatus, name: str) -> dg.SensorDefinition:
    @dg.run_status_sensor(
        name=name,
        run_status=status,
        monitored_jobs=[nightly_verification_job],
        request_job=nightly_warehouse_job,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def warehouse_after(context: dg.RunStatusSensorContext):
        return _warehouse_request(context)

    return warehouse_after


warehouse_after_verification = _warehouse_after(dg.DagsterRunStatus.SUCCESS, "warehouse_after_verification")
warehouse_after_failed_verification = _warehouse_after(
    dg.DagsterRunStatus.FAILURE, "warehouse_after_failed_verification"
)
