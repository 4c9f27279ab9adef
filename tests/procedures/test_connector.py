"""The one-stop connectors carry procedure validity and the online-level history into the lake."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import sqlalchemy as sa

from sandbox.faults import FaultInjector
from sandbox.one_stop import schema
from sandbox.one_stop.api import create_api
from sandbox.runtime import serve_app
from sources.common.http import RetryPolicy
from sources.lake import Lake
from sources.one_stop.api import OneStopApiConnector
from sources.one_stop.sql import OneStopSqlConnector
from sources.one_stop.sync import sync_stream

TABLES = ("procedures", "procedure_online_levels")


def _rows(lake: Lake, table: str, columns: str) -> list[tuple]:
    files = [str(f) for f in lake.committed_files("one_stop", table)]
    con = duckdb.connect()
    try:
        return con.execute(
            f"select {columns} from read_parquet(?, union_by_name = true) order by all", [files]
        ).fetchall()
    finally:
        con.close()


def test_sql_connector_lands_validity_and_history(lake_dir: Path, tiny_url: str) -> None:
    lake = Lake(lake_dir)
    engine = sa.create_engine(tiny_url)
    with engine.connect() as conn:
        history = conn.execute(
            sa.select(
                schema.thu_tuc_muc_do_dvc.c.MaTTHC,
                schema.thu_tuc_muc_do_dvc.c.STT,
                schema.thu_tuc_muc_do_dvc.c.MucDoDVC,
                schema.thu_tuc_muc_do_dvc.c.NgayHieuLuc,
                schema.thu_tuc_muc_do_dvc.c.NgayHetHieuLuc,
            )
        ).all()
        validity = conn.execute(
            sa.select(schema.thu_tuc.c.MaTTHC, schema.thu_tuc.c.NgayHieuLuc, schema.thu_tuc.c.NgayHetHieuLuc,
                      schema.thu_tuc.c.NganhDoc, schema.thu_tuc.c.NgayCapNhat)
        ).all()  # fmt: skip
    engine.dispose()
    landed = _rows(lake, "procedure_online_levels", "MaTTHC, STT, MucDoDVC, NgayHieuLuc, NgayHetHieuLuc")
    assert landed == sorted(tuple(r) for r in history)
    # every history row is tied to the procedure version it came with
    versions = _rows(lake, "procedure_online_levels", "distinct MaTTHC, NgayCapNhatTTHC")
    assert versions == sorted((code, updated) for code, *_, updated in validity)
    assert _rows(lake, "procedures", "MaTTHC, NgayHieuLuc, NgayHetHieuLuc, NganhDoc") == sorted(
        tuple(r[:4]) for r in validity
    )


def test_api_connector_lands_the_same_tables_as_sql(lake_dir: Path, tiny_url: str, tmp_path: Path) -> None:
    handle = serve_app(create_api(tiny_url, FaultInjector(), username="u", password="p"), "h1a_connector")
    api_lake = Lake(tmp_path / "api")
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, timeout=30.0)
    connector = OneStopApiConnector(
        handle.url + "/api", "u", "p", page_size=500, policy=policy, now=datetime(2024, 9, 16)
    )
    try:
        sync_stream(api_lake, connector, "procedures")
    finally:
        connector.close()
        handle.stop()
    sql_lake = Lake(lake_dir)
    for table in TABLES:
        assert api_lake.fingerprint("one_stop", table) == sql_lake.fingerprint("one_stop", table), table


def test_a_source_without_history_still_lands_a_typed_empty_table(tmp_path: Path) -> None:
    # An older one-stop system: thu_tuc without the history table (and without the newer columns' values).
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    schema.thu_tuc.create(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.thu_tuc),
            {"MaTTHC": "1.001", "TenTTHC": "Đăng ký khai sinh", "MaLinhVuc": "HT", "TenLinhVuc": "Hộ tịch",
             "CapThucHien": "XA", "MucDoDVC": "TOAN_TRINH", "LePhi": 0, "ThanhToanTrucTuyen": 0, "LienThong": 0,
             "BuuChinhCongIch": 0, "NgayCapNhat": "20230101000000"},
        )  # fmt: skip
    engine.dispose()
    lake = Lake(tmp_path / "lake")
    connector = OneStopSqlConnector(url)
    try:
        sync_stream(lake, connector, "procedures")
    finally:
        connector.close()
    assert _rows(lake, "procedures", "MaTTHC, MucDoDVC") == [("1.001", "TOAN_TRINH")]
    files = lake.committed_files("one_stop", "procedure_online_levels")
    assert len(files) == 1
    con = duckdb.connect()
    try:
        columns = [
            c[0] for c in con.execute("describe select * from read_parquet(?)", [str(files[0])]).fetchall()
        ]
        assert con.execute("select count(*) from read_parquet(?)", [str(files[0])]).fetchone() == (0,)
    finally:
        con.close()
    assert {"MaTTHC", "STT", "MucDoDVC", "NgayHieuLuc", "NgayHetHieuLuc", "NgayCapNhatTTHC"} <= set(columns)
