"""The one-stop SQL connector's bulk (column-at-a-time) conversion lands exactly what the per-row path
lands: same Arrow tables, same quarantined rows with the same reasons, same cursors, over real sandbox rows
with malformed values written into them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from sandbox.one_stop.generate import build_database
from sandbox.scenario import Scenario
from sources.common.batch import SourceBatch
from sources.one_stop.sql import OneStopSqlConnector

RECENT = 600  # dossiers (and steps) read after the cursor: enough for several pages, fast per row
PAGE = 250

# (column, raw value) written into recent dossiers. Each is something a replica can hold (SQLite keeps
# text in an INTEGER column); the comment says what the per-row path makes of it.
DOSSIER_FAULTS = [
    ("NgayTiepNhan", "31/02/2023"),  # quarantined: not yyyyMMddHHmmss
    ("TrangThaiHoSo", "abc"),  # quarantined: status not in 1..10
    ("NgayHenTra", "20231345250000"),  # quarantined: month 13
    ("NgayTra", "20230231080000"),  # quarantined: Arrow's strptime alone would roll it into March
    ("NgayNopHoSo", "00000101000000"),  # quarantined: year 0
    ("NgayTiepNhan", "2023010108000"),  # quarantined: 13 digits, which Arrow's strptime alone accepts
    ("NgayNopHoSo", "２０２３０１０１０８００００"),  # quarantined: matches \d{14}, not strptime
    ("KenhThucHien", 5),  # quarantined: channel not in 1..3
    ("MaTTHC", ""),  # quarantined: missing MaTTHC
    ("TenTTHC", ""),  # kept, as null
    ("LoaiDoiTuong", "7"),  # kept: digits as text become 7
    ("HinhThuc", "x"),  # quarantined by type: not an integer
    ("DonViXuLy", 12345),  # kept: a number in a text column becomes its text
]


def _write_faults(engine: sa.Engine, table: str, order: str, faults: list[tuple[str, object]]) -> None:
    """Write each fault into its own row among the first in ``order`` (every third one)."""
    with engine.begin() as con:
        rowids = [
            r[0]
            for r in con.exec_driver_sql(
                f"select rowid from {table} order by {order} limit {3 * len(faults)}"
            )
        ]
        for rowid, (column, value) in zip(rowids[::3], faults, strict=True):
            con.exec_driver_sql(f'update {table} set "{column}" = ? where rowid = ?', (value, rowid))


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('one_stop_bulk') / 'one_stop.sqlite'}"
    build_database(url, Scenario.named("tiny"))
    engine = sa.create_engine(url)
    _write_faults(engine, "ho_so", '"NgayCapNhat" desc, "MaHoSo" desc', DOSSIER_FAULTS)
    # SQLAlchemy reads a NUMERIC(18, 0) fee of 1.5 as Decimal('2'): both paths must see the same value.
    _write_faults(engine, "ho_so_le_phi", '"MaHoSo" desc', [("Gia", 1.5), ("TenPhiLePhi", "")])
    _write_faults(engine, "ho_so_tai_lieu_nop", '"MaHoSo" desc', [("DuocSoHoa", ""), ("STT", "x")])
    _write_faults(engine, "tien_do_xu_ly", '"NgayCapNhat" desc', [("TrangThai", "abc"), ("ChucDanh", "")])
    _write_faults(engine, "thu_tuc", '"NgayCapNhat" desc', [("LePhi", 2.5), ("ThoiHanGiaiQuyet", "")])
    engine.dispose()
    return url


def _cursor(url: str, table: str) -> str:
    """A committed cursor that leaves about ``RECENT`` rows (plus the overlap window) to read."""
    engine = sa.create_engine(url)
    with engine.connect() as con:
        value = con.exec_driver_sql(
            f'select "NgayCapNhat" from {table} order by "NgayCapNhat" desc limit 1 offset {RECENT}'
        ).scalar_one()
    engine.dispose()
    return value


def _read(url: str, bulk: bool, stream: str) -> list[SourceBatch]:
    connector = OneStopSqlConnector(url, page_size=PAGE, overlap=timedelta(minutes=10), bulk=bulk)
    try:
        batches: Iterator[SourceBatch]
        if stream == "dossiers":
            batches = connector.dossiers(_cursor(url, "ho_so"))
        elif stream == "processing_steps":
            batches = connector.processing_steps(_cursor(url, "tien_do_xu_ly"))
        else:
            batches = connector.catalogue(stream, None)
        return list(batches)
    finally:
        connector.close()


@pytest.mark.parametrize("stream", ["dossiers", "processing_steps", "procedures", "agencies", "fields"])
def test_bulk_conversion_equals_the_per_row_path(replica: str, stream: str) -> None:
    rows_path = _read(replica, False, stream)
    bulk_path = _read(replica, True, stream)
    assert [(b.table, b.cursor, b.num_rows) for b in bulk_path] == [
        (b.table, b.cursor, b.num_rows) for b in rows_path
    ]
    for bulk, per_row in zip(bulk_path, rows_path, strict=True):
        assert bulk.data.schema == per_row.data.schema, bulk.table
        assert bulk.data.equals(per_row.data), bulk.table
        assert bulk.quarantined == per_row.quarantined, bulk.table
    assert sum(b.num_rows for b in bulk_path) > 0


def test_the_malformed_rows_are_quarantined_not_lost(replica: str) -> None:
    batches = _read(replica, True, "dossiers") + _read(replica, True, "procedures")
    reasons = [q.reason for b in batches for q in b.quarantined]
    expected = [
        "NgayTiepNhan is not a valid yyyyMMddHHmmss timestamp: '31/02/2023'",
        "TrangThaiHoSo not in 1..10: 'abc'",
        "NgayHenTra is not a valid yyyyMMddHHmmss timestamp: '20231345250000'",
        "NgayTra is not a valid yyyyMMddHHmmss timestamp: '20230231080000'",
        "NgayNopHoSo is not a valid yyyyMMddHHmmss timestamp: '00000101000000'",
        "NgayTiepNhan is not a valid yyyyMMddHHmmss timestamp: '2023010108000'",
        "KenhThucHien not in 1..3: 5",
        "missing MaTTHC",
        "type error: not an integer: 'x'",
        "NgayNopHoSo is not a valid yyyyMMddHHmmss timestamp: '２０２３０１０１０８００００'",
    ]
    for reason in expected:
        assert reason in reasons
    dossiers = [r for b in batches if b.table == "dossiers" for r in b.data.to_pylist()]
    assert any(r["LoaiDoiTuong"] == 7 for r in dossiers)
    assert any(r["DonViXuLy"] == "12345" for r in dossiers)
    assert not any(r["TenTTHC"] == "" for r in dossiers)
    assert all(len(r["MaXaChuHoSo"]) == 5 for r in dossiers if r["MaXaChuHoSo"])  # codes keep leading zeros


def test_bulk_reads_every_row_once(replica: str) -> None:
    """Keyset paging over tuples still walks every row exactly once, page boundaries included."""
    batches = _read(replica, True, "processing_steps")
    keys = [(r["MaHoSo"], r["STT"]) for b in batches for r in b.data.to_pylist()]
    quarantined = sum(len(b.quarantined) for b in batches)
    assert len(keys) == len(set(keys))
    assert len(batches) > 2 and quarantined == 1
