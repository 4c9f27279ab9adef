"""Ingestion of the one-stop system (hệ thống một cửa) into the lake: one asset per lake table.
# No `from __future__ import annotations` here: Dagster inspects the context annotation at runtime.

One multi-asset, subsettable by table, because every Dagster step costs seconds of overhead and the
tables of one stream (a dossier and its nested lists) must be committed together under one cursor.
"""

import time

import dagster as dg

from orchestration.lib.announce import BatchAnnouncer
from orchestration.resources import LakeResource, OneStopResource

SYSTEM = "one_stop"

# lake table → (stream it is committed with, Vietnamese description)
TABLES: dict[str, tuple[str, str]] = {
    "dossiers": ("dossiers", "Hồ sơ — dossiers in the DVCQG shape, every version"),
    "dossier_identifiers": ("dossiers", "DinhDanhCHS — applicant identifiers (restricted: personal IDs)"),
    "dossier_documents": ("dossiers", "TaiLieuNop — submitted documents"),
    "dossier_fees": ("dossiers", "DanhSachLePhi — fees"),
    "dossier_supplements": ("dossiers", "DanhSachHoSoBoSung — supplement requests"),
    "dossier_results": ("dossiers", "DanhSachGiayToKetQua — result documents"),
    "processing_steps": ("processing_steps", "Tiến độ xử lý — processing steps"),
    "procedures": ("procedures", "Thủ tục hành chính — procedure catalogue"),
    "procedure_online_levels": ("procedures", "Lịch sử mức độ DVC trực tuyến — online-level history"),
    "agencies": ("agencies", "Cơ quan — agencies with their level"),
    "fields": ("fields", "Lĩnh vực — fields of procedures"),
}
STREAM_ORDER = ("fields", "procedures", "agencies", "dossiers", "processing_steps")


def table_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([SYSTEM, table])


@dg.multi_asset(
    name="one_stop_ingest",
    specs=[
        dg.AssetSpec(
            table_key(table),
            description=description,
            group_name="ingest_one_stop",
            kinds={"sqlalchemy", "parquet"},
            tags={"source_system": SYSTEM, "layer": "ingest"},
            skippable=True,
        )
        for table, (_, description) in TABLES.items()
    ],
    can_subset=True,
    pool="one_stop",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def one_stop_ingest(context: dg.AssetExecutionContext, lake: LakeResource, one_stop: OneStopResource):
    from sources.one_stop.sync import sync_stream

    wanted = {key.path[-1] for key in context.selected_asset_keys}
    streams = [s for s in STREAM_ORDER if any(TABLES[t][0] == s for t in wanted)]
    the_lake = lake.lake()
    announcer = BatchAnnouncer(context, the_lake)
    connector = one_stop.connector()
    try:
        for stream in streams:
            started = time.perf_counter()
            records = {r.table: r for r in sync_stream(the_lake, connector, stream)}
            seconds = time.perf_counter() - started
            for table, (table_stream, _) in TABLES.items():
                if table_stream != stream or table not in wanted:
                    continue
                rec = records.get(table)
                if rec is None:
                    # Nothing new since the last committed cursor: no new version of this table.
                    context.log.info(f"{SYSTEM}.{table}: nothing new")
                    continue
                yield announcer.result(table_key(table), rec, seconds)
        yield from announcer.close()
    finally:
        connector.close()
