"""Shared fixtures: realistic Huế open datasets, a store, and a live portal server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
import uvicorn

from portal.server import create_app
from portal.spec import ColumnSpec, Contact, DatasetSpec
from portal.store import PortalStore

T0 = dt.datetime(2026, 11, 23, 1, 0, 0, tzinfo=dt.UTC)


def dossier_spec(**overrides) -> DatasetSpec:
    values = dict(
        slug="ho-so-mot-cua-theo-don-vi",
        title_vi="Hồ sơ thủ tục hành chính theo đơn vị",
        title_en="Administrative dossiers by unit",
        description_vi="Số hồ sơ tiếp nhận, giải quyết đúng hạn và trực tuyến theo đơn vị, theo kỳ báo cáo.",
        description_en="Dossiers received, resolved on time and online, per unit and reporting period.",
        keywords=("hồ sơ", "một cửa", "dịch vụ công"),
        theme="Hành chính công",
        publisher="Sở Thông tin và Truyền thông",
        contact=Contact("Trung tâm Giám sát, điều hành đô thị thông minh", "ioc@hue.gov.vn"),
        update_frequency="QUARTERLY",
        temporal_start=dt.date(2024, 6, 15),
        temporal_end=dt.date(2024, 9, 14),
        columns=(
            ColumnSpec(
                "ma_don_vi", "string", "Mã đơn vị", "Mã đơn vị hành chính (5 chữ số)", "Admin unit code"
            ),
            ColumnSpec("ten_don_vi", "string", "Tên đơn vị"),
            ColumnSpec("ky_bao_cao", "date", "Ngày bắt đầu kỳ báo cáo"),
            ColumnSpec("so_ho_so", "integer", "Số hồ sơ tiếp nhận"),
            ColumnSpec("ty_le_truc_tuyen", "number", "Tỷ lệ trực tuyến (%)"),
            ColumnSpec("dat_chi_tieu", "boolean", "Đạt chỉ tiêu"),
            ColumnSpec("cap_nhat_luc", "datetime", "Thời điểm cập nhật"),
        ),
    )
    values.update(overrides)
    return DatasetSpec(**values)


def dossier_table(n: int = 30, offset: int = 0, marker: int = 0) -> pa.Table:
    units = [f"{19753 + 3 * i:05d}" if i % 3 else f"{i:05d}" for i in range(n)]
    return pa.table(
        {
            "ma_don_vi": units,
            "ten_don_vi": [f"Phường Thuận Hóa {i}" if i % 2 else f"Xã Hương Hòa {i}" for i in range(n)],
            "ky_bao_cao": [dt.date(2024, 6, 15)] * n,
            "so_ho_so": [100 * i + offset for i in range(n)],
            "ty_le_truc_tuyen": [round(64.89 + i / 10, 2) if i % 5 else None for i in range(n)],
            "dat_chi_tieu": [i % 2 == 0 for i in range(n)],
            "cap_nhat_luc": [dt.datetime(2024, 9, 15, 8, 0) + dt.timedelta(minutes=marker)] * n,
        }
    )


def tourism_spec(**overrides) -> DatasetSpec:
    values = dict(
        slug="co-so-luu-tru-du-lich",
        title_vi="Cơ sở lưu trú du lịch",
        title_en="Tourist accommodation establishments",
        description_vi="Danh sách khách sạn, nhà nghỉ được xếp hạng trên địa bàn Thành phố Huế.",
        description_en="Rated hotels and guesthouses in Huế.",
        keywords=("du lịch", "lưu trú", "khách sạn"),
        theme="Du lịch",
        publisher="Sở Du lịch",
        contact=Contact("Phòng Quản lý lưu trú", "sdl@hue.gov.vn"),
        update_frequency="MONTHLY",
        temporal_start=dt.date(2025, 1, 1),
        temporal_end=None,
        columns=(
            ColumnSpec("ma_co_so", "string", "Mã cơ sở"),
            ColumnSpec("ten_co_so", "string", "Tên cơ sở"),
            ColumnSpec("so_sao", "integer", "Hạng sao"),
            ColumnSpec("ma_xa", "string", "Mã xã/phường"),
        ),
    )
    values.update(overrides)
    return DatasetSpec(**values)


def tourism_table() -> pa.Table:
    return pa.table(
        {
            "ma_co_so": ["LT0001", "LT0002", "LT0003", "LT0004"],
            "ten_co_so": [
                "Khách sạn Hương Giang",
                "Khách sạn Sông Hương",
                "Nhà nghỉ Vỹ Dạ",
                "Khách sạn Thuận Hóa",
            ],
            "so_sao": [4, 5, None, 3],
            "ma_xa": ["19753", "19774", "19777", "19753"],
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> PortalStore:
    return PortalStore(tmp_path / "portal")


def fill(store: PortalStore) -> PortalStore:
    """Two datasets; the dossier one has two versions (23 and 24 November 2026)."""
    store.publish(dossier_spec(), dossier_table(), now=T0)
    store.publish(dossier_spec(), dossier_table(offset=1), now=T0 + dt.timedelta(days=1))
    store.publish(tourism_spec(), tourism_table(), now=T0)
    return store


@pytest.fixture
def filled_store(store: PortalStore) -> PortalStore:
    return fill(store)


class LiveServer:
    """uvicorn in a thread on a free 127.0.0.1 port; stopped by the fixture."""

    def __init__(self, app) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("portal server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def portal_server(tmp_path_factory) -> Iterator[LiveServer]:
    """One read-only portal for every test that only reads (tests that publish build their own)."""
    store = fill(PortalStore(tmp_path_factory.mktemp("served") / "portal"))
    with LiveServer(create_app(store.root)) as server:
        yield server
