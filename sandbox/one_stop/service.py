"""The sandbox one-stop system (hệ thống một cửa) as a sandbox service: prepare its database, serve its API.

``prepare`` builds ``<data_dir>/one_stop.sqlite`` with the data generator, once per scenario: a marker
file records the scenario (and the generator's generation) the database was built for, and a rebuild
happens only when either differs. The
database is built under a temporary name and renamed into place, so an interrupted build never leaves a
half-filled database that a later run would take for finished.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from sandbox.faults import FaultInjector
from sandbox.scenario import Scenario

DB_FILE = "one_stop.sqlite"
MARKER_FILE = "one_stop.scenario.json"
# Sandbox-only credentials: the real ones come from HUE_ONE_STOP_API_USER / _PASSWORD in production.
SANDBOX_USER = "hue-sandbox"
SANDBOX_PASSWORD = "mot-cua-sandbox"
# Generation of the database layout and generator: a database built by an earlier one (e.g. without the
# procedure history, thu_tuc_muc_do_dvc) is rebuilt rather than served as if it were current.
GENERATION = 2


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILE


def db_url(data_dir: Path) -> str:
    return f"sqlite:///{db_path(data_dir)}"


def read_marker(data_dir: Path) -> dict[str, Any] | None:
    """The marker of the database in ``data_dir``; None when there is none or it is unreadable."""
    path = Path(data_dir) / MARKER_FILE
    try:
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def is_prepared(data_dir: Path, scenario: Scenario) -> bool:
    marker = read_marker(data_dir)
    return (
        marker is not None
        and marker.get("scenario") == scenario.to_dict()
        and marker.get("generation", 1) == GENERATION
        and db_path(data_dir).exists()
    )


def write_marker(data_dir: Path, scenario: Scenario, counts: dict[str, int], seconds: float) -> None:
    """Record that ``data_dir`` holds the database of ``scenario`` (atomically: temp file, then rename)."""
    path = Path(data_dir) / MARKER_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {
                "scenario": scenario.to_dict(),
                "generation": GENERATION,
                "counts": counts,
                "seconds": round(seconds, 2),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    os.replace(tmp, path)


def prepare(data_dir: Path, scenario: Scenario) -> None:
    """Build the one-stop database for ``scenario`` unless ``data_dir`` already holds it."""
    data_dir = Path(data_dir)
    if is_prepared(data_dir, scenario):
        return
    from sandbox.one_stop.generate import build_database  # lazy: the generator is heavy, serving is not

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER_FILE).unlink(missing_ok=True)
    target = db_path(data_dir)
    building = target.with_name(target.name + ".building")
    building.unlink(missing_ok=True)
    started = time.perf_counter()
    counts = build_database(f"sqlite:///{building}", scenario)
    os.replace(building, target)
    write_marker(data_dir, scenario, dict(counts or {}), time.perf_counter() - started)


def create_app(data_dir: Path, scenario: Scenario, faults: FaultInjector) -> Any:
    """The one-stop HTTP API over the prepared database, with ``faults`` installed."""
    from sandbox.one_stop.api import create_api

    path = db_path(data_dir)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run prepare() (python -m sandbox generate) first")
    return create_api(db_url(data_dir), faults, username=SANDBOX_USER, password=SANDBOX_PASSWORD)


def endpoint_env(base_url: str, data_dir: Path) -> dict[str, str]:
    """HUE_* variables pointing the one-stop connectors at this sandbox (SQL replica and HTTP API)."""
    return {
        "HUE_ONE_STOP_DB_URL": db_url(Path(data_dir).resolve()),
        "HUE_ONE_STOP_API_URL": base_url.rstrip("/") + "/api",
        "HUE_ONE_STOP_API_USER": SANDBOX_USER,
        "HUE_ONE_STOP_API_PASSWORD": SANDBOX_PASSWORD,
    }
