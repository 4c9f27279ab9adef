"""The offline HTML report: self-contained, Vietnamese with English, escaped, masked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa

from expectations.guard import check_row_count
from expectations.pii import scan_table
from expectations.report import DatasetQuality, gate_summary, render_report, write_report
from expectations.results import ExpectationOutcome, ValidationSummary


def _summary(success: bool) -> ValidationSummary:
    outcomes = [
        ExpectationOutcome(
            type="expect_column_values_to_be_in_set",
            kwargs={"column": "level", "value_set": ["province"]},
            success=success,
            unexpected_count=0 if success else 3,
            sample_values=[] if success else ["<script>alert(1)</script>"],
        ),
        ExpectationOutcome(
            type="periods_complete",
            kwargs={"start": "s"},
            success=True,
            engine="hue_check",
            unexpected_count=0,
        ),
    ]
    return ValidationSummary(
        dataset="rpt_a", suite_name="rpt_a", success=success, outcomes=outcomes, row_count=1234
    )


def test_report_is_self_contained_and_bilingual(tmp_path: Path) -> None:
    pii = scan_table(pa.table({"ghi_chu": ["SĐT 0905123456"]}), dataset="rpt_b")
    datasets = [
        DatasetQuality(
            "rpt_a", validation=_summary(True), guard=check_row_count(1000, 1234, max_change_ratio=0.5)
        ),
        DatasetQuality(
            "rpt_b",
            validation=_summary(False),
            pii=pii,
            guard=check_row_count(1000, 100, max_change_ratio=0.2),
        ),
        DatasetQuality("rpt_c"),
    ]
    html = render_report(datasets, generated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert not re.search(r"https?://|<link|<script|@import|src=", html, re.IGNORECASE)
    for heading in (
        "Báo cáo chất lượng dữ liệu",
        "Data quality report",
        "Kỳ vọng và kiểm tra",
        "Rà soát dữ liệu cá nhân",
        "Biến động số dòng",
        "Giá trị mẫu",
    ):
        assert heading in html
    assert "&lt;script&gt;" in html and "0905123456" not in html and "090*****56" in html
    assert "1.234 dòng" in html and "Giữ lại chờ duyệt" in html and "Chưa kiểm định" in html
    path = write_report(datasets, tmp_path / "out" / "quality.html")
    assert path.read_text(encoding="utf-8").count('<h2 id="ds-') == 3


def test_gate_summary_is_small_and_decides() -> None:
    ok = DatasetQuality("a", validation=_summary(True))
    held = DatasetQuality(
        "b", validation=_summary(True), guard=check_row_count(10, 100, max_change_ratio=0.1)
    )
    blocked = DatasetQuality(
        "c", validation=_summary(True), pii=scan_table(pa.table({"x": ["a@b.vn"]}), dataset="c")
    )
    failed = DatasetQuality("d", validation=_summary(False))
    summary = gate_summary([ok, held, blocked, failed])
    assert summary["passed"] == 1 and summary["failed"] == ["b", "c", "d"]
    assert summary["per_dataset"]["b"]["row_count_guard"] == "held"
    assert summary["per_dataset"]["c"]["pii_findings"] == 1
