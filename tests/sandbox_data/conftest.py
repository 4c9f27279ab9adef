"""Fixtures: one tiny one-stop database per test session (built once, read by several tests)."""

from __future__ import annotations

import pathlib

import pytest

from sandbox.one_stop.generate import build_database
from sandbox.scenario import Scenario


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, int]]:
    path: pathlib.Path = tmp_path_factory.mktemp("one_stop_tiny") / "one_stop.sqlite"
    url = f"sqlite:///{path}"
    return url, build_database(url, Scenario.named("tiny"))
