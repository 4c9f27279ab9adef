"""A month's backfill of one-stop dossiers and steps: one run, exactly those partitions, changed rows land.

Real SQLite source in the DVCQG shape, real lake, real Dagster instance; the source fix is an UPDATE that
changes content without bumping NgayCapNhat — exactly what the nightly cursor cannot see.
"""

from __future__ import annotations

from datetime import date

import dagster as dg
import duckdb
import pytest
import sqlalchemy as sa

from orchestration.defs.one_stop.partitions import backfill_assets, backfill_job
from orchestration.resources import LakeResource, OneStopResource
from sandbox.one_stop import schema
from sources.lake import Lake
from sources.one_stop.sql import OneStopSqlConnector
from sources.one_stop.sync import sync_stream
from tests.operations.onestop_fixture import build_one_stop_db, dossier_code

OCTOBER = [f"2025-10-{d:02d}" for d in range(1, 32)]
FIXED = [dossier_code(date(2025, 10, 7), 0), dossier_code(date(2025, 10, 31), 1)]
OUTSIDE = dossier_code(date(2025, 11, 3), 0)


def _duplicates(lake_root, table: str) -> int:
    """Rows repeated on (key, version, content), whatever their batch."""
    con = duckdb.connect()
    try:
        src = f"read_parquet('{lake_root}/raw/one_stop/{table}/*/*.parquet', union_by_name = true)"
        total = con.execute(f"SELECT count(*) FROM {src}").fetchone()[0]
        distinct = con.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT * EXCLUDE (_batch_id, _extracted_at, _source) FROM {src})"
        ).fetchone()[0]
        return total - distinct
    finally:
        con.close()


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory):
    root = tmp_path_factory.mktemp("backfill")
    url, codes = build_one_stop_db(root / "one_stop.sqlite", date(2025, 9, 28), date(2025, 11, 4))
    lake = Lake(root / "lake")
    connector = OneStopSqlConnector(url)
    for stream in ("dossiers", "processing_steps"):
        sync_stream(lake, connector, stream)  # the nightly sync already holds every dossier
    cursor_before = {s: lake.cursor("one_stop", s) for s in ("dossiers", "processing_steps")}
    batches_before = {b.batch_id for b in lake.batches("one_stop")}

    # The source fix: two October dossiers and one step corrected in place, NgayCapNhat untouched; one
    # November dossier corrected too, outside the backfilled month, so it must not be picked up.
    engine = sa.create_engine(url)
    with engine.begin() as con:
        for code in [*FIXED, OUTSIDE]:
            con.execute(schema.ho_so.update().where(schema.ho_so.c.MaHoSo == code).values(TrangThaiHoSo=10))
        con.execute(
            schema.tien_do_xu_ly.update()
            .where(schema.tien_do_xu_ly.c.MaHoSo == FIXED[0], schema.tien_do_xu_ly.c.STT == 2)
            .values(NoiDungXuLy="Thẩm định (đã sửa)")
        )
    engine.dispose()

    instance = dg.DagsterInstance.ephemeral()
    defs = dg.Definitions(
        assets=backfill_assets,
        jobs=[backfill_job],
        resources={
            "lake": LakeResource(root=str(root / "lake")),
            "one_stop": OneStopResource(db_url=url),
        },
    )
    tags = {
        "dagster/asset_partition_range_start": OCTOBER[0],
        "dagster/asset_partition_range_end": OCTOBER[-1],
    }
    job = defs.resolve_job_def("one_stop_backfill")
    result = job.execute_in_process(instance=instance, tags=tags)
    again = job.execute_in_process(instance=instance, tags=tags)
    yield {
        "root": root,
        "lake": Lake(root / "lake"),
        "instance": instance,
        "result": result,
        "again": again,
        "cursor_before": cursor_before,
        "batches_before": batches_before,
        "codes": codes,
    }
    connector.close()


def test_a_month_is_one_run_and_exactly_its_partitions(backfilled):
    instance = backfilled["instance"]
    assert backfilled["result"].success
    runs = instance.get_runs()
    assert len(runs) == 2  # the backfill and its repetition: one run each, not one per day
    for key in ("dossiers_by_received_day", "processing_steps_by_received_day"):
        asset = dg.AssetKey(["one_stop", key])
        assert instance.get_materialized_partitions(asset) == set(OCTOBER)
        events = instance.fetch_materializations(asset, limit=100).records
        assert {e.partition_key for e in events if e.run_id == backfilled["result"].run_id} == set(OCTOBER)


def test_the_changed_rows_landed_and_nothing_else(backfilled):
    lake: Lake = backfilled["lake"]
    new = [b for b in lake.batches("one_stop") if b.batch_id not in backfilled["batches_before"]]
    rows = {b.table: b.rows for b in new}
    # Only the corrected content is new: two dossiers and one step; their unchanged lists are dropped.
    assert rows == {"dossiers": 2, "processing_steps": 1}
    con = duckdb.connect()
    try:
        latest = dict(
            con.execute(
                "SELECT MaHoSo, arg_max(TrangThaiHoSo, _batch_id) FROM read_parquet(?, union_by_name = true) "
                "GROUP BY MaHoSo",
                [f"{backfilled['root']}/lake/raw/one_stop/dossiers/*/*.parquet"],
            ).fetchall()
        )
    finally:
        con.close()
    assert latest[FIXED[0]] == 10 and latest[FIXED[1]] == 10
    assert latest[OUTSIDE] == 4  # outside the backfilled month: untouched until its own backfill


def test_no_duplicate_rows_and_the_nightly_cursor_did_not_move(backfilled):
    lake: Lake = backfilled["lake"]
    for table in ("dossiers", "processing_steps", "dossier_documents"):
        assert _duplicates(backfilled["root"] / "lake", table) == 0, table
    assert {s: lake.cursor("one_stop", s) for s in ("dossiers", "processing_steps")} == backfilled[
        "cursor_before"
    ]


def test_repeating_the_backfill_adds_no_rows(backfilled):
    assert backfilled["again"].success
    lake: Lake = backfilled["lake"]
    repeat = [b for b in lake.batches("one_stop") if b.started_at >= _run_start(backfilled)]
    assert sum(b.rows for b in repeat) == 0


def _run_start(backfilled) -> str:
    record = backfilled["instance"].get_run_record_by_id(backfilled["again"].run_id)
    return record.start_time and _iso(record.start_time)


def _iso(timestamp: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
