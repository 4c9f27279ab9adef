"""The Dagster UI in a real headless Chromium: the asset graph shows every group, and a search for the
published KPI dataset finds it and the gate checks of the table it publishes.

The webserver runs exactly as ``make ui`` starts it (``workspace.yaml``, bound to 127.0.0.1) on a free
port with a throwaway DAGSTER_HOME, so the developer's instance is never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SLUG = "chi-so-giai-quyet-ho-so-theo-thang"
GROUPS = (
    "ingest_one_stop",
    "ingest_digitization",
    "ingest_population",
    "backfill_one_stop",
    "staging_one_stop",
    "staging_digitization",
    "marts_core",
    "marts_public_service",
    "publish",
)
STARTUP_SECONDS = 180  # generous: a loaded CI machine; about 15 s of CPU when idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install -y chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(REPO / "orchestration" / "instance" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    log = open(home / "webserver.log", "w")  # noqa: SIM115 (closed below, after the server)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-webserver")),
            *("-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"),
        ],
        cwd=REPO,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its code server child goes down with it
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                if requests.get(f"{url}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("dagster-webserver did not start:\n" + (home / "webserver.log").read_text())
            time.sleep(0.25)  # polling the port, not waiting for a guess
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def page(dagster_ui):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def _dismiss_welcome(page) -> None:
    # A fresh instance greets with a newsletter dialog over the graph; it must not hide what we test.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.get_by_role("button", name="Skip").click(timeout=5_000)


def test_asset_graph_shows_every_group_and_finds_the_published_kpi_with_checks(dagster_ui, page):
    page.goto(f"{dagster_ui}/asset-groups")
    sidebar = page.get_by_text("staging_one_stop").first
    sidebar.wait_for()
    _dismiss_welcome(page)
    body = page.inner_text("body")
    missing = [group for group in GROUPS if group not in body]
    assert not missing, f"groups missing from the asset graph: {missing}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dagster_ui.png"))

    page.get_by_text("Search", exact=True).first.click()
    page.keyboard.type(SLUG)
    page.get_by_text(f"portal / {SLUG}").first.wait_for()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/assets/portal/{SLUG}**")
    page.get_by_text("Upstream assets").wait_for()
    assert "publish" in page.inner_text("body")
    page.get_by_role("link", name="rpt_dossier_kpis_monthly").first.click()
    page.wait_for_url("**/assets/rpt_dossier_kpis_monthly**")
    page.get_by_text("Checks", exact=True).first.click()
    page.get_by_text("Checks (3)").wait_for()
    for name in ("expectations", "pii_scan", "row_count_guard"):
        # the list renders its rows one by one: wait for each rather than reading the page once
        page.get_by_text(name, exact=True).first.wait_for(timeout=30_000)
    checks = page.inner_text("body")
    assert "This is a blocking asset check." in checks
