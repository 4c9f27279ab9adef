"""Monthly KPI rows (rpt_dossier_kpis_monthly) for tests, written to a real DuckDB file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

REPO = Path(__file__).resolve().parents[2]
KPI_SUITE = REPO / "expectations" / "suites" / "kpi" / "rpt_dossier_kpis_monthly.json"
LEVELS = ("province", "district", "commune", "all")


def month_end(start: dt.date) -> dt.date:
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def kpi_rows(months: int = 6, first: dt.date = dt.date(2024, 1, 1)) -> list[dict[str, Any]]:
    """Internally consistent KPI rows: every suite rule holds."""
    rows = []
    start = first
    for month in range(months):
        for offset, level in enumerate(LEVELS):
            online, in_person, by_post = 600 + 10 * month + offset, 380 + offset, 20
            received = online + in_person + by_post
            early, on_time, late = 300, 450, 30
            resolved = early + on_time + late + 5  # 5 not judgeable
            within, over, not_judgeable = 120, 15, 2
            rows.append(
                {
                    "period_start": start,
                    "period_end": month_end(start),
                    "level": level,
                    "received": received,
                    "online": online,
                    "in_person": in_person,
                    "by_post": by_post,
                    "resolved": resolved,
                    "early": early,
                    "on_time": on_time,
                    "late": late,
                    "in_progress": within + over + not_judgeable,
                    "in_progress_within_deadline": within,
                    "in_progress_over_deadline": over,
                    "in_progress_not_judgeable": not_judgeable,
                    "awaiting_receipt": 7,
                    "online_rate": round(online * 100 / received, 2),
                    "on_time_rate": round((early + on_time) * 100 / (early + on_time + late), 2),
                }
            )
        start = month_end(start) + dt.timedelta(days=1)
    return rows


def write_kpi_table(path: Path, rows: list[dict[str, Any]], table: str = "rpt_dossier_kpis_monthly") -> Path:
    data = pa.Table.from_pylist(rows)  # noqa: F841 (read by DuckDB's replacement scan below)
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"""
            create or replace table {table} as
            select period_start::date as period_start, period_end::date as period_end, level::varchar as level,
                   received::bigint as received, online::bigint as online, in_person::bigint as in_person,
                   by_post::bigint as by_post, resolved::bigint as resolved, early::bigint as early,
                   on_time::bigint as on_time, late::bigint as late, in_progress::bigint as in_progress,
                   in_progress_within_deadline::bigint as in_progress_within_deadline,
                   in_progress_over_deadline::bigint as in_progress_over_deadline,
                   in_progress_not_judgeable::bigint as in_progress_not_judgeable,
                   awaiting_receipt::bigint as awaiting_receipt,
                   online_rate::decimal(5, 2) as online_rate, on_time_rate::decimal(5, 2) as on_time_rate
            from data
            """
        )
    return path
