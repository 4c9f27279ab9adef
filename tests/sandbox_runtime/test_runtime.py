"""The runtime: lazy system loading, readiness, fault wrapping, clean shutdown, one-stop prepare()."""

from __future__ import annotations

import re
import socket
import sys
import types
from pathlib import Path

import pytest
import requests
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from sandbox import runtime
from sandbox.faults import FaultInjector, Faults
from sandbox.one_stop import service as one_stop_service
from sandbox.runtime import Sandbox, SandboxError, load_system, running_sandbox, serve_app
from sandbox.scenario import Scenario

from . import onestop_db

TINY = Scenario.named("tiny")


def refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, int(port))) != 0


def plain_app(health_status: int = 200) -> Starlette:
    async def health(request):
        return JSONResponse({"status": "ok"}, status_code=health_status)

    async def hello(request):
        return PlainTextResponse("xin chào")

    return Starlette(routes=[Route("/_sandbox/health", health), Route("/hello", hello)])


def fake_system(app_factory=plain_app, env=None, prepare=None) -> types.SimpleNamespace:
    """A system module as the runtime sees one: prepare, create_app, endpoint_env."""
    return types.SimpleNamespace(
        prepare=prepare or (lambda data_dir, scenario: None),
        create_app=lambda data_dir, scenario, faults: app_factory(),
        endpoint_env=lambda base_url, data_dir: env or {"HUE_OPEN_DATA_URL": base_url},
    )


def test_missing_system_module_is_named():
    with pytest.raises(
        SandboxError, match=re.escape("'no_such_system': module sandbox.no_such_system.service is missing")
    ):
        load_system("no_such_system")
    with pytest.raises(SandboxError, match="not a valid system name"):
        load_system("../etc")


def test_a_missing_system_fails_before_anything_starts(tmp_path):
    onestop_db.prepared_data_dir(tmp_path, TINY, 10)
    with pytest.raises(SandboxError) as info, running_sandbox(tmp_path, TINY, ("one_stop", "no_such_system")):
        pass
    assert info.value.system == "no_such_system"


def test_running_sandbox_serves_on_loopback_and_stops(tmp_path):
    onestop_db.prepared_data_dir(tmp_path, TINY, 10)
    with running_sandbox(tmp_path, TINY, ("one_stop",)) as endpoints:
        url = endpoints.urls["one_stop"]
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(url + "/_sandbox/health", timeout=5).json() == {
            "status": "ok",
            "system": "one_stop",
            "dossiers": 10,
        }
        assert endpoints.env["HUE_ONE_STOP_API_URL"] == url + "/api"
        assert endpoints.env["HUE_ONE_STOP_DB_URL"] == f"sqlite:///{tmp_path.resolve()}/one_stop.sqlite"
        assert endpoints.faults["one_stop"].faults == Faults()
    assert refused(url)
    assert "GET /_sandbox/health 200" in (tmp_path / "logs" / "one_stop.log").read_text()


def test_readiness_failure_names_the_system_with_its_log_tail(tmp_path):
    with pytest.raises(SandboxError) as info:
        serve_app(
            plain_app(health_status=503), "population", log_path=tmp_path / "population.log", ready_timeout=1
        )
    assert info.value.system == "population"
    assert "HTTP 503" in info.value.message
    assert "GET /_sandbox/health 503" in info.value.log_tail


def test_apps_without_fault_middleware_still_get_transport_faults(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "load_system", lambda name: fake_system())
    with running_sandbox(tmp_path, TINY, ("open_data",)) as endpoints:
        url = endpoints.urls["open_data"]
        assert requests.get(url + "/hello", timeout=5).text == "xin chào"
        endpoints.faults["open_data"].set(Faults(error_5xx_every=1))
        assert requests.get(url + "/hello", timeout=5).status_code == 503
        assert requests.post(url + "/_sandbox/faults", json={}, timeout=5).status_code == 200
        assert requests.get(url + "/hello", timeout=5).status_code == 200


def test_prepare_failure_names_the_system_and_logs_the_traceback(tmp_path, monkeypatch):
    def broken(data_dir, scenario):
        raise OSError("disk full")

    monkeypatch.setattr(runtime, "load_system", lambda name: fake_system(prepare=broken))
    with pytest.raises(SandboxError) as info:
        Sandbox(tmp_path, TINY, ("digitization",)).start()
    assert info.value.system == "digitization" and "OSError: disk full" in info.value.message
    assert "Traceback" in info.value.log_tail


def test_conflicting_endpoint_env_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "load_system", lambda name: fake_system(env={"HUE_LAKE_DIR": name}))
    with pytest.raises(SandboxError, match="redefines HUE_LAKE_DIR"):
        Sandbox(tmp_path, TINY, ("open_data", "digitization")).start()


# ---------------------------------------------------------------- one-stop prepare()


@pytest.fixture
def generator(monkeypatch):
    """Stand-in for sandbox.one_stop.generate (another helper's module): builds the test database."""
    calls = []

    def build_database(url: str, scenario: Scenario) -> dict:
        calls.append((url, scenario))
        if scenario.seed == 13:
            raise RuntimeError("generator crashed")
        return onestop_db.build(url, dossiers=5)

    module = types.ModuleType("sandbox.one_stop.generate")
    module.build_database = build_database
    monkeypatch.setitem(sys.modules, "sandbox.one_stop.generate", module)
    return calls


def test_prepare_builds_once_per_scenario(tmp_path, generator):
    one_stop_service.prepare(tmp_path, TINY)
    one_stop_service.prepare(tmp_path, TINY)
    assert len(generator) == 1
    assert generator[0][0].endswith(".building")  # built under a temporary name, then renamed
    marker = one_stop_service.read_marker(tmp_path)
    assert marker["scenario"] == TINY.to_dict() and marker["counts"] == {"ho_so": 5}
    one_stop_service.prepare(tmp_path, Scenario.named("tiny", seed=47))
    assert len(generator) == 2
    assert {p.name for p in tmp_path.iterdir()} == {"one_stop.sqlite", "one_stop.scenario.json"}


def test_interrupted_build_leaves_nothing_that_looks_finished(tmp_path, generator):
    one_stop_service.prepare(tmp_path, TINY)
    with pytest.raises(RuntimeError, match="generator crashed"):
        one_stop_service.prepare(tmp_path, Scenario.named("tiny", seed=13))
    assert one_stop_service.read_marker(tmp_path) is None
    assert not one_stop_service.is_prepared(tmp_path, TINY)
    one_stop_service.prepare(tmp_path, TINY)
    assert one_stop_service.is_prepared(tmp_path, TINY)


def test_create_app_without_database_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="run prepare"):
        one_stop_service.create_app(Path(tmp_path), TINY, FaultInjector())
