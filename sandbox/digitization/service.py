"""The sandbox digitisation platform (nền tảng số hóa dùng chung) per the sandbox contract.

``prepare`` writes, under ``<data_dir>/digitization/``, the table store for the scenario (marker file
``scenario.json``, written last so that its presence means the store is complete) and the API token
(``credentials.json``: random, created once and kept so a restarted sandbox accepts the same token).
``endpoint_env`` hands both to a connector as ``HUE_DIGITIZATION_URL`` / ``HUE_DIGITIZATION_TOKEN``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from sandbox.faults import FaultInjector, install_fault_middleware
from sandbox.scenario import Scenario

SUBDIR = "digitization"
MARKER_FILE = "scenario.json"
CREDENTIALS_FILE = "credentials.json"


def system_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SUBDIR


def prepare(data_dir: Path, scenario: Scenario) -> None:
    """Generate the platform's tables for ``scenario`` unless they are already there."""
    from sandbox.digitization import store
    from sandbox.digitization.catalogue import build_catalogue

    folder = system_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _ensure_credentials(folder / CREDENTIALS_FILE)
    marker = folder / MARKER_FILE
    if marker.exists() and store.db_path(folder).exists() and _marker(marker) == scenario.to_dict():
        return
    marker.unlink(missing_ok=True)
    store.db_path(folder).unlink(missing_ok=True)  # a half-written store from a crashed run is rebuilt
    # Generation is CPU-bound Python (≈10,000 rows per CPU-second; ~3M rows at province-year): use the cores.
    workers = min(4, os.cpu_count() or 1)
    store.fill(
        folder, build_catalogue(scenario.tables, scenario.seed), scenario.seed, scenario.name, workers=workers
    )
    _write_atomic(marker, json.dumps(scenario.to_dict()))


def create_app(data_dir: Path, scenario: Scenario, faults: FaultInjector) -> Any:
    """The platform's API over the prepared store, with ``faults`` installed."""
    from sandbox.digitization.api import create_api

    folder = system_dir(data_dir)
    marker = folder / MARKER_FILE
    if not marker.exists() or _marker(marker) != scenario.to_dict():
        raise FileNotFoundError(f"{folder} is not prepared for scenario {scenario.key}: run prepare() first")
    token = _credentials(folder)["token"]
    app = create_api(folder, scenario.seed, scenario.tables, token, faults, scenario.name)
    install_fault_middleware(app, faults)
    return app


def endpoint_env(base_url: str, data_dir: Path) -> dict[str, str]:
    """The ``HUE_DIGITIZATION_*`` variables that point the connector at this sandbox."""
    return {
        "HUE_DIGITIZATION_URL": base_url.rstrip("/"),
        "HUE_DIGITIZATION_TOKEN": _credentials(system_dir(data_dir))["token"],
    }


def _marker(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def _credentials(folder: Path) -> dict[str, str]:
    path = folder / CREDENTIALS_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run prepare() first")
    return json.loads(path.read_text("utf-8"))


def _ensure_credentials(path: Path) -> None:
    if not path.exists():
        _write_atomic(path, json.dumps({"token": "hue-sandbox-" + secrets.token_urlsafe(24)}))


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
