"""The sandbox population service (LGSP → CSDL quốc gia về dân cư) per the sandbox contract.

``prepare`` writes, under ``<data_dir>/population/``, the identifier index of the scenario's people (once
per scenario, marker file ``scenario.json``) and the gateway credentials (``credentials.json``: random
access/secret keys, the integration code and a few officers with their passwords, created once and kept,
so a restarted sandbox accepts the same credentials). ``endpoint_env`` hands those to a connector as the
``HUE_LGSP_*`` variables.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from sandbox.faults import FaultInjector
from sandbox.scenario import Scenario

SUBDIR = "population"
INDEX_FILE = "citizens.sqlite"
MARKER_FILE = "scenario.json"
CREDENTIALS_FILE = "credentials.json"
INTEGRATION_CODE = "H57-LGSP-DANCU"  # MaTichHop of the sandbox province
OFFICERS = ("CB046000001", "CB046000002", "CB046000003")


def system_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SUBDIR


def prepare(data_dir: Path, scenario: Scenario) -> None:
    """Build the identifier index and credentials for ``scenario`` unless already there."""
    from sandbox.population.registry import build_index

    folder = system_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _ensure_credentials(folder / CREDENTIALS_FILE)
    marker = folder / MARKER_FILE
    index = folder / INDEX_FILE
    if index.exists() and marker.exists() and json.loads(marker.read_text("utf-8")) == scenario.to_dict():
        return
    marker.unlink(missing_ok=True)  # the marker is written last: its presence means the index is complete
    build_index(index, scenario)
    _write_atomic(marker, json.dumps(scenario.to_dict()))


def create_app(data_dir: Path, scenario: Scenario, faults: FaultInjector) -> Any:
    """The gateway + register app over the prepared data, with ``faults`` installed."""
    from sandbox.population.api import create_api

    folder = system_dir(data_dir)
    marker = folder / MARKER_FILE
    if not marker.exists() or json.loads(marker.read_text("utf-8")) != scenario.to_dict():
        raise FileNotFoundError(f"{folder} is not prepared for scenario {scenario.key}: run prepare() first")
    credentials = json.loads((folder / CREDENTIALS_FILE).read_text("utf-8"))
    return create_api(folder / INDEX_FILE, scenario, faults, credentials)


def endpoint_env(base_url: str, data_dir: Path) -> dict[str, str]:
    """The ``HUE_LGSP_*`` variables that point the population connector at this sandbox."""
    credentials = json.loads((system_dir(data_dir) / CREDENTIALS_FILE).read_text("utf-8"))
    officer = OFFICERS[0]
    return {
        "HUE_LGSP_URL": base_url.rstrip("/"),
        "HUE_LGSP_ACCESS_KEY": credentials["access_key"],
        "HUE_LGSP_SECRET_KEY": credentials["secret_key"],
        "HUE_LGSP_INTEGRATION_CODE": credentials["integration_code"],
        "HUE_LGSP_OFFICER_CODE": officer,
        "HUE_LGSP_OFFICER_PASSWORD": credentials["officers"][officer],
    }


def _ensure_credentials(path: Path) -> None:
    if path.exists():
        return
    credentials = {
        "access_key": "hue-sandbox-" + secrets.token_hex(8),
        "secret_key": secrets.token_urlsafe(24),
        "integration_code": INTEGRATION_CODE,
        "officers": {code: secrets.token_urlsafe(16) for code in OFFICERS},
    }
    _write_atomic(path, json.dumps(credentials, indent=2), mode=0o600)


def _write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
