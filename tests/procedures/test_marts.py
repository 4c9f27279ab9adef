"""The procedure marts (dim_procedures, dim_agencies, fct_dossier_steps, rpt_procedure_kpis), built by dbt
from the lake of a tiny sandbox scenario, against figures computed straight from the sandbox database."""

from __future__ import annotations

import datetime as dt
import itertools

import sqlalchemy as sa

from sandbox.one_stop import calibration as cal
from sandbox.one_stop import kpi_check, procedure_check, schema

PERIODS = {
    (cal.P_Q1_2023.start, cal.P_Q1_2023.end): cal.P_Q1_2023,
    (cal.P_Q3_2024.start, cal.P_Q3_2024.end): cal.P_Q3_2024,
}


def test_rpt_procedure_kpis_equals_the_database(marts, tiny_url: str) -> None:
    expected = procedure_check.compute(tiny_url, PERIODS.values())
    columns = ", ".join(procedure_check.FIGURES)
    rows = marts.execute(
        f"select period_start, period_end, level, {columns} from marts.rpt_procedure_kpis "
        "where period_type = 'published_report' order by 1, 3"
    ).fetchall()
    assert len(rows) == 8
    for start, end, level, *values in rows:
        period = PERIODS[(start, end)]
        assert dict(zip(procedure_check.FIGURES, values, strict=True)) == expected[(period.name, level)], (
            period.name,
            level,
        )
    # Not trivially equal: both dates, every level, dossiers and their absence, all exercised.
    q1, q3 = expected[(cal.P_Q1_2023.name, "all")], expected[(cal.P_Q3_2024.name, "all")]
    assert (q1["procedures"], q3["procedures"]) == (2_143, 2_059)
    assert q1["online_full_with_dossiers"] > 0 and q3["procedures_without_dossiers"] > 0
    quarters = marts.execute(
        "select count(*) from marts.rpt_procedure_kpis where period_type = 'official_quarter'"
    ).fetchone()
    assert quarters[0] >= 4 * 7  # every official quarter from Q1/2023 to Q3/2024, four levels each


def test_dim_procedures_versions_neither_overlap_nor_leave_gaps(marts) -> None:
    rows = marts.execute(
        "select procedure_code, valid_from, valid_to, online_level from marts.dim_procedures "
        "order by procedure_code, valid_from"
    ).fetchall()
    procedures = marts.execute(
        "select procedure_code, valid_from, valid_to from staging.stg_one_stop__procedures"
    ).fetchall()
    spans = {code: (start, end) for code, start, end in procedures}
    by_code: dict[str, list[tuple]] = {}
    for code, start, end, level in rows:
        by_code.setdefault(code, []).append((start, end, level))
    assert set(by_code) == set(spans)
    changed = 0
    for code, versions in by_code.items():
        assert versions[0][0] == spans[code][0] and versions[-1][1] == spans[code][1], code
        for (_, end, level), (start, _, next_level) in itertools.pairwise(versions):
            assert end is not None and end + dt.timedelta(days=1) == start, code
            assert level != next_level, code
        changed += len(versions) > 1
    assert changed > 500


def test_dim_agencies_carries_every_agency_with_its_validity(marts, tiny_url: str) -> None:
    engine = sa.create_engine(tiny_url)
    with engine.connect() as conn:
        source = {
            r.MaDonVi: (r.TenDonVi, r.CapDonVi, r.NgayHieuLuc, r.NgayHetHieuLuc)
            for r in conn.execute(sa.select(schema.co_quan))
        }
    engine.dispose()
    rows = marts.execute(
        "select agency_code, agency_name, level_number, valid_from, valid_to, admin_unit_name from marts.dim_agencies"
    ).fetchall()
    ymd = lambda d: d.strftime("%Y%m%d") if d else None  # noqa: E731
    assert {r[0]: (r[1], r[2], ymd(r[3]), ymd(r[4])) for r in rows} == source
    assert sum(r[5] is not None for r in rows) > 140  # district and commune agencies name their unit


def test_fct_dossier_steps_durations_and_regulated_end(marts, tiny_url: str) -> None:
    engine = sa.create_engine(tiny_url)
    t = schema.tien_do_xu_ly
    with engine.connect() as conn:
        steps = conn.execute(
            sa.select(t.c.MaHoSo, t.c.STT, t.c.ThoiDiemXuLy, t.c.NgayBatDau, t.c.NgayKetThucTheoQuyDinh)
        ).all()
    engine.dispose()
    expected = {}
    previous: dict[str, dt.datetime] = {}
    for code, stt, moment, started, due in sorted(steps, key=lambda s: (s[0], s[1])):
        at = kpi_check.parse_ts(moment)
        begin = previous.get(code) or kpi_check.parse_ts(started)
        due_at = kpi_check.parse_ts(due)
        expected[f"{code}#{stt}"] = (
            int((at - begin).total_seconds()),
            None if due_at is None else at <= due_at,
        )
        previous[code] = at
    rows = marts.execute(
        "select step_key, duration_seconds, is_within_regulated_end from marts.fct_dossier_steps"
    ).fetchall()
    assert {key: (duration, within) for key, duration, within in rows} == expected
    assert {within for _, _, within in rows} >= {True, False}
    assert all(duration >= 0 for _, duration, _ in rows)
