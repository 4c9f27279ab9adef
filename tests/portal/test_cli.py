"""``python -m portal.server`` starts a real server on 127.0.0.1 over a store folder."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from portal.store import PortalStore
from tests.portal.conftest import fill

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_module_entry_point_serves_the_store(tmp_path):
    store = fill(PortalStore(tmp_path / "portal"))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "portal.server", "--root", str(store.root), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/api/datasets", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "portal server did not start"
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()["totalRows"] == 2
        page = requests.get(f"http://127.0.0.1:{port}/datasets/co-so-luu-tru-du-lich", timeout=5)
        assert "Khách sạn Hương Giang" in page.text
    finally:
        process.terminate()
        process.wait(timeout=10)
