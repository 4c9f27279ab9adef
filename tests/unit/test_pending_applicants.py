"""Which applicants the population lookup takes next: citizens only, in order, continuing after a limit."""

from __future__ import annotations

from sources.lake import Lake
from sources.one_stop.sql import OneStopSqlConnector
from sources.one_stop.sync import sync_one_stop
from sources.population.applicants import pending_applicants
from tests.unit.one_stop_db import dossier, make_db, upsert_dossiers


def test_citizens_only_in_order_and_resumable(tmp_path):
    engine = make_db(tmp_path / "db.sqlite")
    upsert_dossiers(
        engine,
        [
            dossier("HS1", "20230101080000", LoaiDoiTuong=1),
            dossier("HS2", "20230101090000", LoaiDoiTuong=3, ChuHoSo="Sở Lao động - Thương binh và Xã hội"),
            dossier("HS3", "20230101100000", LoaiDoiTuong=None),
            dossier("HS4", "20230101110000", LoaiDoiTuong=1),
        ],
    )
    lake = Lake(tmp_path / "lake")
    sync_one_stop(lake, OneStopSqlConnector(f"sqlite:///{tmp_path / 'db.sqlite'}"))

    first = list(pending_applicants(lake.root, None, limit=2))
    assert [a["MaHoSo"] for _, a in first] == ["HS1", "HS3"]
    assert first[0][1]["SoDinhDanh"] == "046190000123" and first[0][1]["HoVaTen"] == "Nguyễn Thị Mai"
    rest = list(pending_applicants(lake.root, first[-1][0], limit=10))
    assert [a["MaHoSo"] for _, a in rest] == ["HS4"]
    assert list(pending_applicants(lake.root, rest[-1][0], limit=10)) == []
