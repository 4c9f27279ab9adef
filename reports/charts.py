"""Charts for the quarterly report (biểu đồ), as inline SVG built in pure Python.

No JavaScript, no external assets, no plotting library: each function returns one ``<svg>`` element as
text that the HTML page embeds as it is, so the report renders the same in a browser, in print and in
Chromium's PDF, offline. Built with :mod:`xml.etree.ElementTree`, so every label is escaped and every
chart is well-formed XML.

Accessible by construction: ``role="img"`` with ``<title>``/``<desc>`` (read by screen readers), axis
labels in Vietnamese, and every plotted value also written as text (on the chart, or in the ``<title>`` of
its mark where a label would not fit, in which case the report prints the figures in a table below).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from reports.numbers import fmt_percent, fmt_points

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Verdana, sans-serif"  # fonts-dejavu-core is on every Debian machine we render on
AXIS = "#52606d"
GRID = "#e4e7eb"
TARGET = "#c2410c"
# Colour-blind-safe palette (Okabe–Ito), darkened where white text or thin lines sit on it.
PALETTE = ("#7a1f1f", "#0072b2", "#009e73", "#e69f00", "#cc79a7", "#56b4e9", "#d55e00", "#404040")

_LIGHT = {"#e69f00", "#56b4e9", "#cc79a7"}  # segments on which labels are written dark, not white


@dataclass(frozen=True)
class Series:
    """One line: a label and a value (or None, a gap) per category of the x axis."""

    label: str
    values: tuple[float | None, ...]
    color: str | None = None
    emphasis: bool = False  # drawn thicker (the province total)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    color: str | None = None


@dataclass(frozen=True)
class Stack:
    """One stacked bar: a label and one value per segment (same order as the segment names)."""

    label: str
    values: tuple[float | None, ...]
    total: float | None = None


def _svg(uid: str, width: int, height: int, title: str, description: str, css_class: str) -> ET.Element:
    # ids come from the caller: the same data must give the same bytes (the portal publishes on change)
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "id": uid,
            "class": f"chart {css_class}",
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{uid}-title {uid}-desc",
            "font-family": FONT,
            "font-size": "12",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{uid}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{uid}-desc"}).text = description
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), **attrs})
    element.text = text
    return element


def _line(parent: ET.Element, x1: float, y1: float, x2: float, y2: float, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, "line", {"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2), **attrs})


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _tostring(svg: ET.Element) -> str:
    return ET.tostring(svg, encoding="unicode", short_empty_elements=True)


def _legend(
    parent: ET.Element, x: float, y: float, items: Sequence[tuple[str, str, str]], width: float
) -> float:
    """Legend entries (label, colour, kind 'line'|'box'|'dash') flowing left to right; returns the height used."""
    group = ET.SubElement(parent, "g", {"class": "legend"})
    cx, cy = x, y
    for label, color, kind in items:
        item_width = 30 + 6.8 * len(label)  # DejaVu Sans at 12 px: under 7 px a character
        if cx + item_width > x + width and cx > x:
            cx, cy = x, cy + 18
        if kind == "box":
            ET.SubElement(
                group, "rect", {"x": _n(cx), "y": _n(cy - 9), "width": "12", "height": "12", "fill": color}
            )
        else:
            attrs = {"stroke": color, "stroke-width": "3"}
            if kind == "dash":
                attrs["stroke-dasharray"] = "6 4"
            _line(group, cx, cy - 3, cx + 18, cy - 3, **attrs)
        _text(group, cx + 22, cy + 1, label, fill="#1f2933")
        cx += item_width
    return cy - y + 18


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str,
    y_label: str,
    x_label: str,
    target: float | None = None,
    target_label: str = "",
    y_max: float = 100.0,
    width: int = 760,
    height: int = 360,
) -> str:
    """Lines over categorical x values (months), y in percent from 0 to ``y_max``, with a target line.

    A None value breaks its line. Each point carries its value in a ``<title>``; each line's last value is
    written beside it.
    """
    svg = _svg(chart_id, width, height, title, description, "line-chart")
    legend_items = [(s.label, s.color or PALETTE[i % len(PALETTE)], "line") for i, s in enumerate(series)]
    if target is not None:
        legend_items.append((target_label or fmt_percent(target), TARGET, "dash"))
    left, right, top = 56, 96, 16
    legend_height = _legend(svg, left, top + 4, legend_items, width - left - right)
    top += legend_height + 8
    bottom = 64
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(value: float) -> float:
        return top + plot_h * (1 - min(max(value, 0.0), y_max) / y_max)

    count = max(len(categories), 1)
    step = plot_w / count

    def x_of(index: int) -> float:
        return left + step * (index + 0.5)

    axes = ET.SubElement(svg, "g", {"class": "axes", "fill": AXIS})
    for tick in range(0, int(y_max) + 1, 20):
        y = y_of(tick)
        _line(axes, left, y, left + plot_w, y, stroke=GRID)
        _text(axes, left - 6, y + 4, f"{tick} %", **{"text-anchor": "end"})
    _line(axes, left, top + plot_h, left + plot_w, top + plot_h, stroke=AXIS)
    # at most about 12 labels, counted back from the last category so the latest month is always named
    label_every = max(1, -(-count // 12), -(-70 // max(int(step), 1)))
    for index, category in enumerate(categories):
        if (count - 1 - index) % label_every == 0:
            _text(
                axes, x_of(index), top + plot_h + 16, category, **{"text-anchor": "middle", "font-size": "11"}
            )
    _text(axes, left + plot_w / 2, height - 12, x_label, **{"text-anchor": "middle", "class": "axis-label"})
    y_title = _text(axes, 14, top + plot_h / 2, y_label, **{"text-anchor": "middle", "class": "axis-label"})
    y_title.set("transform", f"rotate(-90 14 {_n(top + plot_h / 2)})")

    if target is not None:
        y = y_of(target)
        _line(
            svg, left, y, left + plot_w, y, stroke=TARGET, **{"stroke-width": "2", "stroke-dasharray": "6 4"}
        )
    end_labels: list[tuple[float, str, str]] = []
    if target is not None:
        # the target is named in the legend; its value sits in the right margin with the lines' last values
        end_labels.append((y_of(target), fmt_percent(target, 0), TARGET))
    for i, line in enumerate(series):
        color = line.color or PALETTE[i % len(PALETTE)]
        group = ET.SubElement(svg, "g", {"class": "series", "data-series": line.label})
        stroke = "3.5" if line.emphasis else "2"
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, value in enumerate(line.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_n(x_of(index))},{_n(y_of(value))}")
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                ET.SubElement(
                    group,
                    "polyline",
                    {"points": " ".join(points), "fill": "none", "stroke": color, "stroke-width": stroke},
                )
        for index, value in enumerate(line.values):
            if value is None:
                continue
            dot = ET.SubElement(
                group,
                "circle",
                {
                    "cx": _n(x_of(index)),
                    "cy": _n(y_of(value)),
                    "r": "3.5" if line.emphasis else "2.5",
                    "fill": color,
                },
            )
            ET.SubElement(dot, "title").text = f"{line.label}, {categories[index]}: {fmt_percent(value)}"
        last = next(((j, v) for j, v in reversed(list(enumerate(line.values))) if v is not None), None)
        if last is not None:
            end_labels.append((y_of(last[1]), fmt_percent(last[1]), color))
    # Last values at the right edge, nudged apart so that close lines keep readable labels.
    placed: list[float] = []
    for y, label, color in sorted(end_labels):
        while any(abs(y - other) < 13 for other in placed):
            y += 1
        placed.append(y)
        _text(svg, left + plot_w + 4, y + 4, label, fill=color, **{"class": "value", "font-weight": "bold"})
    return _tostring(svg)


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    value_label: str,
    x_max: float = 100.0,
    width: int = 760,
    bar_height: int = 30,
) -> str:
    """Horizontal bars (one per level) from 0 to ``x_max`` percent, each with its value written at its end."""
    left, right, top, bottom = 150, 80, 12, 48
    height = top + bottom + len(bars) * (bar_height + 14)
    svg = _svg(chart_id, width, height, title, description, "bar-chart")
    plot_w = width - left - right

    def x_of(value: float) -> float:
        return left + plot_w * min(max(value, 0.0), x_max) / x_max

    axes = ET.SubElement(svg, "g", {"class": "axes", "fill": AXIS})
    plot_bottom = height - bottom
    for tick in range(0, int(x_max) + 1, 20):
        x = x_of(tick)
        _line(axes, x, top, x, plot_bottom, stroke=GRID)
        _text(axes, x, plot_bottom + 16, f"{tick} %", **{"text-anchor": "middle"})
    _text(
        axes, left + plot_w / 2, height - 10, value_label, **{"text-anchor": "middle", "class": "axis-label"}
    )
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + 14) + 7
        color = bar.color or PALETTE[i % len(PALETTE)]
        _text(svg, left - 8, y + bar_height / 2 + 4, bar.label, **{"text-anchor": "end", "fill": "#1f2933"})
        if bar.value is None:
            _text(svg, left + 4, y + bar_height / 2 + 4, "không có dữ liệu", fill=AXIS, **{"class": "value"})
            continue
        rect = ET.SubElement(
            svg,
            "rect",
            {
                "class": "bar",
                "x": _n(left),
                "y": _n(y),
                "width": _n(max(x_of(bar.value) - left, 0.5)),
                "height": str(bar_height),
                "fill": color,
            },
        )
        ET.SubElement(rect, "title").text = f"{bar.label}: {fmt_percent(bar.value)}"
        _text(
            svg,
            x_of(bar.value) + 6,
            y + bar_height / 2 + 4,
            fmt_percent(bar.value),
            **{"class": "value", "font-weight": "bold", "fill": "#1f2933"},
        )
    return _tostring(svg)


def stacked_bar_chart(
    stacks: Sequence[Stack],
    segment_names: Sequence[str],
    *,
    chart_id: str,
    title: str,
    description: str,
    value_label: str,
    x_max: float = 100.0,
    width: int = 760,
    bar_height: int = 18,
    label_width: int = 230,
) -> str:
    """Horizontal stacked bars (one per unit, one segment per Decision 766 group) with the total at the end.

    Segments wide enough carry their points as text; every segment carries them in its ``<title>``.
    """
    left, right, top = label_width, 64, 12
    plot_w = width - left - right
    legend = ET.Element("g")
    legend_height = _legend(
        legend,
        12,
        top + 4,
        [(n, PALETTE[i % len(PALETTE)], "box") for i, n in enumerate(segment_names)],
        width - 24,
    )
    rows_top = top + legend_height + 8
    bottom = 44
    height = rows_top + len(stacks) * (bar_height + 8) + bottom
    svg = _svg(chart_id, width, height, title, description, "stacked-bar-chart")
    svg.append(legend)

    def x_of(value: float) -> float:
        return left + plot_w * min(max(value, 0.0), x_max) / x_max

    axes = ET.SubElement(svg, "g", {"class": "axes", "fill": AXIS})
    plot_bottom = height - bottom
    for tick in range(0, int(x_max) + 1, 10 if x_max <= 100 else 20):
        x = x_of(tick)
        _line(axes, x, rows_top - 4, x, plot_bottom, stroke=GRID)
        _text(axes, x, plot_bottom + 14, str(tick), **{"text-anchor": "middle", "font-size": "11"})
    _text(
        axes, left + plot_w / 2, height - 8, value_label, **{"text-anchor": "middle", "class": "axis-label"}
    )
    for i, stack in enumerate(stacks):
        y = rows_top + i * (bar_height + 8)
        label = stack.label if len(stack.label) <= 34 else stack.label[:33] + "…"
        name = _text(
            svg, left - 6, y + bar_height / 2 + 4, label, **{"text-anchor": "end", "fill": "#1f2933"}
        )
        if label != stack.label:
            ET.SubElement(name, "title").text = stack.label
        cumulative = 0.0
        row = ET.SubElement(svg, "g", {"class": "stack", "data-unit": stack.label})
        for j, value in enumerate(stack.values):
            if not value:
                continue
            x0, x1 = x_of(cumulative), x_of(cumulative + value)
            rect = ET.SubElement(
                row,
                "rect",
                {
                    "class": "segment",
                    "x": _n(x0),
                    "y": _n(y),
                    "width": _n(max(x1 - x0, 0.5)),
                    "height": str(bar_height),
                    "fill": PALETTE[j % len(PALETTE)],
                },
            )
            ET.SubElement(
                rect, "title"
            ).text = f"{stack.label} — {segment_names[j]}: {fmt_points(value)} điểm"
            if x1 - x0 >= 34:
                _text(
                    row,
                    (x0 + x1) / 2,
                    y + bar_height / 2 + 4,
                    fmt_points(value, 1),
                    **{
                        "text-anchor": "middle",
                        "fill": "#1f2933" if PALETTE[j % len(PALETTE)] in _LIGHT else "#fff",
                        "font-size": "10",
                    },
                )
            cumulative += value
        total = stack.total if stack.total is not None else cumulative
        _text(
            svg,
            x_of(cumulative) + 5,
            y + bar_height / 2 + 4,
            fmt_points(total),
            **{"class": "value", "font-weight": "bold", "fill": "#1f2933"},
        )
    return _tostring(svg)
