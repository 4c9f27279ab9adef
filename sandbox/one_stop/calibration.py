"""Calibration of the one-stop sandbox (hiệu chỉnh): the province's published figures, and the plan that hits them.

Two layers, kept apart on purpose:

- :data:`PUBLISHED`: the figures as the province published them (source report named on each), exactly as
  printed, including their inconsistencies. Nothing here is computed.
- :func:`plan`: per reporting period, level and KPI category, how many dossiers the generator makes. For
  the "calibrated" scenario the plan is derived from the published figures plus the choices the reports leave
  open (Q1/2023 early/on-time and level split, Q3/2024 in-progress split), all listed in :data:`CHOICES`.
  :func:`expected` says what ``kpi_check`` must then compute, figure by figure.

See docs/calibration.md for the reasoning behind every choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

LEVELS = ("province", "district", "commune")
LEVEL_CODE = {"province": 1, "district": 2, "commune": 3}  # co_quan.CapDonVi

# KPI categories a generated dossier belongs to within its period (see docs/kpi-definitions.md).
RESOLVED = ("early", "on_time", "late", "not_judgeable")
IN_PROGRESS = ("in_progress_within", "in_progress_over")
CATEGORIES = (*RESOLVED, "withdrawn_stopped", *IN_PROGRESS)

REPORT_Q1_2023 = (
    "UBND tỉnh Thừa Thiên Huế, báo cáo kết quả công tác cải cách hành chính quý I năm 2023 "
    "(reference/published/000_d0091f7dc324d827.txt)"
)
REPORT_Q3_2024 = (
    "UBND tỉnh Thừa Thiên Huế, báo cáo kết quả công tác cải cách hành chính quý III năm 2024 "
    "(reference/published/001_f5161d0cbba64383.txt)"
)


@dataclass(frozen=True)
class Period:
    """A reporting period (kỳ báo cáo): closed range of local dates."""

    name: str
    start: dt.date
    end: dt.date


P_Q1_2023 = Period("2023-Q1", dt.date(2022, 12, 15), dt.date(2023, 3, 14))
P_Q3_2024 = Period("2024-Q3", dt.date(2024, 6, 15), dt.date(2024, 9, 15))  # published bounds, one day long


@dataclass(frozen=True)
class Published:
    """One period's figures as published (None = not published)."""

    period: Period
    source: str
    level: str | None  # None = whole province
    received: int
    online: int
    resolved: int
    early: int | None
    on_time: int | None
    early_or_on_time: int | None
    late: int
    in_progress: int
    in_progress_within: int | None
    in_progress_over: int | None
    awaiting_receipt: int | None
    on_time_rate: float | None
    notes: str = ""


PUBLISHED: tuple[Published, ...] = (
    Published(P_Q1_2023, REPORT_Q1_2023, None, received=90_439, online=16_972, resolved=80_080, early=None,
              on_time=None, early_or_on_time=77_718, late=2_362, in_progress=10_359, in_progress_within=9_838,
              in_progress_over=521, awaiting_receipt=None, on_time_rate=None,
              notes="in person and by post together 73,467; resolved rate published as 89 %"),
    Published(P_Q3_2024, REPORT_Q3_2024, "province", received=24_836, online=21_497, resolved=21_396, early=7_030,
              on_time=13_804, early_or_on_time=None, late=562, in_progress=2_710, in_progress_within=None,
              in_progress_over=None, awaiting_receipt=433, on_time_rate=97.37),
    Published(P_Q3_2024, REPORT_Q3_2024, "district", received=34_012, online=13_951, resolved=26_212, early=16_168,
              on_time=7_706, early_or_on_time=None, late=2_338, in_progress=7_181, in_progress_within=None,
              in_progress_over=None, awaiting_receipt=900, on_time_rate=96.29,
              notes="late includes 1,416 invalid dossiers (hồ sơ không hợp lệ)"),
    Published(P_Q3_2024, REPORT_Q3_2024, "commune", received=47_223, online=33_384, resolved=45_679, early=33_092,
              on_time=12_063, early_or_on_time=None, late=384, in_progress=1_413, in_progress_within=None,
              in_progress_over=None, awaiting_receipt=396, on_time_rate=99.16,
              notes="early + on time + late = 45,539, not 45,679"),
)  # fmt: skip
PUBLISHED_Q3_2024_TOTAL = {"received": 106_071, "online": 68_832, "online_rate": 64.89}

# Choices the reports leave open (documented in docs/calibration.md).
CHOICES = {
    # Q1/2023 publishes only "early or on time" (77,718): split like Q3/2024 overall, 62.64 % early.
    "q1_2023_early": 48_683,
    # Q1/2023 is published for the whole province only: level shares of received, online and categories.
    "q1_2023_level_share": {"province": 0.22, "district": 0.33, "commune": 0.45},
    "q1_2023_online_by_level": {"province": 7_000, "district": 3_500, "commune": 6_472},
    # Q3/2024 in-progress within/over deadline is not published: 92 % within, like Q1/2023 (9,838 / 10,359 = 95 %)
    "q3_2024_in_progress_within_share": 0.92,
    # District late dossiers: the 1,416 "invalid dossiers" are late by rule 2.1.1 (more than one supplement).
    "q3_2024_district_late_by_repeated_supplements": 1_416,
    # Online procedures with dossiers in Q1/2023 (domain guide §0): partial 211 of 451, full 206 of 1,438.
    "q1_2023_online_procedures_used": {"MOT_PHAN": 211, "TOAN_TRINH": 206},
}


@dataclass(frozen=True)
class Cell:
    """How many dossiers of one KPI category one level receives in one period."""

    period: Period
    level: str
    category: str  # one of CATEGORIES
    count: int
    online: int  # how many of them are online (KenhThucHien = 2)
    late_by_supplements: int = 0  # only for "late": how many are late by rule 2.1.1
    ends_after_period: bool = False  # in progress at the period end, ended before the next period (Q1/2023)


@dataclass(frozen=True)
class PeriodPlan:
    period: Period
    cells: tuple[Cell, ...]
    awaiting_receipt: dict[str, int] = field(default_factory=dict)  # per level, status 1 at the period end
    ended_before_start: int = 0  # dossiers received before the period and ended before it: never counted


@dataclass(frozen=True)
class Plan:
    """The generator's input: periods in time order, the snapshot time and whether it is exact."""

    periods: tuple[PeriodPlan, ...]
    snapshot: dt.datetime  # the database is the system's state at this moment (after the last period's end)
    exact: bool  # True when every KPI of every period must equal :func:`expected`


class _Named(Protocol):
    name: str


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Integer split of ``total`` by ``weights`` with largest remainders: always sums to ``total``."""
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def _online_split(level_online: int, counts: dict[str, int]) -> dict[str, int]:
    """Spread a level's online dossiers over its categories proportionally (sums exactly)."""
    nonzero = {k: v for k, v in counts.items() if v}
    split = _split(level_online, nonzero)
    # Never more online than dossiers in a category: move any excess to the largest category.
    for k in split:
        excess = split[k] - counts[k]
        if excess > 0:
            split[k] = counts[k]
            biggest = max((c for c in split if c != k), key=lambda c: counts[c] - split[c])
            split[biggest] += excess
    return {k: split.get(k, 0) for k in counts}


def _q1_2023_cells(scale: float) -> tuple[Cell, ...]:
    pub = PUBLISHED[0]
    totals = {
        "early": CHOICES["q1_2023_early"],
        "on_time": pub.early_or_on_time - CHOICES["q1_2023_early"],
        "late": pub.late,
        "in_progress_within": pub.in_progress_within,
        "in_progress_over": pub.in_progress_over,
    }
    totals = {k: round(v * scale) for k, v in totals.items()}
    per_level = {k: _split(v, CHOICES["q1_2023_level_share"]) for k, v in totals.items()}
    cells = []
    for level in LEVELS:
        counts = {k: per_level[k][level] for k in totals}
        online = _online_split(round(CHOICES["q1_2023_online_by_level"][level] * scale), counts)
        for cat, n in counts.items():
            cells.append(Cell(P_Q1_2023, level, cat, n, online[cat], ends_after_period=cat in IN_PROGRESS))
    return tuple(cells)


def _q3_2024_counts(pub: Published) -> dict[str, int]:
    judged = pub.early + pub.on_time + pub.late
    in_within = round(pub.in_progress * CHOICES["q3_2024_in_progress_within_share"])
    return {
        "early": pub.early,
        "on_time": pub.on_time,
        "late": pub.late,
        "not_judgeable": pub.resolved - judged,
        "withdrawn_stopped": pub.received - pub.resolved - pub.in_progress,
        "in_progress_within": in_within,
        "in_progress_over": pub.in_progress - in_within,
    }


def _q3_2024_cells(period: Period, scale: float, ends_after: bool) -> tuple[tuple[Cell, ...], dict[str, int]]:
    cells, awaiting = [], {}
    for pub in PUBLISHED[1:]:
        counts = {k: round(v * scale) for k, v in _q3_2024_counts(pub).items()}
        online = _online_split(round(pub.online * scale), counts)
        by_supp = 0
        if pub.level == "district":
            by_supp = round(CHOICES["q3_2024_district_late_by_repeated_supplements"] * scale)
        for cat, n in counts.items():
            cells.append(
                Cell(
                    period,
                    pub.level or "",
                    cat,
                    n,
                    online[cat],
                    late_by_supplements=by_supp if cat == "late" else 0,
                    ends_after_period=ends_after and cat in IN_PROGRESS,
                )
            )
        awaiting[pub.level or ""] = round((pub.awaiting_receipt or 0) * scale)
    return tuple(cells), awaiting


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59))


# Scale tiers: (scale of the Q3/2024 figures per period, number of consecutive quarterly periods).
# province-3y has province-year's volume per quarter over three years: the history-length benchmark.
_TIERS = {"province-year": (1.06, 4), "province-3y": (1.06, 12), "national-year": (72.0, 4)}


def quarter_starts(quarters: int) -> list[dt.date]:
    """First days of ``quarters`` consecutive official periods ending with Q3/2024, oldest first.

    An official period runs from the 15th of a quarter's last month to the 14th of the next quarter's last
    month (15/09/2023-14/12/2023, ..., 15/06/2024-15/09/2024: the last one ends on the published bound).
    """
    starts, year, month = [], P_Q3_2024.start.year, P_Q3_2024.start.month
    for _ in range(quarters):
        starts.append(dt.date(year, month, 15))
        year, month = (year, month - 3) if month > 3 else (year - 1, month + 9)
    return starts[::-1]


def plan(scenario: _Named) -> Plan:
    """The generation plan for a scenario (its ``name`` decides)."""
    name = scenario.name
    if name in ("calibrated", "tiny"):
        scale = 1.0 if name == "calibrated" else 1 / 40
        q3, awaiting = _q3_2024_cells(P_Q3_2024, scale, ends_after=False)
        periods = (
            PeriodPlan(P_Q1_2023, _q1_2023_cells(scale), ended_before_start=round(1500 * scale)),
            PeriodPlan(P_Q3_2024, q3, awaiting, ended_before_start=round(1500 * scale)),
        )
        return Plan(periods, _end_of(P_Q3_2024.end), exact=True)
    if name == "province-quarter":
        q3, awaiting = _q3_2024_cells(P_Q3_2024, 1.0, ends_after=False)
        return Plan(
            (PeriodPlan(P_Q3_2024, q3, awaiting, ended_before_start=1500),), _end_of(P_Q3_2024.end), True
        )
    if name in _TIERS:
        scale, quarters = _TIERS[name]
        bounds = quarter_starts(quarters)
        periods = []
        for i, start in enumerate(bounds):
            last = i == len(bounds) - 1
            end = P_Q3_2024.end if last else bounds[i + 1] - dt.timedelta(days=1)
            period = Period(f"{end.year}-Q{(end.month - 1) // 3 + 1}", start, end)
            cells, awaiting = _q3_2024_cells(period, scale, ends_after=not last)
            periods.append(PeriodPlan(period, cells, awaiting if last else {}, ended_before_start=0))
        return Plan(tuple(periods), _end_of(P_Q3_2024.end), exact=False)
    raise ValueError(f"unknown scenario {name!r}")


@dataclass(frozen=True)
class Expected:
    """What kpi_check must compute for one (period, level) when the plan is exact; level None = all."""

    period: Period
    level: str | None
    figures: dict[str, int]


def expected(the_plan: Plan) -> list[Expected]:
    """Expected KPI figures per period and level (and for the whole province) of an exact plan."""
    out = []
    for pp in the_plan.periods:
        totals: dict[str, int] = {}
        for level in LEVELS:
            cells = [c for c in pp.cells if c.level == level]
            n = {cat: sum(c.count for c in cells if c.category == cat) for cat in CATEGORIES}
            figures = {
                "received": sum(n.values()),
                "online": sum(c.online for c in cells),
                "resolved": sum(n[c] for c in RESOLVED),
                "early": n["early"],
                "on_time": n["on_time"],
                "late": n["late"],
                "not_judgeable": n["not_judgeable"],
                "withdrawn_stopped": n["withdrawn_stopped"],
                "in_progress": n["in_progress_within"] + n["in_progress_over"],
                "in_progress_within": n["in_progress_within"],
                "in_progress_over": n["in_progress_over"],
                "awaiting_receipt": pp.awaiting_receipt.get(level, 0),
            }
            out.append(Expected(pp.period, level, figures))
            for k, v in figures.items():
                totals[k] = totals.get(k, 0) + v
        out.append(Expected(pp.period, None, totals))
    return out
