"""The Dagster asset publishes the report to a portal store; the portal serves it; a real browser reads it.

One published store is shared by the tests (session fixture): the asset runs twice (the second run
publishes nothing), then Debian Chromium, driven by Playwright, opens the dataset page on a live portal
server, follows the report link and takes the screenshot kept in tests/artifacts/quarterly_report.png.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import requests

from portal.server import create_app
from portal.store import PortalStore
from reports.publication import SLUG
from tests.portal.conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _materialize(warehouse: Path, portal_root: Path) -> dict:
    from orchestration.defs.publish.report import quarterly_report
    from orchestration.resources import PortalResource, WarehouseResource

    result = dg.materialize(
        [quarterly_report],
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "portal": PortalResource(root=str(portal_root)),
        },
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    assert event.asset_key == dg.AssetKey(["portal", "quarterly_report"])
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.fixture(scope="session")
def published(full_warehouse_path: Path, tmp_path_factory) -> tuple[PortalStore, list[dict]]:
    store = PortalStore(tmp_path_factory.mktemp("report-portal") / "portal")
    runs = [_materialize(full_warehouse_path, store.root) for _ in range(2)]
    return store, runs


def test_asset_publishes_the_report_with_its_kpi_table_once(published):
    store, (first, second) = published
    assert first["published"] and first["reason"] == "first version" and first["slug"] == SLUG
    assert first["period"] == "2024-Q3" and first["rows"] == 4
    assert first["sections_without_data"] == "none"
    # nothing changed in the warehouse: the second night publishes nothing, though its PDF bytes differ
    assert not second["published"] and second["reason"] == "unchanged"
    info = store.current(SLUG)
    assert info.version == first["version"]
    html_path, html_entry = store.snapshot().document_path(SLUG, info.version, "html")
    assert "106.071" in html_path.read_text(encoding="utf-8")
    assert html_entry["media_type"].startswith("text/html")
    table = store.read(SLUG)
    rows = {row["level"]: row for row in table.to_pylist()}
    assert [rows[level]["received"] for level in ("province", "district", "commune", "all")] == [
        24836,
        34012,
        47223,
        106071,
    ]
    assert rows["all"]["online_rate"] == pytest.approx(64.89)
    if CHROMIUM.exists():
        assert first["pdf"] == "rendered"
        pdf_path, _ = store.snapshot().document_path(SLUG, info.version, "pdf")
        assert pdf_path.read_bytes().startswith(b"%PDF-") and pdf_path.stat().st_size > 20_000
    else:
        assert "Chromium is not installed" in first["pdf"] and "pdf" not in info.documents


@pytest.fixture(scope="module")
def portal(published):
    store, _ = published
    with LiveServer(create_app(store.root)) as server:
        yield server


def test_portal_lists_and_serves_the_documents(portal, published):
    store, _ = published
    version = store.current(SLUG).version
    page = requests.get(f"{portal.url}/datasets/{SLUG}", timeout=10)
    assert page.status_code == 200 and 'data-document="html"' in page.text
    report = requests.get(f"{portal.url}/datasets/{SLUG}/versions/{version}/documents/html", timeout=10)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert report.headers["content-disposition"].startswith("inline")
    assert "Báo cáo Quý III/2024" in report.text
    for bad in ("docx", "..", "HTML"):
        response = requests.get(
            f"{portal.url}/datasets/{SLUG}/versions/{version}/documents/{bad}", timeout=10
        )
        assert response.status_code in (400, 404)
    missing = requests.get(
        f"{portal.url}/datasets/{SLUG}/versions/2020-01-01T00-00-00Z/documents/html", timeout=10
    )
    assert missing.status_code == 404


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install -y chromium)"
)
def test_report_in_a_real_browser_offline(portal):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        outside: list[str] = []
        failed: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(portal.url) else outside.append(r.url))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(f"{portal.url}/datasets/{SLUG}")
        page.click(".documents a[data-document=html]")
        page.wait_for_selector("#kpi-table")
        assert page.title().startswith("Báo cáo Quý III/2024")

        height = page.evaluate("document.documentElement.scrollHeight")
        assert height > 3000  # five sections, six charts, three tables: not a blank or error page
        charts = page.locator("svg.chart")
        assert charts.count() == 6  # online share, on-time rate, four Decision 766 levels
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 500 and box["height"] > 80
        assert page.locator("svg.line-chart polyline").count() >= 4
        assert page.locator("svg.bar-chart rect.bar").count() == 4
        assert page.locator("svg.stacked-bar-chart rect.segment").count() > 100
        # the fonts the page asks for are the system's: DejaVu Sans renders Vietnamese without fallback boxes
        assert "DejaVu Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")
        kpi_total = page.locator("#kpi-table tr.total").inner_text()
        assert "106.071" in kpi_total and "64,89 %" in kpi_total
        assert page.locator("#index-766-missing").count() == 0

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "quarterly_report.png"), full_page=True)
        assert (ARTIFACTS / "quarterly_report.png").stat().st_size > 100_000
        assert outside == [] and failed == []
        browser.close()


def test_a_warehouse_without_any_reporting_period_publishes_nothing_and_does_not_fail(tmp_path: Path):
    import duckdb

    from tests.reports.warehouse import KPI_COLUMNS

    path = tmp_path / "fresh.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute("create schema marts")
    connection.execute(f"create table marts.rpt_dossier_kpis ({KPI_COLUMNS})")
    connection.execute(
        "create table marts.rpt_dossier_kpis_monthly (period_start date, level varchar, online_rate decimal(5,2))"
    )
    connection.execute(
        "create table marts.rpt_reconciliation (report varchar, period_start date, period_end date, level varchar, "
        "metric varchar, published_value decimal(18,2), recomputed_value decimal(18,2), difference decimal(19,2), "
        "status varchar, source varchar)"
    )
    connection.close()
    metadata = _materialize(path, tmp_path / "portal")
    assert metadata["published"] is False and "no official reporting period" in metadata["reason"]
    assert PortalStore(tmp_path / "portal").datasets() == []
