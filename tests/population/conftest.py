"""Fixtures for the population service: one sandbox server for the module's tests, connectors pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox import people
from sandbox.faults import FaultInjector
from sandbox.runtime import SandboxEndpoints, running_sandbox
from sandbox.scenario import Scenario
from sources.common.http import RetryPolicy
from sources.population import ApplicantVerifier, AuditWriter, PopulationStatisticsClient

SEED = 46
PSEUDONYM_KEY = "khoa-bi-danh-thu-nghiem-0123456789abcdef"
FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=2.0, timeout=10.0)


@pytest.fixture(scope="session")
def population_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxEndpoints]:
    """The sandbox population service (tiny scenario) on a free 127.0.0.1 port, stopped after the session."""
    data_dir = tmp_path_factory.mktemp("population-sandbox")
    with running_sandbox(data_dir, Scenario.named("tiny", seed=SEED), ("population",)) as endpoints:
        yield endpoints


@pytest.fixture
def sandbox(population_sandbox: SandboxEndpoints) -> Iterator[SandboxEndpoints]:
    """The running sandbox with faults off and default limits before and after the test."""
    _reset(population_sandbox)
    yield population_sandbox
    _reset(population_sandbox)


def _reset(endpoints: SandboxEndpoints) -> None:
    endpoints.faults["population"].reset()
    url = endpoints.urls["population"]
    requests.post(
        f"{url}/_sandbox/population/limits", json={"requests_per_second": 200, "burst": 200}, timeout=5
    )


@pytest.fixture
def injector(sandbox: SandboxEndpoints) -> FaultInjector:
    return sandbox.faults["population"]


def server_stats(endpoints: SandboxEndpoints) -> dict[str, int]:
    return requests.get(f"{endpoints.urls['population']}/_sandbox/population/stats", timeout=5).json()


@pytest.fixture
def make_verifier(sandbox: SandboxEndpoints, tmp_path: Path) -> Iterator[Callable[..., ApplicantVerifier]]:
    """Build verifiers from the sandbox's HUE_LGSP_* variables, as the orchestration layer will."""
    made: list[ApplicantVerifier] = []

    def make(**overrides: Any) -> ApplicantVerifier:
        env = sandbox.env
        kwargs: dict[str, Any] = {
            "access_key": env["HUE_LGSP_ACCESS_KEY"],
            "secret_key": env["HUE_LGSP_SECRET_KEY"],
            "integration_code": env["HUE_LGSP_INTEGRATION_CODE"],
            "officers": {env["HUE_LGSP_OFFICER_CODE"]: env["HUE_LGSP_OFFICER_PASSWORD"]},
            "pseudonym_key": PSEUDONYM_KEY,
            "audit": AuditWriter(tmp_path / "audit"),
            "policy": FAST,
        }
        kwargs.update(overrides)
        verifier = ApplicantVerifier(env["HUE_LGSP_URL"], **kwargs)
        made.append(verifier)
        return verifier

    yield make
    for verifier in made:
        verifier.close()


@pytest.fixture
def make_statistics(sandbox: SandboxEndpoints) -> Iterator[Callable[..., PopulationStatisticsClient]]:
    made: list[PopulationStatisticsClient] = []

    def make(**overrides: Any) -> PopulationStatisticsClient:
        env = sandbox.env
        kwargs: dict[str, Any] = {
            "access_key": env["HUE_LGSP_ACCESS_KEY"],
            "secret_key": env["HUE_LGSP_SECRET_KEY"],
            "policy": FAST,
        }
        kwargs.update(overrides)
        client = PopulationStatisticsClient(env["HUE_LGSP_URL"], **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def applicant(index: int, *, by: str = "SoDinhDanh", birth: bool = True, officer: str | None = None) -> dict:
    """A one-stop applicant row for person ``index`` as the one-stop system would declare it."""
    p = people.person(SEED, index)
    row = {
        "MaHoSo": f"000.00.14.H57-241115-{index:04d}",
        "HoVaTen": p.full_name,
        "NgayThangNamSinh": p.birth_date.isoformat() if birth else None,
        "MucDich": "Xác minh thông tin chủ hồ sơ",
        "MaDVC": "1.001612",
        "MaCanBo": officer,
    }
    if by == "SoCMND":
        row["SoCMND"] = p.old_id_card
    else:
        row["SoDinhDanh"] = p.personal_id
    return row


def indices_with(
    outcome: str, count: int, *, start: int = 0, where: Callable[[people.Person], bool] | None = None
):
    """The first ``count`` person indices whose lookup outcome is ``outcome`` (and satisfy ``where``)."""
    found = []
    index = start
    size = people.population_size(Scenario.named("tiny"))
    while len(found) < count and index < size:
        if people.lookup_outcome(SEED, index) == outcome and (
            where is None or where(people.person(SEED, index))
        ):
            found.append(index)
        index += 1
    assert len(found) == count, f"tiny population has fewer than {count} '{outcome}' people"
    return found
