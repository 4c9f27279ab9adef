"""The inline SVG charts: well-formed XML, accessible, every value present as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reports import charts

NS = {"svg": charts.SVG_NS}


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{{{charts.SVG_NS}}}svg"
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def _texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter() if element.tag.endswith(("text", "title"))]


def test_line_chart_has_target_axis_labels_gaps_and_values():
    svg = charts.line_chart(
        ["07/2024", "08/2024", "09/2024", "10/2024"],
        [
            charts.Series("Cấp tỉnh", (86.44, None, 86.57, 87.0)),
            charts.Series("Toàn tỉnh", (64.1, 64.5, 64.89, None), emphasis=True),
        ],
        chart_id="c1",
        title="Tỷ lệ trực tuyến <theo tháng> & mục tiêu",
        description="mô tả",
        y_label="Tỷ lệ trực tuyến (%)",
        x_label="Tháng",
        target=65.0,
        target_label="Mục tiêu KH 379/KH-UBND: 65 %",
    )
    root = _parse(svg)
    texts = _texts(root)
    assert (
        root.find("svg:title", NS).text == "Tỷ lệ trực tuyến <theo tháng> & mục tiêu"
    )  # escaped, not markup
    assert {"Tháng", "Tỷ lệ trực tuyến (%)", "Mục tiêu KH 379/KH-UBND: 65 %", "09/2024"} <= set(texts)
    # each plotted point says its value; each line's last value is written at its end
    assert "Cấp tỉnh, 07/2024: 86,44 %" in texts and "Toàn tỉnh, 09/2024: 64,89 %" in texts
    assert "87,00 %" in texts and "64,89 %" in texts
    # the gap in "Cấp tỉnh" splits its line in two: one polyline (07) cannot be drawn, one (09-10) is
    province = root.find("svg:g[@data-series='Cấp tỉnh']", NS)
    assert len(province.findall("svg:polyline", NS)) == 1 and len(province.findall("svg:circle", NS)) == 3
    assert any(line.get("stroke-dasharray") for line in root.iter(f"{{{charts.SVG_NS}}}line"))


def test_bar_chart_writes_each_value_and_marks_missing_ones():
    svg = charts.bar_chart(
        [charts.Bar("Cấp tỉnh", 97.37), charts.Bar("Cấp huyện", 91.08), charts.Bar("Cấp xã", None)],
        chart_id="c2",
        title="Tỷ lệ đúng hạn",
        description="mô tả",
        value_label="Tỷ lệ đúng hạn (%)",
    )
    root = _parse(svg)
    texts = _texts(root)
    assert {"97,37 %", "91,08 %", "không có dữ liệu", "Tỷ lệ đúng hạn (%)", "Cấp xã"} <= set(texts)
    bars = root.findall(".//svg:rect[@class='bar']", NS)
    assert len(bars) == 2
    # bar lengths are proportional to the values (0..100 %)
    widths = [float(b.get("width")) for b in bars]
    assert abs(widths[0] / widths[1] - 97.37 / 91.08) < 0.01


def test_stacked_bar_chart_segments_totals_and_determinism():
    stacks = [
        charts.Stack("Sở Tư pháp", (16.78, 14.26, 10.87, 8.78, 13.17, 18.61), 82.47),
        charts.Stack("UBND xã có một cái tên rất dài để kiểm tra việc cắt ngắn nhãn", (1, None, 0, 2, 3, 4)),
    ]
    names = ["CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"]
    kwargs = dict(chart_id="c3", title="Điểm 766", description="mô tả", value_label="Điểm (tối đa 100)")
    svg = charts.stacked_bar_chart(stacks, names, **kwargs)
    assert svg == charts.stacked_bar_chart(stacks, names, **kwargs)  # same data, same bytes
    root = _parse(svg)
    texts = _texts(root)
    assert {"82,47", "10,00", *names} <= set(texts)
    assert "Sở Tư pháp — MDSH: 18,61 điểm" in texts
    first = root.find("svg:g[@data-unit='Sở Tư pháp']", NS)
    assert len(first.findall("svg:rect", NS)) == 6
    # empty and zero segments draw nothing; the long name is shortened with its full text kept in a title
    second = root.find(f"svg:g[@data-unit='{stacks[1].label}']", NS)
    assert len(second.findall("svg:rect", NS)) == 4
    assert stacks[1].label in texts
