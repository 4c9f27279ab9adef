"""Small dossier (hồ sơ) sets written two ways: into the DVCQG-shaped one-stop tables that the independent
reference ``sandbox.one_stop.kpi_check`` reads, and into the probe tables the dbt marts read as staging.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from sandbox.one_stop import calibration as cal
from sandbox.one_stop import kpi_check, schema
from tests.kpi_marts.harness import PROBE_TABLES

LEVELS = {1: "province", 2: "district", 3: "commune"}
AGENCY = {1: "000.00.14.H57", 2: "000.20.01.H57", 3: "000.30.01.H57"}
# Two procedures: one with a maximum processing time (the fallback when NgayHenTra is empty), one without.
PROCEDURE_MAX_DAYS = {"1.000001": 5, "1.000002": None}

# KPI names in rpt_dossier_kpis → in kpi_check.FIGURES.
MEASURES = {
    "received": "received",
    "online": "online",
    "in_person": "in_person",
    "by_post": "by_post",
    "resolved": "resolved",
    "withdrawn_or_stopped": "withdrawn_stopped",
    "early": "early",
    "on_time": "on_time",
    "late": "late",
    "not_judgeable": "not_judgeable",
    "in_progress": "in_progress",
    "in_progress_within_deadline": "in_progress_within",
    "in_progress_over_deadline": "in_progress_over",
    "in_progress_not_judgeable": "in_progress_not_judgeable",
    "awaiting_receipt": "awaiting_receipt",
}


@dataclass(frozen=True)
class Supplement:
    requested: dt.datetime
    answered: dt.datetime | None = None


@dataclass(frozen=True)
class Dossier:
    """One dossier as the one-stop system holds it; times are local, to the second."""

    code: str
    status: int
    level: int = 3
    channel: int | None = 1
    procedure: str = "1.000001"
    submitted: dt.datetime | None = None
    received: dt.datetime | None = None
    due: dt.datetime | None = None
    processing_ended: dt.datetime | None = None  # NgayKetThucXuLy
    returned: dt.datetime | None = None  # NgayTra
    rejected: dt.datetime | None = None  # NgayTuChoi
    supplements: tuple[Supplement, ...] = field(default_factory=tuple)


def _ts(moment: dt.datetime | None) -> str | None:
    return moment.strftime("%Y%m%d%H%M%S") if moment else None


def reference_figures(
    dossiers: Sequence[Dossier], periods: Sequence[cal.Period]
) -> dict[tuple[str, str], dict]:
    """kpi_check's figures per (period name, level or 'all') for these dossiers."""
    engine = sa.create_engine("sqlite://", poolclass=StaticPool)
    tables = [schema.co_quan, schema.thu_tuc, schema.ho_so, schema.ho_so_bo_sung]
    schema.metadata.create_all(engine, tables=tables)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.co_quan),
            [
                {"MaDonVi": AGENCY[n], "TenDonVi": f"Đơn vị cấp {n}", "CapDonVi": n, "NgayHieuLuc": "20210701",
                 "NgayCapNhat": "20240101000000"}
                for n in LEVELS
            ],
        )  # fmt: skip
        conn.execute(
            sa.insert(schema.thu_tuc),
            [
                {"MaTTHC": code, "TenTTHC": code, "MaLinhVuc": "F1", "TenLinhVuc": "Lĩnh vực",
                 "CapThucHien": "TINH,HUYEN,XA", "MucDoDVC": "TOAN_TRINH", "ThoiHanGiaiQuyet": days, "LePhi": 0,
                 "ThanhToanTrucTuyen": 0, "LienThong": 0, "BuuChinhCongIch": 0, "NgayCapNhat": "20240101000000"}
                for code, days in PROCEDURE_MAX_DAYS.items()
            ],
        )  # fmt: skip
        if dossiers:
            conn.execute(
                sa.insert(schema.ho_so),
                [
                    {"MaHoSo": d.code, "MaTTHC": d.procedure, "KenhThucHien": d.channel,
                     "NgayNopHoSo": _ts(d.submitted), "NgayTiepNhan": _ts(d.received), "NgayHenTra": _ts(d.due),
                     "NgayTuChoi": _ts(d.rejected), "NgayKetThucXuLy": _ts(d.processing_ended),
                     "NgayTra": _ts(d.returned), "TrangThaiHoSo": d.status, "DonViXuLy": AGENCY[d.level],
                     "NgayCapNhat": "20240701000000"}
                    for d in dossiers
                ],
            )  # fmt: skip
        supplements = [
            {
                "MaHoSo": d.code,
                "STT": i + 1,
                "NgayBoSung": _ts(s.requested),
                "NgayTiepNhanBoSung": _ts(s.answered),
            }
            for d in dossiers
            for i, s in enumerate(d.supplements)
        ]
        if supplements:
            conn.execute(sa.insert(schema.ho_so_bo_sung), supplements)
    try:
        kpis = kpi_check.compute(engine, periods)
    finally:
        engine.dispose()
    return {(k.period.name, k.level or "all"): k.figures for k in kpis}


def load_probe(con: duckdb.DuckDBPyConnection, dossiers: Sequence[Dossier]) -> None:
    """Replace the probe tables' rows with these dossiers, shaped as the one-stop staging models give them."""
    for table in PROBE_TABLES:
        con.execute(f"delete from probe.{table}")
    con.executemany(
        "insert into probe.agencies (agency_code, agency_name, level_number, level, valid_from) values (?, ?, ?, ?, ?)",
        [[AGENCY[n], f"Đơn vị cấp {n}", n, LEVELS[n], dt.date(2021, 7, 1)] for n in LEVELS],
    )
    con.executemany(
        "insert into probe.procedures (procedure_code, levels, online_level, max_processing_days, fee_vnd,"
        " is_fee_payable_online) values (?, 'TINH,HUYEN,XA', 'full', ?, 0, false)",
        [[code, days] for code, days in PROCEDURE_MAX_DAYS.items()],
    )
    if dossiers:
        con.executemany(
            "insert into probe.dossiers (dossier_code, procedure_code, channel, submitted_at, received_at, due_at,"
            " rejected_at, processing_ended_at, returned_at, status, agency_code) values"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [d.code, d.procedure, d.channel if d.channel is not None else 1, d.submitted, d.received, d.due,
                 d.rejected, d.processing_ended, d.returned, d.status, AGENCY[d.level]]
                for d in dossiers
            ],
        )  # fmt: skip
    supplements = [
        [d.code, i + 1, s.requested, s.answered] for d in dossiers for i, s in enumerate(d.supplements)
    ]
    if supplements:
        con.executemany(
            "insert into probe.dossier_supplements (dossier_code, sequence_number, requested_at, answered_at)"
            " values (?, ?, ?, ?)",
            supplements,
        )


def mart_figures(con: duckdb.DuckDBPyConnection) -> tuple[dict[tuple[str, str], dict], list[cal.Period]]:
    """rpt_dossier_kpis per (period_key, level), and the periods it reported."""
    columns = ", ".join(MEASURES)
    rows = con.execute(
        f"select period_key, period_start, period_end, level, {columns} from marts.rpt_dossier_kpis"
    ).fetchall()
    figures, periods = {}, {}
    for key, start, end, level, *values in rows:
        figures[(key, level)] = {MEASURES[name]: int(v) for name, v in zip(MEASURES, values, strict=True)}
        periods[key] = cal.Period(key, start, end)
    return figures, list(periods.values())


def compare(dossiers: Sequence[Dossier], con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """Load the dossiers, read the mart, and assert it equals the reference figure by figure."""
    load_probe(con, dossiers)
    ours, periods = mart_figures(con)
    reference = reference_figures(dossiers, periods)
    for key, figures in ours.items():
        expected = {name: reference[key][name] for name in figures}
        assert figures == expected, f"{key}: mart {figures} != reference {expected}"
    return ours
