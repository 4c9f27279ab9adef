"""From the marts to the report model (nạp số liệu báo cáo quý).

Inputs (schema ``marts``): ``rpt_dossier_kpis`` (official reporting periods and the periods of the
province's published reports, per level and ``all``), ``rpt_dossier_kpis_monthly``, ``rpt_reconciliation``
and, when they exist, ``rpt_index_766`` and ``rpt_plan_379_progress``; ``fct_dossiers`` only to know how
far the data reach. A table that does not exist yet leaves its section with a "chưa có dữ liệu" note.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from reports.model import (
    INDEX_766_GROUPS,
    LEVELS,
    GenericTable,
    Index766,
    LevelKpis,
    MonthlyShare,
    QuarterlyReport,
    ReconciliationRow,
    ReportPeriod,
    UnitScore,
)
from reports.warehouse import MartReader

REQUIRED_TABLES = ("rpt_dossier_kpis", "rpt_dossier_kpis_monthly", "rpt_reconciliation")
OPTIONAL_TABLES = ("rpt_index_766", "rpt_plan_379_progress")
MONTHS_SHOWN = 24
_PERIOD_RE = re.compile(r"^(\d{4})-Q([1-4])$")


class ReportDataError(RuntimeError):
    """The warehouse cannot give this report (a required mart is missing, or the period has no data)."""


def parse_period_key(text: str) -> tuple[int, int]:
    """``"2024-Q3"`` → (2024, 3)."""
    match = _PERIOD_RE.match(text.strip().upper())
    if match is None:
        raise ValueError(f"period must look like 2024-Q3, not {text!r}")
    return int(match[1]), int(match[2])


def official_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """Official quarterly period: 15th of the month before the quarter to the 14th of its last month."""
    first_month = 3 * quarter - 2
    start = dt.date(year - 1, 12, 15) if first_month == 1 else dt.date(year, first_month - 1, 15)
    return start, dt.date(year, 3 * quarter, 14)


def quarter_of_official_start(start: dt.date) -> tuple[int, int]:
    """The quarter an official period starting on ``start`` (a 15th) belongs to."""
    if start.month == 12:
        return start.year + 1, 1
    return start.year, start.month // 3 + 1  # March → II, June → III, September → IV


def _int(value: Any) -> int:
    return int(value or 0)


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def data_through(reader: MartReader) -> dt.date | None:
    """The last day the dossier data reach (the same bound ``rpt_dossier_kpis`` uses)."""
    if not reader.has_table("fct_dossiers"):
        return None
    row = reader.rows(
        "select max(cast(coalesce(ended_at, received_at, submitted_at) as date)) as last_day "
        "from {schema}.fct_dossiers"
    )[0]
    return _date(row["last_day"]) if row["last_day"] is not None else None


def resolve_period(reader: MartReader, period: str | None, through: dt.date | None) -> ReportPeriod:
    """The requested quarter, or the latest official period with data that the data cover to its end."""
    quarters = reader.rows(
        "select period_start, period_end from {schema}.rpt_dossier_kpis "
        "where period_type = 'official_quarter' and level = 'all' and received > 0 "
        "order by period_start desc"
    )
    available = {(_date(r["period_start"]), _date(r["period_end"])) for r in quarters}
    if period is not None:
        year, quarter = parse_period_key(period)
        start, end = official_bounds(year, quarter)
        if (start, end) not in available:
            raise ReportDataError(f"{period}: rpt_dossier_kpis has no dossiers for {start} – {end}")
    else:
        if not available:
            raise ReportDataError("rpt_dossier_kpis has no official reporting period with dossiers")
        ordered = sorted(available, reverse=True)
        # the latest period the data reach to its last day; a period still running is not reported
        complete = [p for p in ordered if through is None or p[1] <= through]
        start, end = (complete or ordered)[0]
        year, quarter = quarter_of_official_start(start)
    published = reader.rows(
        "select distinct period_start, period_end from {schema}.rpt_dossier_kpis "
        "where period_type = 'published_report' and period_start = :start",
        {"start": start},
    )
    # The province's own report for the quarter may use other bounds (Q3/2024: 15/06–15/09): report on
    # exactly those, so that the table reproduces what was published and reconciles with it.
    used_start, used_end = (
        (_date(published[0]["period_start"]), _date(published[0]["period_end"]))
        if published
        else (start, end)
    )
    return ReportPeriod(
        year=year,
        quarter=quarter,
        start=used_start,
        end=used_end,
        official_start=start,
        official_end=end,
        complete=through is None or used_end <= through,
    )


_KPI_COLUMNS = (
    "received",
    "online",
    "in_person",
    "by_post",
    "resolved",
    "withdrawn_or_stopped",
    "early",
    "on_time",
    "late",
    "not_judgeable",
    "in_progress",
    "in_progress_within_deadline",
    "in_progress_over_deadline",
    "in_progress_not_judgeable",
    "awaiting_receipt",
)


def load_kpis(reader: MartReader, period: ReportPeriod) -> tuple[LevelKpis, ...]:
    period_type = "published_report" if period.uses_published_bounds else "official_quarter"
    rows = reader.rows(
        "select * from {schema}.rpt_dossier_kpis "
        "where period_type = :period_type and period_start = :start and period_end = :end",
        {"period_type": period_type, "start": period.start, "end": period.end},
    )
    by_level = {row["level"]: row for row in rows}
    return tuple(
        LevelKpis(
            level=level,
            **{name: _int(by_level[level].get(name)) for name in _KPI_COLUMNS},
            online_rate=_dec(by_level[level]["online_rate"]),
            on_time_rate=_dec(by_level[level]["on_time_rate"]),
        )
        for level in LEVELS
        if level in by_level
    )


def load_monthly(reader: MartReader, period: ReportPeriod, months: int = MONTHS_SHOWN) -> MonthlyShare:
    rows = reader.rows(
        "select period_start, level, online_rate from {schema}.rpt_dossier_kpis_monthly "
        "where period_start <= :end order by period_start",
        {"end": period.end},
    )
    all_months = sorted({_date(r["period_start"]) for r in rows})[-months:]
    index = {month: i for i, month in enumerate(all_months)}
    rates: dict[str, list[Decimal | None]] = {level: [None] * len(all_months) for level in LEVELS}
    for row in rows:
        month = _date(row["period_start"])
        if month in index and row["level"] in rates:
            rates[row["level"]][index[month]] = _dec(row["online_rate"])
    return MonthlyShare(months=tuple(all_months), rates={k: tuple(v) for k, v in rates.items()})


def load_reconciliation(reader: MartReader, period: ReportPeriod) -> tuple[ReconciliationRow, ...]:
    rows = reader.rows(
        "select * from {schema}.rpt_reconciliation where period_start = :start and period_end = :end",
        {"start": period.start, "end": period.end},
    )
    order = {level: i for i, level in enumerate(LEVELS)}
    metric_order = {
        m: i
        for i, m in enumerate(
            (
                "received",
                "online",
                "online_rate",
                "resolved",
                "early",
                "on_time",
                "early_or_on_time",
                "late",
                "on_time_rate",
                "in_progress",
                "in_progress_within_deadline",
                "in_progress_over_deadline",
                "awaiting_receipt",
            )
        )
    }
    result = [
        ReconciliationRow(
            report=row["report"],
            level=row["level"],
            metric=row["metric"],
            published=_dec(row["published_value"]),
            recomputed=_dec(row["recomputed_value"]),
            difference=_dec(row["difference"]),
            status=row["status"],
            source=row["source"] or "",
        )
        for row in rows
    ]
    result.sort(key=lambda r: (order.get(r.level, 9), metric_order.get(r.metric, 99), r.metric, r.report))
    return tuple(result)


def load_index_766(reader: MartReader, period: ReportPeriod) -> Index766 | None:
    """The Decision 766 points per unit for the quarter that overlaps the report period most."""
    if not reader.has_table("rpt_index_766"):
        return None
    candidates = reader.rows(
        "select distinct grain, period_start, period_end from {schema}.rpt_index_766 "
        "where grain = 'quarter' and period_start <= :end and period_end >= :start",
        {"start": period.start, "end": period.end},
    )
    if not candidates:
        return None

    def overlap(row: dict[str, Any]) -> int:
        start, end = max(_date(row["period_start"]), period.start), min(_date(row["period_end"]), period.end)
        return (end - start).days

    best = max(candidates, key=lambda r: (overlap(r), _date(r["period_start"])))
    columns = set(reader.columns("rpt_index_766"))

    def column(*names: str) -> str:
        # the mart's author named some columns differently from the first agreement (level, not
        # unit_level); read whichever exists, NULL when none does
        return next((n for n in names if n in columns), "null")

    points = ", ".join(name for name, *_ in INDEX_766_GROUPS)
    rows = reader.rows(
        f"select unit_code, unit_name, {column('level', 'unit_level')} as unit_level, "
        f"{column('unit_type')} as unit_type, {points}, total_points, "
        f"{column('computable_max_points')} as computable_max_points, "
        f"{column('rate_2_1')} as rate_2_1, {column('rate_3_3')} as rate_3_3 "
        "from {schema}.rpt_index_766 where grain = :grain and period_start = :start and period_end = :end "
        "order by total_points desc nulls last, unit_code",
        {"grain": best["grain"], "start": best["period_start"], "end": best["period_end"]},
    )
    units = tuple(
        UnitScore(
            unit_code=str(row["unit_code"]),
            unit_name=str(row["unit_name"] or row["unit_code"]),
            unit_level=str(row["unit_level"] or ""),
            points=tuple(_dec(row[name]) for name, *_ in INDEX_766_GROUPS),
            total=_dec(row["total_points"]),
            rate_2_1=_dec(row["rate_2_1"]),
            rate_3_3=_dec(row["rate_3_3"]),
            unit_type=str(row["unit_type"] or "agency"),
            computable_max=_dec(row["computable_max_points"]),
        )
        for row in rows
    )
    return Index766(best["grain"], _date(best["period_start"]), _date(best["period_end"]), units)


PLAN_379_COLUMNS = (
    "grain",
    "period_start",
    "period_end",
    "online_rate",
    "online_rate_target",
    "online_rate_gap",
    "online_target_met",
    "full_online_procedure_share",
    "full_online_procedure_target",
    "full_online_procedure_gap",
)


def load_plan_379(reader: MartReader, period: ReportPeriod) -> GenericTable | None:
    """Plan 379 progress of the whole province for the periods begun by the report period's end.

    Shown as its author shaped it: the known columns in a reading order when they are there, else every
    column; only the province-wide rows when the mart has a level.
    """
    if not reader.has_table("rpt_plan_379_progress"):
        return None
    available = reader.columns("rpt_plan_379_progress")
    columns = [c for c in PLAN_379_COLUMNS if c in available]
    if "online_rate" not in columns:
        columns = list(available)
    conditions, params = [], {}
    if "level" in available:
        conditions.append("level = 'all'")
    if "period_start" in available:
        # periods begun by the report period's end, over the two years before it
        conditions.append("period_start <= :end and period_start > :since")
        params = {"end": period.end, "since": period.end.replace(year=period.end.year - 2)}
    where = f" where {' and '.join(conditions)}" if conditions else ""
    order = ", ".join(c for c in ("grain", "period_type", "period_start", "level") if c in available) or "1"
    rows = reader.rows(
        f"select {', '.join(columns)} from {{schema}}.rpt_plan_379_progress{where} order by {order}", params
    )
    return GenericTable(tuple(columns), tuple(tuple(row[c] for c in columns) for row in rows))


def load_report(reader: MartReader, period: str | None = None) -> QuarterlyReport:
    """The report model for ``period`` (``"2024-Q3"``) or for the latest complete official period."""
    missing = [t for t in REQUIRED_TABLES if not reader.has_table(t)]
    if missing:
        raise ReportDataError(f"the warehouse has no {', '.join(reader.schema + '.' + t for t in missing)}")
    through = data_through(reader)
    chosen = resolve_period(reader, period, through)
    return QuarterlyReport(
        period=chosen,
        data_through=through,
        kpis=load_kpis(reader, chosen),
        monthly=load_monthly(reader, chosen),
        reconciliation=load_reconciliation(reader, chosen),
        index_766=load_index_766(reader, chosen),
        plan_379=load_plan_379(reader, chosen),
        missing_tables=tuple(t for t in OPTIONAL_TABLES if not reader.has_table(t)),
    )
