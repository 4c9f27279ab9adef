"""Fixtures: one running one-stop sandbox per module, over a database the tests fill themselves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from sandbox.runtime import SandboxEndpoints, running_sandbox
from sandbox.scenario import Scenario

from .onestop_db import prepared_data_dir

SCENARIO = Scenario.named("tiny", seed=46)
DOSSIERS = 240


@dataclass
class OneStopClient:
    """A plain requests client of the one-stop API, as a connector would use it."""

    endpoints: SandboxEndpoints
    http: requests.Session

    @property
    def api(self) -> str:
        return self.endpoints.env["HUE_ONE_STOP_API_URL"]

    @property
    def faults(self):
        return self.endpoints.faults["one_stop"]

    def token(self, **override) -> dict:
        form = {
            "username": self.endpoints.env["HUE_ONE_STOP_API_USER"],
            "password": self.endpoints.env["HUE_ONE_STOP_API_PASSWORD"],
            **override,
        }
        return self.http.post(f"{self.api}/token", data=form, timeout=10).json()

    def session(self) -> str:
        answer = self.token()
        assert answer["error_code"] == 0, answer
        return answer["session"]

    def post(self, body: dict, timeout: float = 10) -> requests.Response:
        return self.http.post(f"{self.api}/service", json=body, timeout=timeout)

    def call(self, service: str, session: str | None = None, **params) -> dict:
        response = self.post({"session": session or self.session(), "service": service, **params})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def one_stop(tmp_path_factory) -> Iterator[OneStopClient]:
    data_dir = prepared_data_dir(tmp_path_factory.mktemp("one_stop"), SCENARIO, DOSSIERS)
    with (
        running_sandbox(data_dir, SCENARIO, ("one_stop",), ready_timeout=20) as endpoints,
        requests.Session() as http,
    ):
        yield OneStopClient(endpoints, http)


@pytest.fixture
def client(one_stop: OneStopClient) -> Iterator[OneStopClient]:
    """The module's server with every fault off before and after the test."""
    one_stop.faults.reset()
    yield one_stop
    one_stop.faults.reset()
