"""run_gate end to end on a DuckDB file: suite + PII scan + row-count guard + result files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from expectations.gate import run_gate
from expectations.pii import load_allowlist

from .kpi_data import KPI_SUITE, REPO


def test_clean_kpi_dataset_passes_the_gate(kpi_db: Path, tmp_path: Path) -> None:
    quality = run_gate(
        "rpt_dossier_kpis_monthly",
        suite=KPI_SUITE,
        duckdb_path=kpi_db,
        table="rpt_dossier_kpis_monthly",
        results_dir=tmp_path / "results",
        allowlist=load_allowlist(REPO / "expectations" / "pii_allowlist.yml"),
        previous_rows=22,
        max_change_ratio=0.2,
    )
    assert quality.passed and not quality.pii.blocked and quality.guard.passed
    gate = json.loads(
        (tmp_path / "results" / "rpt_dossier_kpis_monthly.gate.json").read_text(encoding="utf-8")
    )
    assert gate["passed"] is True and gate["row_count_guard"]["change_ratio"] == round(2 / 22, 6)
    assert (tmp_path / "results" / "rpt_dossier_kpis_monthly.json").exists()


def test_personal_data_blocks_a_dataset_whose_suite_passes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create table phan_anh as select * from (values "
            "('PA-001', 'Đèn đường hỏng trên đường Lê Lợi'), "
            "('PA-002', 'Bà Nguyễn Thị Mai, SĐT 0905 123 456, phản ánh rác thải')) t(ma, noi_dung)"
        )
    suite = {
        "name": "phan_anh",
        "expectations": [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": "ma"}}],
    }
    quality = run_gate("phan_anh", suite=suite, duckdb_path=db, table="phan_anh", results_dir=tmp_path / "r")
    assert quality.validation.success and quality.pii.blocked and not quality.passed
    assert quality.pii.counts == {"noi_dung:person_name": 1, "noi_dung:phone": 1}
    written = (tmp_path / "r" / "phan_anh.gate.json").read_text(encoding="utf-8")
    assert "0905" not in written and "Nguyễn Thị Mai" not in written


def test_report_is_rebuilt_from_the_results_folder(kpi_db: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    results = tmp_path / "results"
    run_gate(
        "rpt_dossier_kpis_monthly",
        suite=KPI_SUITE,
        duckdb_path=kpi_db,
        table="rpt_dossier_kpis_monthly",
        results_dir=results,
        previous_rows=100,
        max_change_ratio=0.2,  # 24 rows after 100: held for review
    )
    out = tmp_path / "report" / "index.html"
    command = [sys.executable, "-m", "expectations.report", "--results", str(results), "--out", str(out)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 1  # the gate did not pass: the guard held it
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["failed"] == ["rpt_dossier_kpis_monthly"]
    assert summary["per_dataset"]["rpt_dossier_kpis_monthly"]["row_count_guard"] == "held"
    html = out.read_text(encoding="utf-8")
    assert "Giữ lại chờ duyệt" in html and "sum_equals" in html
