"""The one-stop SQL connector: incremental cursor, overlap, nested lists, quarantine of bad rows."""

from __future__ import annotations

from datetime import timedelta

import pyarrow.parquet as pq
import pytest

from sources.common.errors import SourceError
from sources.lake import Lake
from sources.one_stop.contract import CONTRACTS, dossier_problem, shift_cursor
from sources.one_stop.sql import OneStopSqlConnector
from tests.unit.one_stop_db import dossier, make_db, upsert_dossiers


def _sync(lake: Lake, connector: OneStopSqlConnector):
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        for batch in connector.dossiers(tx.cursor_from):
            tx.write(batch)
        return tx.commit()


def test_incremental_sync_new_and_changed_dossiers(tmp_path):
    engine = make_db(tmp_path / "one_stop.sqlite")
    upsert_dossiers(engine, [dossier("HS1", "20230101080000"), dossier("HS2", "20230101090000")])
    lake = Lake(tmp_path / "lake")
    conn = OneStopSqlConnector(
        f"sqlite:///{tmp_path / 'one_stop.sqlite'}", page_size=1, overlap=timedelta(hours=2)
    )
    first = {r.table: r.rows for r in _sync(lake, conn)}
    # lists with no rows yet still land as an empty typed file, so the warehouse can read them
    assert first == {
        "dossiers": 2,
        "dossier_identifiers": 2,
        "dossier_documents": 0,
        "dossier_fees": 0,
        "dossier_supplements": 0,
        "dossier_results": 0,
    }
    assert pq.read_table(lake.committed_files("one_stop", "dossier_fees")[0]).num_rows == 0

    upsert_dossiers(engine, [dossier("HS2", "20230102080000", status=9), dossier("HS3", "20230102090000")])
    second = {r.table: r.rows for r in _sync(lake, conn)}
    assert second == {"dossiers": 2, "dossier_identifiers": 2}  # HS2's new version and HS3, nothing repeated
    assert lake.cursor("one_stop", "dossiers") == "20230102090000"
    assert _sync(lake, conn) == []  # nothing new: nothing committed

    versions = sorted(
        (r["MaHoSo"], r["NgayCapNhat"])
        for f in lake.committed_files("one_stop", "dossiers")
        for r in pq.read_table(f).to_pylist()
    )
    assert versions == [
        ("HS1", "20230101080000"),
        ("HS2", "20230101090000"),
        ("HS2", "20230102080000"),
        ("HS3", "20230102090000"),
    ]
    ids = [
        r
        for f in lake.committed_files("one_stop", "dossier_identifiers")
        for r in pq.read_table(f).to_pylist()
    ]
    assert {(r["MaHoSo"], r["NgayCapNhatHoSo"]) for r in ids} >= {("HS2", "20230102080000")}


def test_malformed_rows_are_quarantined_with_reason(tmp_path):
    engine = make_db(tmp_path / "db.sqlite")
    upsert_dossiers(
        engine,
        [
            dossier("HS1", "20230101080000"),
            dossier("HS2", "20230101090000", NgayTiepNhan="31/02/2023"),
            dossier("HS3", "20230101100000", status=12),
        ],
    )
    lake = Lake(tmp_path / "lake")
    records = {r.table: r for r in _sync(lake, OneStopSqlConnector(f"sqlite:///{tmp_path / 'db.sqlite'}"))}
    assert records["dossiers"].rows == 1
    assert records["dossiers"].quarantined == 2
    text = next((tmp_path / "lake" / "quarantine" / "one_stop" / "dossiers").glob("*.jsonl")).read_text(
        "utf-8"
    )
    assert "NgayTiepNhan is not a valid yyyyMMddHHmmss" in text
    assert "TrangThaiHoSo not in 1..10" in text


def test_missing_table_fails_loudly(tmp_path):
    conn = OneStopSqlConnector(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with pytest.raises(SourceError, match="one_stop: table ho_so"):
        list(conn.dossiers(None))


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"MaHoSo": "A", "MaTTHC": "1", "TrangThaiHoSo": 4, "NgayCapNhat": "20230101000000"}, None),
        (
            {"MaHoSo": "", "MaTTHC": "1", "TrangThaiHoSo": 4, "NgayCapNhat": "20230101000000"},
            "missing MaHoSo",
        ),
        (
            {
                "MaHoSo": "A",
                "MaTTHC": "1",
                "TrangThaiHoSo": 4,
                "KenhThucHien": 5,
                "NgayCapNhat": "20230101000000",
            },
            "KenhThucHien not in 1..3: 5",
        ),
        ({"MaHoSo": "A", "MaTTHC": "1", "TrangThaiHoSo": 4, "NgayCapNhat": None}, "missing NgayCapNhat"),
    ],
)
def test_dossier_contract(row, problem):
    assert dossier_problem(row) == problem


def test_shift_cursor():
    assert shift_cursor("20230101000500", timedelta(minutes=10)) == "20221231235500"
    assert shift_cursor(None, timedelta(minutes=10)) is None
