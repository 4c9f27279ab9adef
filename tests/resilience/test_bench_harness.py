"""The benchmark harness's own pieces: per-child measurement, Vietnamese numbers, the marked doc section."""

from __future__ import annotations

from benchmarks.measure import median, run_measured
from benchmarks.render import END, START, render, vn_number


def test_a_child_is_measured_with_its_output_logged(tmp_path):
    source = tmp_path / "in.json"
    source.write_text('{"tỉnh": "Huế"}', encoding="utf-8")
    measured = run_measured(["json.tool", str(source)], {}, tmp_path / "child.log")
    assert measured.returncode == 0
    assert measured.seconds > 0 and measured.peak_rss_mib > 1
    assert (
        "tỉnh" in (tmp_path / "child.log").read_text(encoding="utf-8")
        or "\\u1ec9" in (tmp_path / "child.log").read_text()
    )


def test_a_child_that_fails_reports_its_exit_code(tmp_path):
    measured = run_measured(["json.tool", str(tmp_path / "missing.json")], {}, tmp_path / "child.log")
    assert measured.returncode != 0


def test_median_ignores_missing_values():
    assert median([3.0, None, 1.0, 2.0]) == 2.0
    assert median([None]) is None


def test_numbers_are_written_the_vietnamese_way():
    assert vn_number(106071.0) == "106.071"
    assert vn_number(0.64) == "0,64"
    assert vn_number(1234.5) == "1.234,5"
    assert vn_number(None) == "—"


def test_render_rewrites_only_the_marked_section(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\nhand figures\n\n{START}\nold table\n{END}\n\nafter\n", encoding="utf-8")
    results = tmp_path / "results"
    results.mkdir()
    render(results, doc)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nhand figures\n\n") and text.endswith(f"{END}\n\nafter\n")
    assert "old table" not in text and "No results yet." in text
