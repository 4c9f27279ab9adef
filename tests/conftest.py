"""Shared fixtures. Each test area keeps its own fixtures beside its tests; only truly shared ones live here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_crash_points(monkeypatch: pytest.MonkeyPatch) -> None:
    # A crash point left in the environment by a developer's shell must never kill the test process.
    monkeypatch.delenv("HUE_CRASH_AT", raising=False)


@pytest.fixture
def repo_root() -> Path:
    return REPO


def pytest_configure(config: pytest.Config) -> None:
    # Tests never touch the instance `make run` and `make ui` use; under pytest-xdist each worker gets its
    # own, because two processes on one SQLite event log would wait on each other's locks.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    home = REPO / "data" / "test_dagster_home" / worker
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
