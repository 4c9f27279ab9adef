"""The one-stop database generator: shape, validity, determinism, refusal to duplicate, bounded memory."""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import re

import pytest
import sqlalchemy as sa

from sandbox import people, reference_data
from sandbox.one_stop import generate as gen
from sandbox.one_stop import schema
from sandbox.scenario import Scenario

TS = re.compile(r"^20\d{12}$")
SNAPSHOT = "20240915235959"


def dump_hash(url: str) -> str:
    """SHA-256 of every row of every table in primary-key order: equal hashes ⇔ equal data."""
    digest = hashlib.sha256()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            digest.update(table.name.encode())
            order = list(table.primary_key.columns) or list(table.columns)
            for row in conn.execute(sa.select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
    engine.dispose()
    return digest.hexdigest()


def test_tiny_has_every_table_filled(tiny_db: tuple[str, dict[str, int]]) -> None:
    _, counts = tiny_db
    assert set(counts) == {t.name for t in schema.metadata.sorted_tables}
    assert all(n > 0 for n in counts.values()), counts
    assert 3_000 <= counts["ho_so"] <= 8_000  # "a few thousand dossiers"
    # 2,183 procedures in force on 14/03/2023, 99 issued since (88 still in force on 15/09/2024, 11 abolished
    # in between): tests/procedures checks the history itself.
    assert counts["thu_tuc"] == 2_282 and counts["co_quan"] == 248


def test_dossiers_are_valid(tiny_db: tuple[str, dict[str, int]]) -> None:
    url, _ = tiny_db
    engine = sa.create_engine(url)
    communes = {c.code for c in reference_data.communes("2021")}
    with engine.connect() as conn:
        agencies = {r.MaDonVi for r in conn.execute(sa.select(schema.co_quan.c.MaDonVi))}
        procedures = {r.MaTTHC for r in conn.execute(sa.select(schema.thu_tuc.c.MaTTHC))}
        statuses, channels = set(), set()
        for row in conn.execute(sa.select(schema.ho_so)):
            d = row._mapping
            assert d["MaTTHC"] in procedures and d["DonViXuLy"] in agencies
            assert d["MaXaChuHoSo"] in communes
            assert d["MaHoSo"].startswith(d["DonViXuLy"] + "-")
            for col in (
                "NgayNopHoSo",
                "NgayTiepNhan",
                "NgayHenTra",
                "NgayTuChoi",
                "NgayKetThucXuLy",
                "NgayTra",
            ):
                assert d[col] is None or TS.match(d[col]), (col, d[col])
                # Only the due date may lie after the snapshot (dossiers still in progress).
                assert d[col] is None or col == "NgayHenTra" or d[col] <= SNAPSHOT, (col, d[col])
            assert TS.match(d["NgayCapNhat"]) and d["NgayCapNhat"] <= SNAPSHOT
            moments = [d[c] for c in ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra") if d[c]]
            assert d["NgayCapNhat"] >= max(moments)
            if d["NgayTiepNhan"]:
                assert d["NgayNopHoSo"] <= d["NgayTiepNhan"]
            if d["LoaiDoiTuong"] == 1:
                assert re.fullmatch(r"0\d{11}", d["SoGiayToChuHoSo"])
            assert re.fullmatch(r"0\d{9}", d["SoDienThoai"])
            assert d["DuocThanhToanTrucTuyen"] in (None, 0, 1, 2)
            statuses.add(d["TrangThaiHoSo"])
            channels.add(d["KenhThucHien"])
        assert statuses == {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
        assert channels == {None, 1, 2, 3}
        # Every child row belongs to a dossier; every personal ID is 12 digits, old cards 9.
        for table in (*schema.DOSSIER_CHILD_TABLES, schema.tien_do_xu_ly):
            orphans = conn.execute(
                sa.select(sa.func.count())
                .select_from(table.outerjoin(schema.ho_so, schema.ho_so.c.MaHoSo == table.c.MaHoSo))
                .where(schema.ho_so.c.MaHoSo.is_(None))
            ).scalar()
            assert orphans == 0, table.name
        for kind, number in conn.execute(
            sa.select(schema.ho_so_dinh_danh.c.LoaiDinhDanh, schema.ho_so_dinh_danh.c.SoDinhDanh)
        ):
            assert (kind, len(number)) in ((1, 12), (2, 9)) and number.isdigit()
        # Steps are in time order within each dossier.
        last: dict[str, str] = {}
        for code, moment in conn.execute(
            sa.select(schema.tien_do_xu_ly.c.MaHoSo, schema.tien_do_xu_ly.c.ThoiDiemXuLy).order_by(
                schema.tien_do_xu_ly.c.MaHoSo, schema.tien_do_xu_ly.c.STT
            )
        ):
            assert moment >= last.get(code, ""), code
            last[code] = moment
    engine.dispose()


def test_applicants_come_from_sandbox_people(tiny_db: tuple[str, dict[str, int]]) -> None:
    url, _ = tiny_db
    population = {p.personal_id: p for p in people.people(46, people.population_size(Scenario.named("tiny")))}
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                schema.ho_so.c.SoGiayToChuHoSo, schema.ho_so.c.ChuHoSo, schema.ho_so.c.MaXaChuHoSo
            ).where(schema.ho_so.c.LoaiDoiTuong == 1)
        ).all()
    engine.dispose()
    assert rows
    for pid, name, commune in rows:
        p = population[pid]
        assert (p.full_name, p.commune_code) == (name, commune)


def test_same_seed_same_data_other_seed_other_data(tiny_db: tuple[str, dict[str, int]], tmp_path) -> None:
    url, _ = tiny_db
    again = f"sqlite:///{tmp_path / 'again.sqlite'}"
    gen.build_database(again, Scenario.named("tiny"))
    assert dump_hash(again) == dump_hash(url)
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    gen.build_database(other, Scenario.named("tiny", seed=7))
    assert dump_hash(other) != dump_hash(url)


def test_refuses_to_write_twice_and_replaces_on_request(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'one_stop.sqlite'}"
    subset = ["thu_tuc", "co_quan", "linh_vuc"]
    first = gen.build_database(url, Scenario.named("tiny"), tables=subset)
    with pytest.raises(ValueError, match="already holds one-stop data"):
        gen.build_database(url, Scenario.named("tiny"), tables=subset)
    assert gen.build_database(url, Scenario.named("tiny"), tables=subset, replace=True) == first
    with pytest.raises(ValueError, match="unknown one-stop tables"):
        gen.build_database(url, Scenario.named("tiny"), tables=["dossiers"])


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_national_tier_streams_in_bounded_memory() -> None:
    # The national tier (30M+ dossiers) can only be streamed: take 25 chunks (50k dossiers) and check that
    # resident memory after 25 chunks is not meaningfully above memory after 5.
    batches = gen.iter_dossier_batches(Scenario.named("national-year"))
    dossiers = 0
    for batch in itertools.islice(batches, 5):
        dossiers += len(batch["ho_so"])
    gc.collect()
    after_5 = _rss_mib()
    for batch in itertools.islice(batches, 20):
        dossiers += len(batch["ho_so"])
    gc.collect()
    after_25 = _rss_mib()
    assert dossiers == 25 * gen.CHUNK
    assert after_25 - after_5 < 25, f"memory grew {after_25 - after_5:.1f} MiB over 20 chunks"


def test_partial_build_writes_the_same_dossiers(tiny_db: tuple[str, dict[str, int]], tmp_path) -> None:
    url, counts = tiny_db
    partial = f"sqlite:///{tmp_path / 'kpi_only.sqlite'}"
    got = gen.build_database(
        partial, Scenario.named("tiny"), tables=["co_quan", "thu_tuc", "ho_so", "ho_so_bo_sung"]
    )
    assert got == {name: counts[name] for name in got}
    engines = [sa.create_engine(u) for u in (url, partial)]
    for table in (schema.ho_so, schema.ho_so_bo_sung):
        order = list(table.primary_key.columns)
        dumps = []
        for engine in engines:
            with engine.connect() as conn:
                dumps.append(conn.execute(sa.select(table).order_by(*order)).all())
        assert dumps[0] == dumps[1], table.name
    for engine in engines:
        engine.dispose()
