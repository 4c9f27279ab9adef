"""Backfills (nạp lại) of one-stop dossiers and processing steps by the day the dossier was received.

The nightly ``one_stop_ingest`` follows the source's update cursor (NgayCapNhat) and never looks back.
After a source fix — a bug corrected in the one-stop system, rows repaired without a new NgayCapNhat —
a month must be re-extracted. These two daily-partitioned assets do that: one partition per reception
day (ngày tiếp nhận, Asia/Ho_Chi_Minh), a single-run backfill policy, so a month's backfill is one run
and one keyset-paged query over the whole range, committed to the lake as ordinary batches.

The lake dedupes a backfill batch on the whole row content, not on (key, version): corrected rows land
(staging keeps the newest batch of each version), identical rows are dropped, and the nightly cursor does
not move. The warehouse picks the new batches up on its next build of the assets downstream of
``one_stop/dossiers`` and ``one_stop/processing_steps`` (see docs/operations.md).
"""

import time
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Protocol

import dagster as dg

from orchestration.defs.one_stop.assets import SYSTEM
from orchestration.lib.metadata import batch_metadata
from orchestration.resources import LakeResource, OneStopResource

if TYPE_CHECKING:  # the lake (DuckDB, pyarrow) is imported when a backfill runs, not at load
    from sources.lake import BatchRecord, Lake

BACKFILL_TIMEZONE = "Asia/Ho_Chi_Minh"
# The earliest reception day a backfill can ask for: the first period the KPIs cover starts 15/12/2022
# (domain guide §1); 2021 leaves room for older history. Earlier days would simply be empty.
FIRST_DAY = "2021-01-01"
BACKFILL_GROUP = "backfill_one_stop"

received_day_partitions = dg.DailyPartitionsDefinition(
    start_date=FIRST_DAY, timezone=BACKFILL_TIMEZONE, end_offset=1
)

# The lake tables each backfill asset commits: a dossier travels with its nested lists.
DOSSIER_TABLES = (
    "dossiers",
    "dossier_identifiers",
    "dossier_documents",
    "dossier_fees",
    "dossier_supplements",
    "dossier_results",
)
STEP_TABLES = ("processing_steps",)


class RangeConnector(Protocol):
    def dossiers_received_between(self, start: date, end: date) -> Iterable: ...
    def processing_steps_received_between(self, start: date, end: date) -> Iterable: ...


def backfill_stream(
    lake: "Lake", connector: RangeConnector, stream: str, start: date, end: date
) -> "list[BatchRecord]":
    """Re-extract one stream for dossiers received in [start, end) and commit it as a backfill batch."""
    from sources.one_stop.contract import CONTRACTS

    with lake.stream(SYSTEM, stream, CONTRACTS, backfill=True) as tx:
        if stream == "dossiers":
            batches = connector.dossiers_received_between(start, end)
        elif stream == "processing_steps":
            batches = connector.processing_steps_received_between(start, end)
        else:
            raise ValueError(f"no backfill for stream {stream!r}")
        for batch in batches:
            tx.write(batch)
        return tx.commit()


def _run_backfill(
    context: dg.AssetExecutionContext,
    lake: LakeResource,
    one_stop: OneStopResource,
    stream: str,
    tables: tuple[str, ...],
) -> dg.MaterializeResult:
    window = context.partition_time_window
    start, end = window.start.date(), window.end.date()
    context.log.info(
        f"nạp lại / backfill {SYSTEM}.{stream}: dossiers received {start} → {end} (exclusive), "
        f"{len(context.partition_keys)} partitions in one run"
    )
    connector = one_stop.connector()
    try:
        started = time.perf_counter()
        records = {r.table: r for r in backfill_stream(lake.lake(), connector, stream, start, end)}
        seconds = time.perf_counter() - started
    finally:
        connector.close()
    metadata: dict[str, object] = {
        "range_start": str(start),
        "range_end_exclusive": str(end),
        "partitions": len(context.partition_keys),
        "seconds": round(seconds, 2),
    }
    for table in tables:
        rec = records.get(table)
        metadata[f"rows_{table}"] = rec.rows if rec else 0
    main = records.get(tables[0])
    if main is not None:
        metadata.update({k: v for k, v in batch_metadata(main, seconds).items() if k not in metadata})
    # Every partition of the range is marked materialised, also when nothing in it had changed: the
    # range was re-read from the source, which is what the backfill was asked to do.
    return dg.MaterializeResult(metadata=metadata)


_COMMON = {
    "partitions_def": received_day_partitions,
    "backfill_policy": dg.BackfillPolicy.single_run(),
    "group_name": BACKFILL_GROUP,
    "pool": "one_stop",
    "kinds": {"sqlalchemy", "parquet"},
    # layer=ingest keeps them out of the nightly warehouse selection (they are sources, like the nightly
    # ingest); the backfill tag keeps them out of the unpartitioned jobs (see orchestration/jobs.py).
    "tags": {"source_system": SYSTEM, "layer": "ingest", "backfill": "received_day"},
    "retry_policy": dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
}


@dg.asset(
    key=dg.AssetKey([SYSTEM, "dossiers_by_received_day"]),
    description="Nạp lại hồ sơ theo ngày tiếp nhận — re-extract dossiers (with nested lists) by reception day",
    **_COMMON,
)
def dossiers_by_received_day(
    context: dg.AssetExecutionContext, lake: LakeResource, one_stop: OneStopResource
) -> dg.MaterializeResult:
    return _run_backfill(context, lake, one_stop, "dossiers", DOSSIER_TABLES)


@dg.asset(
    key=dg.AssetKey([SYSTEM, "processing_steps_by_received_day"]),
    description="Nạp lại tiến độ xử lý theo ngày tiếp nhận hồ sơ — re-extract processing steps by reception day",
    deps=[dossiers_by_received_day],
    **_COMMON,
)
def processing_steps_by_received_day(
    context: dg.AssetExecutionContext, lake: LakeResource, one_stop: OneStopResource
) -> dg.MaterializeResult:
    return _run_backfill(context, lake, one_stop, "processing_steps", STEP_TABLES)


backfill_assets = [dossiers_by_received_day, processing_steps_by_received_day]
backfill_job = dg.define_asset_job(
    name="one_stop_backfill",
    selection=dg.AssetSelection.assets(*backfill_assets),
    partitions_def=received_day_partitions,
    executor_def=dg.in_process_executor,
    description="Nạp lại một khoảng ngày tiếp nhận — backfill one-stop dossiers and steps over a date range.",
)
