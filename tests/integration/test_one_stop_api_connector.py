"""The one-stop API connector against the sandbox's DVCQG-style server: under every fault knob the lake
ends equal to a fault-free SQL sync, or the sync fails with a clear message and its cursor stays put."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from sandbox.faults import FaultInjector, Faults
from sandbox.one_stop import schema
from sandbox.one_stop.api import create_api, to_windows_1258
from sandbox.runtime import serve_app
from sources.common.errors import SourceError
from sources.common.http import RetryPolicy
from sources.lake import Lake
from sources.one_stop.api import OneStopApiConnector, decode_page
from sources.one_stop.sql import OneStopSqlConnector
from sources.one_stop.sync import sync_one_stop
from tests.unit.one_stop_db import dossier, make_db, upsert_dossiers

TABLES = (
    "dossiers",
    "dossier_identifiers",
    "dossier_supplements",
    "processing_steps",
    "procedures",
    "agencies",
)
NOW = datetime(2024, 1, 1)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("one_stop") / "one_stop.sqlite"
    engine = make_db(path)
    upsert_dossiers(
        engine, [dossier(f"HS{i:03d}", f"2023{1 + i % 9:02d}{1 + i % 27:02d}080000") for i in range(60)]
    )
    with engine.begin() as con:
        con.execute(
            sa.insert(schema.ho_so_bo_sung),
            [
                {
                    "MaHoSo": "HS001",
                    "STT": 1,
                    "NgayBoSung": "20230102080000",
                    "NgayTiepNhanBoSung": "20230103080000",
                }
            ],
        )
        con.execute(
            sa.insert(schema.tien_do_xu_ly),
            [
                {
                    "MaHoSo": f"HS{i:03d}",
                    "STT": 1,
                    "NguoiXuLy": "Lê Văn An",
                    "TrangThai": 4,
                    "ThoiDiemXuLy": "20230105090000",
                    "NgayCapNhat": f"202302{1 + i % 27:02d}080000",
                }
                for i in range(25)
            ],
        )
        con.execute(
            sa.insert(schema.thu_tuc),
            {
                "MaTTHC": "1.001",
                "TenTTHC": "Đăng ký khai sinh",
                "MaLinhVuc": "HT",
                "TenLinhVuc": "Hộ tịch",
                "CapThucHien": "XA",
                "MucDoDVC": "TOAN_TRINH",
                "ThoiHanGiaiQuyet": 5,
                "LePhi": 0,
                "ThanhToanTrucTuyen": 0,
                "LienThong": 0,
                "BuuChinhCongIch": 1,
                "NgayCapNhat": "20230101000000",
            },
        )
        con.execute(
            sa.insert(schema.co_quan),
            {
                "MaDonVi": "000.00.14.H57",
                "TenDonVi": "Sở Tư pháp",
                "CapDonVi": 1,
                "NgayHieuLuc": "20210701",
                "NgayCapNhat": "20230101000000",
            },
        )
    injector = FaultInjector()
    handle = serve_app(create_api(f"sqlite:///{path}", injector, username="u", password="p"), "one_stop_test")
    try:
        yield f"sqlite:///{path}", handle.url + "/api", injector
    finally:
        handle.stop()


def _api(url: str, **kw) -> OneStopApiConnector:
    policy = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.05, timeout=1.0)
    return OneStopApiConnector(url, "u", "p", page_size=7, policy=policy, now=NOW, **kw)


def _fingerprints(lake: Lake) -> dict[str, str]:
    return {t: lake.fingerprint("one_stop", t) for t in TABLES}


@pytest.fixture(scope="module")
def clean(source, tmp_path_factory) -> dict[str, str]:
    db_url, _, _ = source
    lake = Lake(tmp_path_factory.mktemp("clean"))
    sync_one_stop(lake, OneStopSqlConnector(db_url, page_size=9))
    return _fingerprints(lake)


def test_api_and_sql_connectors_land_the_same_lake(source, clean, tmp_path):
    _, url, injector = source
    injector.set(Faults())
    lake = Lake(tmp_path)
    result = sync_one_stop(lake, _api(url))
    assert result.rows("dossiers") == 60 and result.rows("processing_steps") == 25
    assert _fingerprints(lake) == clean


@pytest.mark.parametrize(
    "faults",
    [
        Faults(latency_ms=20),
        Faults(rate_limit_every=3, retry_after_s=0.01),
        Faults(error_5xx_every=4),
        Faults(timeout_every=5, timeout_s=1.5),
        Faults(token_ttl_s=0.05, latency_ms=30),
        Faults(truncate_page_every=3),
        Faults(repeat_page_every=2),
        Faults(reorder_pages=True),
        Faults(bad_encoding=True),
        Faults(
            rate_limit_every=4,
            error_5xx_every=5,
            truncate_page_every=6,
            repeat_page_every=3,
            retry_after_s=0.01,
        ),
    ],
    ids=lambda f: ",".join(
        f"{k}={v}" for k, v in f.to_dict().items() if v not in (0, None, False, 0.05, 2.0)
    ),
)
def test_every_fault_knob_ends_in_the_clean_lake(source, clean, tmp_path, faults):
    _, url, injector = source
    injector.set(faults)
    try:
        lake = Lake(tmp_path)
        sync_one_stop(lake, _api(url))
    finally:
        injector.set(Faults())
    assert _fingerprints(lake) == clean


def test_malformed_rows_are_quarantined_and_cursor_moves(source, tmp_path):
    _, url, injector = source
    injector.set(Faults(malformed_rows_every=10))
    try:
        lake = Lake(tmp_path)
        result = sync_one_stop(lake, _api(url), streams=("dossiers",))
    finally:
        injector.set(Faults())
    assert result.quarantined("dossiers") == 6
    assert result.rows("dossiers") == 54


def test_breaking_drift_holds_the_batch_and_names_the_change(source, clean, tmp_path):
    _, url, injector = source
    lake = Lake(tmp_path)
    sync_one_stop(lake, _api(url), streams=("dossiers",))
    cursor = lake.cursor("one_stop", "dossiers")
    injector.set(Faults(schema_drift="retype_column"))
    try:
        with pytest.raises(Exception, match=r"dossiers.*KenhThucHien: int64 -> string"):
            sync_one_stop(lake, _api(url, overlap=timedelta(days=3650)), streams=("dossiers",))
    finally:
        injector.set(Faults())
    assert lake.cursor("one_stop", "dossiers") == cursor


def test_retries_run_out_and_fail_naming_system_and_endpoint(source, tmp_path):
    _, url, injector = source
    injector.set(Faults(error_5xx_every=1))
    try:
        with pytest.raises(
            SourceError, match=r"one_stop: .*/api/(token|service) failed after retries: HTTP 50"
        ):
            sync_one_stop(Lake(tmp_path), _api(url), streams=("dossiers",))
    finally:
        injector.set(Faults())
    assert Lake(tmp_path).cursor("one_stop", "dossiers") is None


def test_decode_page_recovers_windows_1258_and_rejects_truncation():
    body = '{"error_code":0,"data":[{"TenTTHC":"Đăng ký khai sinh"}]}'
    assert decode_page(to_windows_1258(body))["data"][0]["TenTTHC"] == "Đăng ký khai sinh"
    with pytest.raises(Exception, match="not complete JSON"):
        decode_page(body.encode()[:20])
