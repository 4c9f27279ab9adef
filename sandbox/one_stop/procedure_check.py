"""Procedure-catalogue figures computed straight from a one-stop database (kiểm tra danh mục thủ tục).

An independent implementation, in plain SQL reads and Python, of what ``rpt_procedure_kpis`` reports: the
catalogue in force on a period's last day per level (procedures, inter-agency, online full / partial / not,
public post, vertical sectors apart) and how many procedures had dossiers in the period (received by its
end and not ended before its start; online levels count online dossiers only). It reads only the
DVCQG-shaped tables ``thu_tuc``, ``thu_tuc_muc_do_dvc`` and ``ho_so``.

Reading of the source where it leaves room (the dbt marts read it the same way): a NULL ``NgayHieuLuc`` is
"in force since always", a NULL ``NgayHetHieuLuc`` "not abolished"; a procedure without any online-level
history has its current ``MucDoDVC`` throughout; with a history, a day no history row covers has no level,
and the procedure is not in the catalogue that day.

``python -m sandbox.one_stop.procedure_check sqlite:///PATH`` prints the figures of both published periods.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable

import sqlalchemy as sa

from sandbox.one_stop import calibration as cal
from sandbox.one_stop import kpi_check, schema

LEVELS = {"province": "TINH", "district": "HUYEN", "commune": "XA"}
ONLINE = {"TOAN_TRINH": "full", "MOT_PHAN": "partial"}
FIGURES = (
    "procedures",
    "inter_agency",
    "online_full",
    "online_partial",
    "not_online",
    "procedures_with_dossiers",
    "procedures_without_dossiers",
    "online_full_with_dossiers",
    "online_full_without_dossiers",
    "online_partial_with_dossiers",
    "online_partial_without_dossiers",
    "postal",
    "vertical_sector_procedures",
)


def _date(text: str | None) -> dt.date | None:
    return dt.datetime.strptime(text, "%Y%m%d").date() if text else None


def _covers(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def compute(url_or_engine: str | sa.Engine, periods: Iterable[cal.Period]) -> dict[tuple[str, str], dict]:
    """``{(period name, level or 'all'): figures}`` for each period, from the database at ``url``."""
    engine = sa.create_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    t, h, d = schema.thu_tuc, schema.thu_tuc_muc_do_dvc, schema.ho_so
    try:
        with engine.connect() as conn:
            procedures = conn.execute(sa.select(t)).mappings().all()
            history: dict[str, list[tuple[dt.date | None, dt.date | None, str]]] = {}
            for code, level, start, end in conn.execute(
                sa.select(h.c.MaTTHC, h.c.MucDoDVC, h.c.NgayHieuLuc, h.c.NgayHetHieuLuc)
            ):
                history.setdefault(code, []).append((_date(start), _date(end), level))
            dossiers = conn.execute(
                sa.select(
                    d.c.MaHoSo,
                    d.c.MaTTHC,
                    d.c.KenhThucHien,
                    d.c.TrangThaiHoSo,
                    d.c.NgayTiepNhan,
                    d.c.NgayTuChoi,
                    d.c.NgayKetThucXuLy,
                    d.c.NgayTra,
                )
            ).all()
    finally:
        if isinstance(url_or_engine, str):
            engine.dispose()
    out = {}
    for period in periods:
        used, used_online = _used(dossiers, period)
        rows = {level: dict.fromkeys(FIGURES, 0) for level in (*LEVELS, "all")}
        for p in procedures:
            if not _covers(_date(p["NgayHieuLuc"]), _date(p["NgayHetHieuLuc"]), period.end):
                continue
            spans = history.get(p["MaTTHC"])
            if spans is None:
                online = p["MucDoDVC"]
            else:
                online = next((lvl for s, e, lvl in spans if _covers(s, e, period.end)), None)
                if online is None:
                    continue
            levels = [name for name, text in LEVELS.items() if text in (p["CapThucHien"] or "")]
            for level in (*levels, "all"):
                _add(
                    rows[level],
                    p,
                    ONLINE.get(online, "none"),
                    p["MaTTHC"] in used,
                    p["MaTTHC"] in used_online,
                )
        for level, figures in rows.items():
            out[(period.name, level)] = figures
    return out


def _used(dossiers: list, period: cal.Period) -> tuple[set[str], set[str]]:
    """Procedures with dossiers received in ``period`` (any channel, and online), as rpt_dossier_kpis counts."""
    used, online = set(), set()
    for code, procedure, channel, status, received, refused, ended, returned in dossiers:
        receipt = kpi_check.parse_ts(received, code, "NgayTiepNhan")
        if receipt is None or receipt.date() > period.end:
            continue
        end = kpi_check.end_of_processing(
            status,
            kpi_check.parse_ts(ended, code, "NgayKetThucXuLy"),
            kpi_check.parse_ts(returned, code, "NgayTra"),
            kpi_check.parse_ts(refused, code, "NgayTuChoi"),
        )
        if end is not None and end.date() < period.start:
            continue
        used.add(procedure)
        if channel == 2:
            online.add(procedure)
    return used, online


def _add(figures: dict[str, int], p: dict, online: str, used: bool, used_online: bool) -> None:
    if p["NganhDoc"] == 1:
        figures["vertical_sector_procedures"] += 1
        return
    figures["procedures"] += 1
    figures["inter_agency"] += int(p["LienThong"] == 1)
    figures["postal"] += int(p["BuuChinhCongIch"] == 1)
    figures["not_online" if online == "none" else f"online_{online}"] += 1
    figures["procedures_with_dossiers" if used else "procedures_without_dossiers"] += 1
    if online != "none":
        figures[f"online_{online}_{'with' if used_online else 'without'}_dossiers"] += 1


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sandbox.one_stop.procedure_check DB_URL", file=sys.stderr)
        return 2
    figures = compute(argv[0], [cal.P_Q1_2023, cal.P_Q3_2024])
    for (period, level), values in figures.items():
        shown = ", ".join(f"{name} {value:,}".replace(",", ".") for name, value in values.items())
        print(f"{period} {level:<8} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
