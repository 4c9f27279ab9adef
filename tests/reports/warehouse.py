"""A tiny warehouse for the report tests: the marts' tables and columns, a few dozen rows.

Figures for the province's Q3/2024 report period are those the province published (domain guide §0), with
the derived categories the KPI definitions explain (withdrawn or stopped; not judgeable), so the report
has to print exactly the published numbers. Other periods and the Decision 766 scores are invented but
plausible and deterministic.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

# level: received, online, resolved, early, on_time, late, in_progress, awaiting, withdrawn, not_judgeable
Q3_2024 = {
    "province": (24836, 21497, 21396, 7030, 13804, 562, 2710, 433, 730, 0),
    "district": (34012, 13951, 26212, 16168, 7706, 2338, 7181, 900, 619, 0),
    "commune": (47223, 33384, 45679, 33092, 12063, 384, 1413, 396, 131, 140),
}
PUBLISHED_BOUNDS = (dt.date(2024, 6, 15), dt.date(2024, 9, 15))

KPI_COLUMNS = (
    "period_key varchar, period_type varchar, period_start date, period_end date, level varchar, "
    "received hugeint, online hugeint, in_person hugeint, by_post hugeint, resolved hugeint, "
    "withdrawn_or_stopped hugeint, early hugeint, on_time hugeint, late hugeint, not_judgeable hugeint, "
    "in_progress hugeint, in_progress_within_deadline hugeint, in_progress_over_deadline hugeint, "
    "in_progress_not_judgeable hugeint, awaiting_receipt hugeint, online_rate decimal(18,2), "
    "on_time_rate decimal(18,2)"
)


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _kpi_row(period_type: str, start: dt.date, end: dt.date, level: str, figures: tuple[int, ...]) -> tuple:
    received, online, resolved, early, on_time, late, in_progress, awaiting, withdrawn, not_judgeable = (
        figures
    )
    by_post = received // 50
    over = in_progress // 20
    return (
        f"{period_type}:{start}:{end}",
        period_type,
        start,
        end,
        level,
        received,
        online,
        received - online - by_post,
        by_post,
        resolved,
        withdrawn,
        early,
        on_time,
        late,
        not_judgeable,
        in_progress,
        in_progress - over,
        over,
        0,
        awaiting,
        _rate(online, received),
        _rate(early + on_time, early + on_time + late),
    )


def _scaled(figures: tuple[int, ...], factor: float) -> tuple[int, ...]:
    received, online, resolved, early, on_time, late, in_progress, awaiting, withdrawn, nj = (
        round(v * factor) for v in figures
    )
    resolved = early + on_time + late + nj
    received = resolved + in_progress + withdrawn
    return (
        received,
        min(online, received),
        resolved,
        early,
        on_time,
        late,
        in_progress,
        awaiting,
        withdrawn,
        nj,
    )


def _with_total(period_type: str, start: dt.date, end: dt.date, by_level: dict[str, tuple[int, ...]]) -> list:
    rows = [_kpi_row(period_type, start, end, level, figures) for level, figures in by_level.items()]
    total = tuple(sum(f[i] for f in by_level.values()) for i in range(10))
    rows.append(_kpi_row(period_type, start, end, "all", total))
    return rows


def _kpis() -> list[tuple]:
    rows = _with_total("published_report", *PUBLISHED_BOUNDS, Q3_2024)
    rows += _with_total("official_quarter", dt.date(2024, 6, 15), dt.date(2024, 9, 14), Q3_2024)
    rows += _with_total(
        "official_quarter",
        dt.date(2024, 3, 15),
        dt.date(2024, 6, 14),
        {k: _scaled(v, 0.93) for k, v in Q3_2024.items()},
    )
    # the period running when the data end (15/09/2024): it must not be chosen by default
    rows += _with_total(
        "official_quarter",
        dt.date(2024, 9, 15),
        dt.date(2024, 12, 14),
        {k: _scaled(v, 0.05) for k, v in Q3_2024.items()},
    )
    return rows


def _monthly() -> list[tuple]:
    rows = []
    month = dt.date(2023, 10, 1)
    base = {"province": 70.0, "district": 30.0, "commune": 55.0}
    step = 0
    while month <= dt.date(2024, 9, 1):
        nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        total_received = total_online = 0
        for level, start_rate in base.items():
            received = 3000 + 250 * step + {"province": 0, "district": 1500, "commune": 4000}[level]
            online = round(received * (start_rate + 1.4 * step) / 100)
            total_received += received
            total_online += online
            rows.append((month, nxt - dt.timedelta(days=1), level, received, online, _rate(online, received)))
        rows.append(
            (
                month,
                nxt - dt.timedelta(days=1),
                "all",
                total_received,
                total_online,
                _rate(total_online, total_received),
            )
        )
        month, step = nxt, step + 1
    return rows


def _reconciliation() -> list[tuple]:
    start, end = PUBLISHED_BOUNDS
    source = "Báo cáo CCHC quý III/2024"
    rows = []
    for level, figures in Q3_2024.items():
        received, online, resolved, early, on_time, late, *_ = figures
        recomputed_rate = _rate(early + on_time, early + on_time + late)
        published_rate = Decimal("96.29") if level == "district" else recomputed_rate
        for metric, published, recomputed in (
            ("received", received, received),
            ("online", online, online),
            ("resolved", resolved, resolved),
            ("late", late, late),
            ("on_time_rate", published_rate, recomputed_rate),
        ):
            difference = Decimal(recomputed) - Decimal(published)
            rows.append(
                (
                    "q3_2024",
                    start,
                    end,
                    level,
                    metric,
                    Decimal(published),
                    Decimal(recomputed),
                    difference,
                    "match" if difference == 0 else "differs",
                    source,
                )
            )
    rows.append(
        (
            "q3_2024",
            start,
            end,
            "all",
            "received",
            Decimal(106071),
            Decimal(106071),
            Decimal(0),
            "match",
            source,
        )
    )
    return rows


def _index_766() -> list[tuple]:
    """Rows shaped like the mart: the whole province, each level as a whole, then agencies per level."""
    units = [("province", "46", "Thành phố Huế (toàn tỉnh)", "all")]
    units += [
        ("level", level, name, level)
        for level, name in (("province", "Cấp tỉnh"), ("district", "Cấp huyện"), ("commune", "Cấp xã"))
    ]
    departments = (
        "Sở Tư pháp",
        "Sở Xây dựng",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "Sở Tài chính",
        "Sở Nội vụ",
        "Sở Du lịch",
    )
    units += [("agency", f"000.00.{10 + i}.H57", name, "province") for i, name in enumerate(departments)]
    districts = (
        "thành phố Huế",
        "huyện Phong Điền",
        "huyện Quảng Điền",
        "huyện Phú Vang",
        "thị xã Hương Thủy",
        "thị xã Hương Trà",
        "huyện A Lưới",
        "huyện Phú Lộc",
        "huyện Nam Đông",
    )
    units += [
        ("agency", f"000.{474 + i}.00.H57", f"UBND {name}", "district") for i, name in enumerate(districts)
    ]
    units += [("agency", f"{19753 + 3 * i:05d}.H57", f"UBND xã {i + 1:02d}", "commune") for i in range(30)]
    rows = []
    for n, (unit_type, code, name, level) in enumerate(units):
        f = ((n * 37) % 23) / 23  # deterministic spread between 0 and 1
        points = [
            round(v, 2)
            for v in (12 + 5 * f, 14 + 6 * (1 - f), 8 + 3 * f, 4 + 5 * f, 13 + 4 * (1 - f), 10 + 9 * f)
        ]
        for start, end, values in (
            (dt.date(2024, 7, 1), dt.date(2024, 9, 30), points),
            (dt.date(2024, 4, 1), dt.date(2024, 6, 30), [1.0] * 6),  # another quarter: must not be shown
        ):
            rows.append(
                (
                    "quarter",
                    f"quarter:{start}:{end}",
                    start,
                    end,
                    unit_type,
                    code,
                    name,
                    level,
                    *values,
                    round(sum(values), 2),
                    92.0,
                    round(90 + 9 * (1 - f), 2),
                    round(40 + 50 * f, 2),
                )
            )
    return rows


def _plan_379() -> list[tuple]:
    rows = []
    for grain, start, end, rate in (
        ("quarter", dt.date(2024, 4, 1), dt.date(2024, 6, 30), Decimal("60.12")),
        ("quarter", dt.date(2024, 7, 1), dt.date(2024, 9, 30), Decimal("64.89")),
        ("quarter", dt.date(2024, 10, 1), dt.date(2024, 12, 31), Decimal("66.00")),  # after the report
        ("year", dt.date(2024, 1, 1), dt.date(2024, 12, 31), Decimal("63.10")),
    ):
        for level in ("all", "province"):
            gap = rate - Decimal(65)
            rows.append(
                (
                    grain,
                    start,
                    end,
                    start.year,
                    level,
                    1000,
                    int(rate * 10),
                    rate,
                    Decimal(65),
                    gap,
                    rate > 65,
                    2059,
                    787,
                    Decimal("38.22"),
                    Decimal(100),
                    Decimal("-61.78"),
                    2025,
                )
            )
    return rows


def build_warehouse(path: Path, *, with_index: bool = False) -> Path:
    """Write the tiny warehouse at ``path``; ``with_index`` adds rpt_index_766 and rpt_plan_379_progress."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(f"create table marts.rpt_dossier_kpis ({KPI_COLUMNS})")
        con.executemany(f"insert into marts.rpt_dossier_kpis values ({', '.join(['?'] * 22)})", _kpis())
        con.execute(
            "create table marts.rpt_dossier_kpis_monthly as select period_start, period_end, level, "
            "cast(received as bigint) as received, cast(online as bigint) as online, "
            "cast(0 as bigint) as in_person, cast(0 as bigint) as by_post, cast(0 as bigint) as resolved, "
            "cast(0 as bigint) as early, cast(0 as bigint) as on_time, cast(0 as bigint) as late, "
            "cast(0 as bigint) as in_progress, cast(0 as bigint) as in_progress_within_deadline, "
            "cast(0 as bigint) as in_progress_over_deadline, cast(0 as bigint) as in_progress_not_judgeable, "
            "cast(0 as bigint) as awaiting_receipt, cast(online_rate as decimal(5,2)) as online_rate, "
            "cast(null as decimal(5,2)) as on_time_rate from (select unnest($rows, recursive := true))",
            {
                "rows": [
                    dict(
                        zip(
                            ("period_start", "period_end", "level", "received", "online", "online_rate"),
                            r,
                            strict=True,
                        )
                    )
                    for r in _monthly()
                ]
            },
        )
        con.execute(
            "create table marts.rpt_reconciliation (report varchar, period_start date, period_end date, "
            "level varchar, metric varchar, published_value decimal(18,2), recomputed_value decimal(18,2), "
            "difference decimal(19,2), status varchar, source varchar)"
        )
        con.executemany(
            "insert into marts.rpt_reconciliation values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _reconciliation()
        )
        con.execute(
            "create table marts.fct_dossiers (dossier_code varchar, submitted_at timestamp, received_at timestamp, "
            "ended_at timestamp)"
        )
        con.execute(
            "insert into marts.fct_dossiers values ('000.00.10.H57-240915-0001', '2024-09-15 08:00:00', "
            "'2024-09-15 09:00:00', null), ('000.00.10.H57-240101-0001', '2024-01-02 08:00:00', "
            "'2024-01-02 09:00:00', '2024-01-05 10:00:00')"
        )
        if with_index:
            con.execute(
                "create table marts.rpt_index_766 (grain varchar, period_key varchar, period_start date, "
                "period_end date, unit_type varchar, unit_code varchar, unit_name varchar, level varchar, "
                "ckmb_points decimal(6,2), tdgq_points decimal(6,2), clgq_points decimal(6,2), "
                "tttt_points decimal(6,2), mdhl_points decimal(6,2), mdsh_points decimal(6,2), "
                "total_points decimal(6,2), computable_max_points decimal(6,2), rate_2_1 decimal(5,2), "
                "rate_3_3 decimal(5,2))"
            )
            con.executemany(f"insert into marts.rpt_index_766 values ({', '.join(['?'] * 18)})", _index_766())
            con.execute(
                "create table marts.rpt_plan_379_progress (grain varchar, period_start date, period_end date, "
                "year integer, level varchar, received bigint, online bigint, online_rate decimal(5,2), "
                "online_rate_target decimal(5,2), online_rate_gap decimal(6,2), online_target_met boolean, "
                "procedures_in_force bigint, full_online_procedures bigint, "
                "full_online_procedure_share decimal(5,2), full_online_procedure_target decimal(5,2), "
                "full_online_procedure_gap decimal(6,2), target_year integer)"
            )
            con.executemany(
                f"insert into marts.rpt_plan_379_progress values ({', '.join(['?'] * 17)})", _plan_379()
            )
    finally:
        con.close()
    return path
