"""The quarterly report as data (mô hình báo cáo quý): what the page shows, independent of HTML.

Built by :mod:`reports.loader` from the marts, rendered by :mod:`reports.render`, published by
:mod:`reports.publication`. Figures stay numbers here (``Decimal``/``int``); formatting to Vietnamese
notation happens only when rendering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reports.numbers import fmt_period, quarter_label

LEVELS = ("province", "district", "commune", "all")
LEVEL_NAMES_VI = {
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
    "all": "Toàn tỉnh",
}
LEVEL_NAMES_EN = {
    "province": "Province",
    "district": "District",
    "commune": "Commune",
    "all": "Whole province",
}

# Kế hoạch 379/KH-UBND (10/10/2024): online dossier share above 65 % in 2025.
PLAN_379_ONLINE_TARGET = Decimal("65")

# Decision 766 groups in the order the national portal lists them: (column, code, Vietnamese name, max points)
INDEX_766_GROUPS = (
    ("ckmb_points", "CKMB", "Công khai, minh bạch", 18),
    ("tdgq_points", "TDGQ", "Tiến độ giải quyết", 20),
    ("clgq_points", "CLGQ", "Dịch vụ trực tuyến", 12),
    ("tttt_points", "TTTT", "Thanh toán trực tuyến", 10),
    ("mdhl_points", "MDHL", "Mức độ hài lòng", 18),
    ("mdsh_points", "MDSH", "Mức độ số hóa", 22),
)

METRIC_NAMES_VI = {
    "received": "Số hồ sơ tiếp nhận",
    "online": "Tiếp nhận trực tuyến",
    "online_rate": "Tỷ lệ trực tuyến",
    "resolved": "Đã giải quyết",
    "early": "Giải quyết trước hạn",
    "on_time": "Giải quyết đúng hạn",
    "late": "Giải quyết quá hạn",
    "early_or_on_time": "Trước hạn và đúng hạn",
    "on_time_rate": "Tỷ lệ đúng hạn",
    "in_progress": "Đang giải quyết",
    "in_progress_within_deadline": "Đang giải quyết trong hạn",
    "in_progress_over_deadline": "Đang giải quyết quá hạn",
    "awaiting_receipt": "Chờ tiếp nhận",
}
RATE_METRICS = frozenset({"online_rate", "on_time_rate"})


@dataclass(frozen=True)
class ReportPeriod:
    """The reporting period (kỳ báo cáo) the report covers.

    ``start``/``end`` are the bounds the figures use: the official quarter (15th to 14th) or, when the
    province published its report for that quarter with other bounds (Q3/2024 ran to 15/09), those.
    """

    year: int
    quarter: int
    start: dt.date
    end: dt.date
    official_start: dt.date
    official_end: dt.date
    complete: bool  # the data reach the period's last day

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def range_text(self) -> str:
        return fmt_period(self.start, self.end)

    @property
    def uses_published_bounds(self) -> bool:
        return (self.start, self.end) != (self.official_start, self.official_end)


@dataclass(frozen=True)
class LevelKpis:
    """One row of the KPI table: a level (cấp) or the whole province."""

    level: str
    received: int
    online: int
    in_person: int
    by_post: int
    resolved: int
    withdrawn_or_stopped: int
    early: int
    on_time: int
    late: int
    not_judgeable: int
    in_progress: int
    in_progress_within_deadline: int
    in_progress_over_deadline: int
    in_progress_not_judgeable: int
    awaiting_receipt: int
    online_rate: Decimal | None
    on_time_rate: Decimal | None

    @property
    def name_vi(self) -> str:
        return LEVEL_NAMES_VI.get(self.level, self.level)


@dataclass(frozen=True)
class ReconciliationRow:
    """A figure the province published beside the warehouse's figure (đối chiếu)."""

    report: str
    level: str
    metric: str
    published: Decimal | None
    recomputed: Decimal | None
    difference: Decimal | None
    status: str
    source: str

    @property
    def is_rate(self) -> bool:
        return self.metric in RATE_METRICS

    @property
    def metric_vi(self) -> str:
        return METRIC_NAMES_VI.get(self.metric, self.metric)

    @property
    def level_vi(self) -> str:
        return LEVEL_NAMES_VI.get(self.level, self.level)


@dataclass(frozen=True)
class MonthlyShare:
    """Online share per level per month (tỷ lệ hồ sơ trực tuyến theo tháng), for the Plan 379 chart."""

    months: tuple[dt.date, ...]
    rates: dict[str, tuple[Decimal | None, ...]]  # level -> one rate per month (None: nothing received)


@dataclass(frozen=True)
class UnitScore:
    """Decision 766 points of one unit (đơn vị) for one period."""

    unit_code: str
    unit_name: str
    unit_level: str  # province / district / commune, or all for the whole province
    points: tuple[Decimal | None, ...]  # in INDEX_766_GROUPS order
    total: Decimal | None
    rate_2_1: Decimal | None
    rate_3_3: Decimal | None
    unit_type: str = "agency"  # province (the whole province), level (a level as a whole) or agency
    computable_max: Decimal | None = None  # what the computable sub-indicators could reach (of 100)

    @property
    def is_aggregate(self) -> bool:
        return self.unit_type in ("province", "level")


@dataclass(frozen=True)
class Index766:
    grain: str
    period_start: dt.date
    period_end: dt.date
    units: tuple[UnitScore, ...]


@dataclass(frozen=True)
class GenericTable:
    """A mart shown as it is (columns agreed later by its author): names and rows of raw values."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class QuarterlyReport:
    """Everything the quarterly report shows."""

    period: ReportPeriod
    data_through: dt.date | None
    kpis: tuple[LevelKpis, ...]  # LEVELS order; missing levels left out
    monthly: MonthlyShare
    reconciliation: tuple[ReconciliationRow, ...]
    index_766: Index766 | None
    plan_379: GenericTable | None
    missing_tables: tuple[str, ...] = field(default_factory=tuple)
    online_target: Decimal = PLAN_379_ONLINE_TARGET

    def kpi(self, level: str) -> LevelKpis | None:
        return next((row for row in self.kpis if row.level == level), None)

    def differing(self) -> dict[tuple[str, str], ReconciliationRow]:
        """Published figures of this period that the warehouse does not reproduce, by (level, metric)."""
        return {(r.level, r.metric): r for r in self.reconciliation if r.status == "differs"}
