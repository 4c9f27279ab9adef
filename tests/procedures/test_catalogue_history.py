"""The sandbox's procedure catalogue has a history that gives the published counts on both report dates."""

from __future__ import annotations

import datetime as dt
import itertools

import requests
import sqlalchemy as sa

from sandbox.faults import FaultInjector
from sandbox.one_stop import calibration as cal
from sandbox.one_stop import catalogue as cat
from sandbox.one_stop import kpi_check, procedure_check, schema
from sandbox.one_stop.api import create_api
from sandbox.runtime import serve_app

SNAPSHOT = dt.datetime(2024, 9, 15, 23, 59, 59)
DAY = dt.timedelta(days=1)

# Domain guide §0, per level (vertical sectors apart); Q3/2024 online split per level is our choice.
PUBLISHED_Q1_2023 = {
    1: dict(procedures=1_625, inter_agency=444, postal=451),
    2: dict(procedures=388, inter_agency=20, postal=28, vertical_sector=40),
    3: dict(procedures=130, inter_agency=17, postal=7),
}
PUBLISHED_Q3_2024 = {
    1: dict(procedures=1_554, inter_agency=459, postal=451),
    2: dict(procedures=367, inter_agency=35, postal=28),
    3: dict(procedures=138, inter_agency=17, postal=7),
}


def _totals(counts: dict[int, dict[str, int]]) -> dict[str, int]:
    return {k: sum(level[k] for level in counts.values()) for k in counts[1]}


def test_catalogue_counts_on_both_report_dates() -> None:
    procedures = cat.build_catalogue(46, SNAPSHOT)
    q1 = cat.catalogue_counts(procedures, cat.Q1_2023_DAY)
    q3 = cat.catalogue_counts(procedures, cat.Q3_2024_DAY)
    for published, counts in ((PUBLISHED_Q1_2023, q1), (PUBLISHED_Q3_2024, q3)):
        for level, figures in published.items():
            assert {k: counts[level][k] for k in figures} == figures, level
    t1, t3 = _totals(q1), _totals(q3)
    assert (t1["procedures"], t1["online_full"], t1["online_partial"]) == (2_143, 1_438, 451)
    assert (t3["procedures"], t3["online_full"], t3["online_partial"]) == (2_059, 787, 1_072)
    assert t1["postal"] == t3["postal"] == 486 and t3["vertical_sector"] == 40
    used = {
        level: sum(p.used_online_q1_2023 and p.online_on(cat.Q1_2023_DAY) == level for p in procedures)
        for level in (cat.FULL, cat.PARTIAL)
    }
    assert used == {cat.FULL: 206, cat.PARTIAL: 211}
    assert cat.build_catalogue(46, SNAPSHOT) == procedures  # deterministic for the seed


def test_history_is_contiguous_and_changes_fall_between_the_periods() -> None:
    procedures = cat.build_catalogue(46, SNAPSHOT)
    abolished = [p for p in procedures if p.valid_to is not None]
    issued_later = [p for p in procedures if p.valid_from > cat.INITIAL[1]]
    changed = [p for p in procedures if len({v.level for v in p.online_history}) > 1]
    assert len(abolished) == 172 + 11 and len(issued_later) == 88 + 11 and len(changed) > 500
    quiet = [
        (cal.P_Q1_2023.start - 70 * DAY, cal.P_Q1_2023.end),
        (cal.P_Q3_2024.start - 70 * DAY, SNAPSHOT.date()),
    ]
    for p in procedures:
        history = p.online_history
        assert history[0].valid_from == p.valid_from and history[-1].valid_to == p.valid_to, p.code
        assert history[-1].level == p.online
        for before, after in itertools.pairwise(history):
            assert before.valid_to is not None and before.valid_to + DAY == after.valid_from, p.code
            assert before.level != after.level
        events = [v.valid_from for v in history] + ([p.valid_to] if p.valid_to else [])
        for day in events:
            assert not any(first < day <= last for first, last in quiet), (p.code, day)
        assert p.updated <= "20240915235959"


def test_database_and_api_expose_the_history(tiny_url: str) -> None:
    engine = sa.create_engine(tiny_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(schema.thu_tuc)).mappings().all()
        history = conn.execute(sa.select(schema.thu_tuc_muc_do_dvc)).mappings().all()
    assert len(rows) == 2_282 and len(history) > len(rows)
    assert sum(r["NgayHetHieuLuc"] is not None for r in rows) == 183
    assert sum(r["NganhDoc"] == 1 for r in rows) == 40
    # The database says what the catalogue says, at both dates.
    figures = procedure_check.compute(engine, [cal.P_Q1_2023, cal.P_Q3_2024])
    procedures = cat.build_catalogue(46, SNAPSHOT)
    for period, day in ((cal.P_Q1_2023, cat.Q1_2023_DAY), (cal.P_Q3_2024, cat.Q3_2024_DAY)):
        expected = cat.catalogue_counts(procedures, day)
        for level, name in ((1, "province"), (2, "district"), (3, "commune")):
            got = figures[(period.name, name)]
            assert {
                k: got[k] for k in ("procedures", "inter_agency", "online_full", "online_partial", "postal")
            } == {
                k: expected[level][k]
                for k in ("procedures", "inter_agency", "online_full", "online_partial", "postal")
            }
            assert got["vertical_sector_procedures"] == expected[level]["vertical_sector"]

    handle = serve_app(
        create_api(tiny_url, FaultInjector(), username="u", password="p", engine=engine), "h1a"
    )
    try:
        session = requests.post(
            handle.url + "/api/token", json={"username": "u", "password": "p"}, timeout=10
        )
        body = requests.post(
            handle.url + "/api/service",
            json={"session": session.json()["session"], "service": "LayDanhSachTTHC", "pageSize": 3000},
            timeout=30,
        ).json()
    finally:
        handle.stop()
    assert body["error_code"] == 0 and body["total"] == 2_282
    served = {r["MATTHC"]: r for r in body["data"]}
    by_code: dict[str, list] = {}
    for h in history:
        by_code.setdefault(h["MaTTHC"], []).append(h)
    for r in rows:
        record = served[r["MaTTHC"]]
        assert (record["NGAYHIEULUC"], record["NGAYHETHIEULUC"]) == (r["NgayHieuLuc"], r["NgayHetHieuLuc"])
        assert record["LICHSUMUCDODVC"] == [
            {
                "MUCDODVC": h["MucDoDVC"],
                "NGAYHIEULUC": h["NgayHieuLuc"],
                "NGAYHETHIEULUC": h["NgayHetHieuLuc"],
            }
            for h in sorted(by_code[r["MaTTHC"]], key=lambda h: h["STT"])
        ]


def test_dossiers_use_procedures_in_force_at_receipt(tiny_url: str) -> None:
    engine = sa.create_engine(tiny_url)
    procedures = {p.code: p for p in cat.build_catalogue(46, SNAPSHOT)}
    h = schema.ho_so
    with engine.connect() as conn:
        dossiers = conn.execute(
            sa.select(h.c.MaHoSo, h.c.MaTTHC, h.c.KenhThucHien, h.c.NgayNopHoSo, h.c.NgayTiepNhan)
        ).all()
    engine.dispose()
    assert len(dossiers) > 3_000
    for code, procedure, channel, submitted, received in dossiers:
        moment = kpi_check.parse_ts(received or submitted, code, "NgayTiepNhan")
        assert moment is not None
        p = procedures[procedure]
        assert p.valid_on(moment.date()), (code, procedure, moment)
        if channel == 2:
            assert p.online_on(moment.date()) in (cat.FULL, cat.PARTIAL), (code, procedure, moment)
