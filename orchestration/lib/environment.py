"""Where things live, from the environment (prefix HUE_), with defaults under the repository's data/.

Read when called, never at import: tests and the nightly runner set the variables before building
resources, and a module that read them at import would need reloading.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations" / "suites"

DEFAULTS = {
    "HUE_DATA_DIR": "data",
    "HUE_LAKE_DIR": "data/lake",
    "HUE_WAREHOUSE_PATH": "data/warehouse.duckdb",
    "HUE_PORTAL_DIR": "data/portal",
    "HUE_QUALITY_DIR": "data/quality",
    "HUE_ONE_STOP_DB_URL": "sqlite:///data/sandbox/one_stop.sqlite",
}


def setting(name: str) -> str:
    """A setting's value: the environment's, else the default (relative paths resolve against the repo)."""
    value = os.environ.get(name) or DEFAULTS[name]
    if name.endswith(("_DIR", "_PATH")):
        return str(resolve_path(value))
    return resolve_sqlite_url(value)


def resolve_sqlite_url(url: str) -> str:
    """A relative SQLite URL (``sqlite:///data/x.sqlite``) made absolute against the repository."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return "sqlite:///" + str(resolve_path(url.removeprefix("sqlite:///")))
    return url


def resolve_path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else REPO_ROOT / path


def export_defaults() -> dict[str, str]:
    """Put every path setting into the environment as an absolute path, for child processes such as dbt."""
    resolved = {name: setting(name) for name in DEFAULTS}
    os.environ.update(resolved)
    return resolved


@contextlib.contextmanager
def temporary_environment(values: Mapping[str, str]) -> Iterator[None]:
    """``values`` set in ``os.environ`` for the block, the previous values (or their absence) restored
    after: for in-process dbt and Dagster runs that read their configuration from the environment."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
