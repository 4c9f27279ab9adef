"""Each transport fault knob, observed from a real HTTP client against a running server."""

from __future__ import annotations

import time

import pytest
import requests

from sandbox.faults import Faults
from sources.common.http import RetryingSession, RetryPolicy


def health(client) -> requests.Response:
    return client.http.get(client.endpoints.urls["one_stop"] + "/_sandbox/health", timeout=5)


def set_faults(client, **knobs) -> dict:
    """Switch faults over HTTP, as a test driving a separate sandbox process would."""
    response = client.http.post(client.endpoints.urls["one_stop"] + "/_sandbox/faults", json=knobs, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def test_faults_api_sets_reads_and_clears(client):
    answer = set_faults(client, rate_limit_every=3, schema_drift="add_column")
    assert answer["faults"]["rate_limit_every"] == 3
    assert client.faults.faults == Faults(rate_limit_every=3, schema_drift="add_column")
    current = client.http.get(client.endpoints.urls["one_stop"] + "/_sandbox/faults", timeout=5).json()
    assert current["faults"]["schema_drift"] == "add_column"
    assert (
        client.http.delete(client.endpoints.urls["one_stop"] + "/_sandbox/faults", timeout=5).status_code
        == 200
    )
    assert client.faults.faults == Faults()


@pytest.mark.parametrize("body", [{"rate_limit_evry": 2}, {"timeout_every": -1}, "[1]"])
def test_faults_api_rejects_bad_knobs_and_keeps_the_old_ones(client, body):
    set_faults(client, error_5xx_every=4)
    url = client.endpoints.urls["one_stop"] + "/_sandbox/faults"
    response = (
        client.http.post(url, json=body, timeout=5)
        if isinstance(body, dict)
        else client.http.post(url, data=body, timeout=5)
    )
    assert response.status_code == 400
    assert "invalid faults" in response.json()["error"]
    assert client.faults.faults == Faults(error_5xx_every=4)


def test_rate_limit_every_nth_request_with_retry_after(client):
    set_faults(client, rate_limit_every=3, retry_after_s=0.25)
    statuses = []
    for _ in range(6):
        response = client.http.post(f"{client.api}/token", data={"username": "x", "password": "y"}, timeout=5)
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.headers["Retry-After"] == "0.25"
    assert statuses == [200, 200, 429, 200, 200, 429]


def test_error_5xx_every_nth_request(client):
    set_faults(client, error_5xx_every=2)
    statuses = [client.http.post(f"{client.api}/token", data={}, timeout=5).status_code for _ in range(4)]
    assert statuses == [200, 503, 200, 503]


def test_latency_slows_every_request_but_not_sandbox_routes(client):
    set_faults(client, latency_ms=300)
    started = time.perf_counter()
    client.http.post(f"{client.api}/token", data={}, timeout=5)
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    assert health(client).status_code == 200
    assert time.perf_counter() - started < 0.3


def test_timeout_hangs_the_nth_request_past_the_client_timeout(client):
    set_faults(client, timeout_every=2, timeout_s=1.0)
    assert client.http.post(f"{client.api}/token", data={}, timeout=5).status_code == 200
    started = time.perf_counter()
    with pytest.raises(requests.ReadTimeout):
        client.http.post(f"{client.api}/token", data={}, timeout=0.3)
    assert time.perf_counter() - started < 0.9
    # a patient client gets the gateway's 504 once the hang is over
    set_faults(client, timeout_every=1, timeout_s=0.2)
    assert client.http.post(f"{client.api}/token", data={}, timeout=5).status_code == 504


def test_sandbox_routes_are_exempt_from_transport_faults(client):
    set_faults(client, error_5xx_every=1, rate_limit_every=1)
    assert all(health(client).status_code == 200 for _ in range(3))
    assert client.http.post(f"{client.api}/token", data={}, timeout=5).status_code == 429


def test_the_shared_retrying_session_gets_through_the_faults(client):
    set_faults(client, rate_limit_every=2, error_5xx_every=3, retry_after_s=0.01)
    http = RetryingSession(
        "one_stop", RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, timeout=5), seed=1
    )
    form = {
        "username": client.endpoints.env["HUE_ONE_STOP_API_USER"],
        "password": client.endpoints.env["HUE_ONE_STOP_API_PASSWORD"],
    }
    try:
        answers = [http.post(f"{client.api}/token", data=form).json() for _ in range(5)]
    finally:
        http.close()
    assert all(a["error_code"] == 0 for a in answers)
    assert http.attempts > 5  # some requests were refused and retried
