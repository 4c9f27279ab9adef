"""The portal in a real browser: Debian chromium driven by Playwright, headless, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install -y chromium)"
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def test_catalogue_search_dataset_page_and_download(browser, portal_server, tmp_path):
    page = browser.new_page(accept_downloads=True, viewport={"width": 1200, "height": 900})
    external: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(portal_server.url) else external.append(r.url))
    page.goto(portal_server.url + "/")
    assert "Danh mục dữ liệu" in page.title()
    assert page.locator(".card.dataset").count() == 2

    page.fill("input[name=q]", "một cửa")
    page.click("form.search button")
    page.wait_for_load_state()
    assert page.locator(".card.dataset").count() == 1
    assert "Tìm thấy 1 / 2" in page.inner_text("#result-count")

    page.click("text=Hồ sơ thủ tục hành chính theo đơn vị")
    page.wait_for_selector("#preview")
    assert page.inner_text("#dataset-title") == "Hồ sơ thủ tục hành chính theo đơn vị"
    assert page.locator("#preview tbody tr").count() == 20
    assert page.locator("#versions tbody tr").count() == 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click(".downloads a[data-format=csv]")
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename == "ho-so-mot-cua-theo-don-vi-2026-11-24T01-00-00Z.csv"
    text = target.read_text(encoding="utf-8")
    assert text.startswith('"ma_don_vi"') and "Phường Thuận Hóa" in text
    assert external == []  # no CDN, fonts or trackers
    page.close()
