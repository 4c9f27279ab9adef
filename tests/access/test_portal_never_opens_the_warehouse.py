"""On DuckDB, the published and the internal files are separate: the portal server, a separate process
that serves ``data/portal``, never opens the warehouse file ``data/warehouse.duckdb`` beside it.

The real ``python -m portal.server`` runs over a filled store next to a real DuckDB warehouse file; while it
serves every kind of page, its open files (/proc/<pid>/fd) are sampled after each request.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import requests

from portal.store import PortalStore
from tests.portal.conftest import fill
from tests.support.postgres import free_port

REPO = Path(__file__).resolve().parents[2]
PAGES = [
    "/",
    "/catalog.rdf",
    "/catalog.ttl",
    "/catalog.jsonld",
    "/api/datasets",
    "/api/3/action/package_list",
    "/api/3/action/package_search",
]

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")


def open_files(pid: int) -> set[str]:
    files = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            files.add(os.readlink(fd))
        except OSError:
            continue  # closed between listing and reading
    return files


def test_portal_server_serves_pages_without_opening_the_warehouse(tmp_path):
    data = tmp_path / "data"
    store = fill(PortalStore(data / "portal"))
    warehouse = data / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema marts; create table marts.rpt_dossier_kpis_monthly as select 1 as received")
    con.close()

    port = free_port()
    env = {**os.environ, "HUE_WAREHOUSE_PATH": str(warehouse), "HUE_PORTAL_DIR": str(store.root)}
    server = subprocess.Popen(
        [sys.executable, "-m", "portal.server", "--root", str(store.root), "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/", timeout=5)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stderr.read().decode(errors="replace")[-2000:]) from None
                time.sleep(0.2)
        slugs = [d["slug"] for d in requests.get(base + "/api/datasets", timeout=10).json()["data"]]
        assert slugs
        pages = PAGES + [f"/datasets/{s}" for s in slugs]
        pages += [
            f"/datasets/{s}/download/{fmt}" for s in slugs for fmt in ("csv", "json", "parquet", "xlsx")
        ]
        seen: set[str] = set()
        for page in pages:
            response = requests.get(base + page, timeout=30)
            assert response.status_code == 200, page
            seen |= open_files(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert any(path.startswith("socket:") for path in seen)  # the sampling saw a live server
    assert not [
        path for path in seen if path.endswith((".duckdb", ".duckdb.wal")) or path.startswith(str(warehouse))
    ]
