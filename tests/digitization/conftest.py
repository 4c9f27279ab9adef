"""Fixtures for the digitisation platform tests: a prepared sandbox store and a live server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.digitization import service
from sandbox.faults import FaultInjector
from sandbox.runtime import ServerHandle, serve_app
from sandbox.scenario import Scenario
from sources.common.http import RetryPolicy
from sources.digitization import DigitizationConnector

# 40 tables are enough to hold every template kind (per district, per year, none) and a big-data set.
SCENARIO = Scenario.named("tiny", tables=40)
FAST_RETRIES = RetryPolicy(max_attempts=6, base_delay=0.005, max_delay=0.05, timeout=10)


@dataclass
class Platform:
    url: str
    token: str
    faults: FaultInjector
    data_dir: Path
    scenario: Scenario
    handle: ServerHandle

    def connector(self, **kwargs) -> DigitizationConnector:
        kwargs.setdefault("policy", FAST_RETRIES)
        return DigitizationConnector(self.url, self.token, **kwargs)


def start_platform(data_dir: Path, scenario: Scenario) -> Platform:
    service.prepare(data_dir, scenario)
    faults = FaultInjector()
    handle = serve_app(service.create_app(data_dir, scenario, faults), "digitization-test")
    env = service.endpoint_env(handle.url, data_dir)
    return Platform(
        env["HUE_DIGITIZATION_URL"], env["HUE_DIGITIZATION_TOKEN"], faults, data_dir, scenario, handle
    )


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """A read-only platform shared by the tests (never advanced: tests that move time start their own)."""
    p = start_platform(tmp_path_factory.mktemp("digitization"), SCENARIO)
    try:
        yield p
    finally:
        p.handle.stop()


@pytest.fixture
def live(platform: Platform) -> Iterator[Platform]:
    """The shared platform with its faults switched off before and after the test."""
    platform.faults.reset()
    yield platform
    platform.faults.reset()


@pytest.fixture
def fresh_platform(tmp_path: Path) -> Iterator[Platform]:
    """A platform of its own (12 tables), for tests that advance the platform's clock."""
    p = start_platform(tmp_path, Scenario.named("tiny", tables=12))
    try:
        yield p
    finally:
        p.handle.stop()
