"""The morning summary reads right, in Vietnamese notation, and says failed when anything failed."""

from __future__ import annotations

from orchestration.summary import RunSummary, render


def test_render_lists_sources_checks_publications_and_outputs():
    summary = RunSummary(
        success=True,
        ingested={"one_stop/dossiers": {"rows": 106071, "quarantined": 12, "drift": ["column added: X"]}},
        checks=[
            ("rpt_dossier_kpis_monthly", "expectations", True),
            ("rpt_dossier_kpis_monthly", "pii_scan", False),
        ],
        published={"chi-so": {"published": True, "version": "v1", "rows": 48}},
        step_seconds={"one_stop_ingest": 3.5, "warehouse_dbt_assets": 20.25},
    )
    text = render(summary, {"portal store": "/data/portal"})
    assert "106.071" in text and "12" in text and "column added: X" in text
    assert "1 passed, 1 failed, 0 warnings" in text and "FAILED rpt_dossier_kpis_monthly:pii_scan" in text
    assert "chi-so: new version v1, 48 rows" in text
    assert text.index("warehouse_dbt_assets") < text.index("one_stop_ingest")  # slowest first
    assert "/data/portal" in text
    assert not summary.ok and "THẤT BẠI" in text


def test_ok_needs_success_and_no_failed_check_or_step():
    assert RunSummary(success=True).ok
    assert not RunSummary(success=False).ok
    assert not RunSummary(success=True, failed_steps=["x"]).ok


def test_reconciliation_in_vietnamese_notation():
    from orchestration.summary import render_reconciliation

    rows = [
        {
            "report": "q3_2024",
            "level": "all",
            "metric": "received",
            "published_value": 106071,
            "recomputed_value": 106071,
            "status": "match",
        },
        {
            "report": "q3_2024",
            "level": "district",
            "metric": "on_time_rate",
            "published_value": 96.29,
            "recomputed_value": 91.08,
            "status": "differs",
        },
    ]
    text = render_reconciliation(rows)
    assert "106.071" in text and "96,29" in text and "91,08" in text
    assert "1/2 published figures reproduced exactly" in text
    assert render_reconciliation([]) == ""


def test_a_catalogue_of_hundreds_of_tables_is_one_line_plus_the_tables_worth_a_look():
    ingested = {f"digitization/t{i:03d}": {"rows": 10, "quarantined": 0, "drift": []} for i in range(597)}
    ingested["digitization/t005"] = {"rows": 10, "quarantined": 3, "drift": []}
    text = render(RunSummary(success=True, ingested=ingested), {})
    assert "digitization (597 tables)" in text and "5.970" in text
    assert "digitization/t005" in text and "digitization/t006" not in text


def test_dozens_of_publications_are_counted_and_the_kpi_datasets_listed():
    published = {f"open-table-{i:02d}": {"published": True, "version": "v1", "rows": 100} for i in range(43)}
    published["open-table-07"] = {"published": False, "reason": "unchanged", "rows": 100}
    published["chi-so-giai-quyet-ho-so-theo-thang"] = {"published": True, "version": "v2", "rows": 120}
    text = render(
        RunSummary(success=True, published=published), {}, highlight={"chi-so-giai-quyet-ho-so-theo-thang"}
    )
    assert "44 datasets: 43 new versions, 1 unchanged, 4.420 rows" in text
    assert "chi-so-giai-quyet-ho-so-theo-thang: new version v2, 120 rows" in text
    assert "open-table-01" not in text
