"""The report model to one self-contained HTML page (trình bày báo cáo), through a Jinja2 template.

The page has its CSS inline, its charts as inline SVG, no script, no web font, no link to anything outside
itself: it reads the same from a USB stick, an air-gapped intranet or the portal, and prints on A4. The
same model always gives the same bytes (no clock in the page), so the publisher can tell a changed report
from an unchanged one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from reports import charts
from reports.model import INDEX_766_GROUPS, LEVEL_NAMES_VI, LEVELS, QuarterlyReport, UnitScore
from reports.numbers import (
    MISSING,
    fmt_count,
    fmt_date,
    fmt_difference,
    fmt_month,
    fmt_percent,
    fmt_points,
)

TEMPLATES = Path(__file__).with_name("templates")
MAX_UNITS_PER_CHART = 24  # beyond this a chart shows the best and the lowest; the table lists every unit

UNIT_LEVEL_NAMES_VI = {
    **LEVEL_NAMES_VI,
    "all": "Toàn tỉnh",
    "agency": "Cơ quan, đơn vị",
    "level": "Theo cấp",
}
CHART_GROUP_NAMES_VI = {
    "summary": "toàn tỉnh và từng cấp",
    "all": "toàn tỉnh",
    "province": "các cơ quan, đơn vị cấp tỉnh",
    "district": "các đơn vị cấp huyện",
    "commune": "các đơn vị cấp xã",
}
PLAN_379_COLUMN_NAMES_VI = {
    "grain": "Loại kỳ",
    "period_type": "Loại kỳ",
    "period_start": "Từ ngày",
    "period_end": "Đến ngày",
    "year": "Năm",
    "quarter": "Quý",
    "level": "Cấp",
    "received": "Hồ sơ tiếp nhận",
    "online": "Trực tuyến",
    "online_rate": "Tỷ lệ trực tuyến",
    "online_share": "Tỷ lệ trực tuyến",
    "target": "Mục tiêu",
    "target_rate": "Mục tiêu",
    "gap": "Chênh lệch so với mục tiêu",
    "gap_to_target": "Chênh lệch so với mục tiêu",
    "full_online_procedure_share": "Tỷ lệ TTHC trực tuyến toàn trình",
    "met_target": "Đạt mục tiêu",
    "status": "Trạng thái",
    "online_rate_target": "Mục tiêu tỷ lệ trực tuyến",
    "online_rate_gap": "Chênh lệch (điểm %)",
    "online_target_met": "Đạt mục tiêu",
    "full_online_procedure_target": "Mục tiêu TTHC toàn trình",
    "full_online_procedure_gap": "Chênh lệch (điểm %)",
    "procedures_in_force": "Số TTHC",
    "full_online_procedures": "TTHC toàn trình",
    "target_year": "Năm mục tiêu",
}


_GRAIN_NAMES_VI = {"month": "Tháng", "quarter": "Quý", "official_quarter": "Kỳ báo cáo quý", "year": "Năm"}


def _plan_cell(value: Any, column: str) -> str:
    if value is None:
        return MISSING
    if isinstance(value, str):
        return _GRAIN_NAMES_VI.get(value, value)
    if isinstance(value, bool):
        return "Có" if value else "Chưa"
    if isinstance(value, dt.datetime | dt.date):
        return fmt_date(value if not isinstance(value, dt.datetime) else value.date())
    if isinstance(value, int | float | Decimal):
        lowered = column.lower()
        if any(word in lowered for word in ("rate", "share", "pct", "percent", "target", "gap")):
            return fmt_difference(value) if "gap" in lowered else fmt_percent(value)
        if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value()):
            return fmt_count(value)
        return fmt_points(value)
    return str(value)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        count=fmt_count,
        percent=fmt_percent,
        points=fmt_points,
        difference=fmt_difference,
        date=fmt_date,
        month=fmt_month,
        plan_cell=_plan_cell,
        plan_column=lambda name: PLAN_379_COLUMN_NAMES_VI.get(name, name),
        unit_level=lambda level: UNIT_LEVEL_NAMES_VI.get(level, level or MISSING),
    )
    return env


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def online_share_chart(report: QuarterlyReport) -> str:
    monthly = report.monthly
    series = [
        charts.Series(
            LEVEL_NAMES_VI[level],
            tuple(_float(v) for v in monthly.rates.get(level, ())),
            color=color,
            emphasis=level == "all",
        )
        for level, color in zip(LEVELS, ("#7a1f1f", "#0072b2", "#009e73", "#1f2933"), strict=True)
    ]
    first, last = (
        (fmt_month(monthly.months[0]), fmt_month(monthly.months[-1])) if monthly.months else ("", "")
    )
    return charts.line_chart(
        [fmt_month(m) for m in monthly.months],
        series,
        chart_id="chart-online-share",
        title="Tỷ lệ hồ sơ nộp trực tuyến theo cấp, theo tháng, so với mục tiêu 65 % của Kế hoạch 379/KH-UBND",
        description=(
            f"Biểu đồ đường từ {first} đến {last}: tỷ lệ hồ sơ tiếp nhận trực tuyến trên tổng số hồ sơ tiếp "
            "nhận của cấp tỉnh, cấp huyện, cấp xã và toàn tỉnh; đường nét đứt là mục tiêu trên 65 % năm 2025. "
            "Online share of dossiers per level and month against the 65 % target."
        ),
        y_label="Tỷ lệ trực tuyến (%)",
        x_label="Tháng",
        target=float(report.online_target),
        target_label=f"Mục tiêu KH 379/KH-UBND: {fmt_percent(report.online_target, 0)}",
    )


def on_time_chart(report: QuarterlyReport) -> str:
    bars = [
        charts.Bar(row.name_vi, _float(row.on_time_rate), color="#1f2933" if row.level == "all" else None)
        for row in report.kpis
    ]
    return charts.bar_chart(
        bars,
        chart_id="chart-on-time",
        title=f"Tỷ lệ giải quyết hồ sơ đúng hạn theo cấp, {report.period.label}",
        description=(
            "Biểu đồ thanh: (trước hạn + đúng hạn) / (trước hạn + đúng hạn + quá hạn), chỉ tiêu 2.1 của "
            "Quyết định 766/QĐ-TTg, theo cấp và toàn tỉnh. On-time rate per level."
        ),
        value_label="Tỷ lệ đúng hạn (%)",
    )


def _shown_units(units: tuple[UnitScore, ...]) -> tuple[list[UnitScore], int]:
    if len(units) <= MAX_UNITS_PER_CHART:
        return list(units), 0
    half = MAX_UNITS_PER_CHART // 2
    return [*units[:half], *units[-half:]], len(units) - 2 * half


def index_766_charts(report: QuarterlyReport) -> list[dict[str, Any]]:
    """One stacked-bar chart per unit level (units sorted by total points)."""
    index = report.index_766
    if index is None:
        return []
    levels: dict[str, list[UnitScore]] = {}
    for unit in index.units:
        # the province and each level as a whole in one chart, then the agencies (đơn vị) of each level
        levels.setdefault("summary" if unit.is_aggregate else unit.unit_level, []).append(unit)
    order = {level: i for i, level in enumerate(("summary", "all", "province", "district", "commune"))}
    names = [f"{code} – {name} ({maximum})" for _, code, name, maximum in INDEX_766_GROUPS]
    result = []
    for n, level in enumerate(sorted(levels, key=lambda lv: (order.get(lv, 99), lv))):
        shown, hidden = _shown_units(tuple(levels[level]))
        title = f"Điểm Bộ chỉ số 766 theo nhóm, {CHART_GROUP_NAMES_VI.get(level, level or MISSING)}"
        svg = charts.stacked_bar_chart(
            [charts.Stack(u.unit_name, tuple(_float(p) for p in u.points), _float(u.total)) for u in shown],
            names,
            chart_id=f"chart-766-{n + 1}",
            title=title,
            description=(
                "Biểu đồ thanh chồng: điểm của từng nhóm chỉ số (CKMB, TDGQ, CLGQ, TTTT, MDHL, MDSH) và tổng "
                "điểm trên thang 100 của từng đơn vị. Decision 766 group points per unit."
            ),
            value_label="Điểm (tối đa 100)",
        )
        result.append({"title": title, "svg": Markup(svg), "hidden": hidden, "count": len(levels[level])})
    return result


def render_html(report: QuarterlyReport) -> str:
    """The report as a complete HTML document (UTF-8 text)."""
    template = environment().get_template("quarterly.html.j2")
    return template.render(
        report=report,
        period=report.period,
        levels=LEVEL_NAMES_VI,
        groups=INDEX_766_GROUPS,
        online_chart=Markup(online_share_chart(report)),
        on_time_chart=Markup(on_time_chart(report)),
        index_charts=index_766_charts(report),
        differing=report.differing(),
    )
