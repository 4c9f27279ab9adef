"""The quarterly report from a small DuckDB warehouse: figures, sections, periods, offline HTML, the CLI."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from reports.loader import ReportDataError
from reports.model import QuarterlyReport
from reports.quarterly import build_report, main, write_report
from reports.render import render_html
from tests.reports.conftest import load


class _Collector(HTMLParser):
    """Every src/href and every table cell's text of a page, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.cells: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.links += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action", "data")]
        if tag == "table":
            self._table = values.get("id")
            self.cells.setdefault(self._table or "", [])
        elif tag == "tr" and self._table is not None:
            self.cells[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.cells[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


@pytest.fixture(scope="module")
def html(report: QuarterlyReport) -> str:
    return render_html(report)


def test_latest_complete_period_with_the_province_published_bounds(report: QuarterlyReport):
    # data reach 15/09/2024: the period 15/09–14/12/2024 is still running, Q3 is the latest complete one
    period = report.period
    assert (period.year, period.quarter, period.label) == (2024, 3, "Quý III/2024")
    assert (period.start, period.end) == (dt.date(2024, 6, 15), dt.date(2024, 9, 15))  # as published
    assert (period.official_start, period.official_end) == (dt.date(2024, 6, 15), dt.date(2024, 9, 14))
    assert period.complete and report.data_through == dt.date(2024, 9, 15)
    assert [k.level for k in report.kpis] == ["province", "district", "commune", "all"]


def test_kpi_table_in_vietnamese_notation(html: str):
    rows = {row[0]: row[1:] for row in _parse(html).cells["kpi-table"][2:]}
    assert rows["Cấp tỉnh"] == [
        "24.836", "21.497", "86,56 %", "21.396", "7.030", "13.804", "562", "97,37 %", "2.710", "433", "730", "0",
    ]  # fmt: skip
    assert rows["Cấp huyện"][:8] == [
        "34.012",
        "13.951",
        "41,02 %",
        "26.212",
        "16.168",
        "7.706",
        "2.338",
        "91,08 %*",
    ]
    assert rows["Cấp xã"][-1] == "140"  # the 140 resolved dossiers the published early+on time+late misses
    assert rows["Toàn tỉnh"][:3] == ["106.071", "68.832", "64,89 %"]
    # the seed report's sentence, with its figures
    assert "tổng số hồ sơ TTHC đã tiếp nhận: <strong>106.071</strong> hồ sơ" in html
    assert "68.832 hồ sơ nộp trực tuyến, đạt tỷ lệ <strong>64,89 %</strong>" in html


def test_published_figures_and_their_differences_stay_visible(html: str, report: QuarterlyReport):
    reconciliation = _parse(html).cells["reconciliation-table"]
    district_rate = next(r for r in reconciliation if r[:2] == ["Cấp huyện", "Tỷ lệ đúng hạn"])
    assert district_rate[2:6] == ["96,29 %", "91,08 %", "−5,21", "Lệch"]
    assert "báo cáo đã công bố 96,29 %" in html  # beside the recomputed rate in the text and the table note
    assert report.differing().keys() == {("district", "on_time_rate")}


def test_sections_without_their_marts_say_so(html: str, report: QuarterlyReport):
    assert report.missing_tables == ("rpt_index_766", "rpt_plan_379_progress")
    assert re.search(r'id="index-766-missing"[^>]*><strong>Chưa có dữ liệu\.</strong>', html)
    assert re.search(r'id="plan-379-missing"[^>]*><strong>Chưa có dữ liệu\.</strong>', html)
    assert 'id="index-766-table"' not in html


def test_decision_766_and_plan_379_when_present(full_report: QuarterlyReport):
    index = full_report.index_766
    assert index is not None and (index.period_start, index.period_end) == (
        dt.date(2024, 7, 1),
        dt.date(2024, 9, 30),
    )
    assert len(index.units) == 50 and index.units[0].total >= index.units[-1].total
    page = render_html(full_report)
    parsed = _parse(page)
    assert len(parsed.cells["index-766-table"]) == 1 + 50
    top = parsed.cells["index-766-table"][1]
    assert re.fullmatch(r"\d{2},\d{2}", top[8])  # total points, Vietnamese decimals
    assert page.count('class="index-766-chart"') == 4  # the province and its levels; agencies of each level
    assert {u.unit_type for u in index.units} == {"province", "level", "agency"}
    assert "24 đơn vị điểm cao nhất và thấp nhất, 6 đơn vị còn lại có trong Bảng 2" in page
    plan = parsed.cells["plan-379-table"]
    assert plan[0][:3] == ["Loại kỳ", "Từ ngày", "Đến ngày"] and len(plan) == 4  # not the quarter after Q3
    assert [
        "Quý",
        "01/07/2024",
        "30/09/2024",
        "64,89 %",
        "65,00 %",
        "−0,11",
        "Chưa",
        "38,22 %",
        "100,00 %",
        "−61,78",
    ] in plan
    assert [row[0] for row in plan[1:]] == ["Quý", "Quý", "Năm"]
    assert "Chưa có dữ liệu" not in page


def test_page_is_self_contained_well_formed_and_deterministic(html: str, report: QuarterlyReport):
    parsed = _parse(html)
    assert parsed.links == []  # no src/href at all: nothing to fetch
    lowered = html.lower()
    assert "http://" not in lowered.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in lowered and "@import" not in lowered and "url(" not in lowered
    assert "<script" not in lowered and "@font-face" not in lowered
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        ET.fromstring(svg)
    assert render_html(report) == html


def test_requested_period_and_bad_periods(warehouse_path: Path):
    q2 = load(warehouse_path, "2024-Q2")
    assert (q2.period.start, q2.period.end, q2.period.label) == (
        dt.date(2024, 3, 15),
        dt.date(2024, 6, 14),
        "Quý II/2024",
    )
    assert q2.reconciliation == ()  # the province published nothing for it
    assert 'id="reconciliation-missing"' in render_html(q2)
    running = load(warehouse_path, "2024-Q4")
    assert not running.period.complete and "Kỳ báo cáo chưa kết thúc" in render_html(running)
    with pytest.raises(ReportDataError, match="2023-Q2"):
        load(warehouse_path, "2023-Q2")
    with pytest.raises(ValueError, match="2024-Q3"):
        load(warehouse_path, "2024-3")


def test_missing_required_mart_is_an_error(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "empty.duckdb"))
    connection.execute("create schema marts")
    with pytest.raises(ReportDataError, match=r"marts\.rpt_dossier_kpis"):
        build_report(connection)
    connection.close()


def test_reads_through_a_sqlalchemy_engine_too(warehouse_path: Path, report: QuarterlyReport):
    from sqlalchemy import create_engine

    engine = create_engine(f"duckdb:///{warehouse_path}", connect_args={"read_only": True})
    try:
        assert build_report(engine) == report
    finally:
        engine.dispose()


def test_cli_writes_the_html_and_says_what_is_missing(warehouse_path: Path, tmp_path: Path, capsys):
    assert (
        main(["--warehouse", str(warehouse_path), "--out", str(tmp_path), "--period", "2024-Q3", "--no-pdf"])
        == 0
    )
    output = capsys.readouterr().out
    assert "Báo cáo Quý III/2024 (15/06/2024 – 15/09/2024)" in output
    assert "rpt_index_766, rpt_plan_379_progress" in output
    assert "106.071" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert not (tmp_path / "report.pdf").exists()
    assert main(["--warehouse", str(warehouse_path), "--out", str(tmp_path), "--period", "2030-Q1"]) == 2


def test_without_chromium_the_html_is_written_and_the_reason_given(report: QuarterlyReport, tmp_path: Path):
    files = write_report(report, tmp_path, chromium=tmp_path / "no-chromium-here")
    assert files.html.is_file() and not files.pdf.rendered
    assert "Chromium is not installed" in files.pdf.reason
