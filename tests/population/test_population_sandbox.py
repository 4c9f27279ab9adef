"""The sandbox population service itself: contract functions, gateway and SOAP refusals."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import requests

from sandbox.population import service
from sandbox.population.gateway import Gateway
from sandbox.scenario import Scenario
from sources.population.auth import auth_hash, officer_key
from sources.population.soap import LookupRequest, build_request, parse_fault

from .conftest import applicant

pytestmark = pytest.mark.integration


def _token(sandbox) -> str:
    env = sandbox.env
    header = base64.b64encode(f"{env['HUE_LGSP_ACCESS_KEY']}:{env['HUE_LGSP_SECRET_KEY']}".encode()).decode()
    response = requests.post(f"{env['HUE_LGSP_URL']}/token", headers={"lgspaccesstoken": header}, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    return body["access_token"]


def _envelope(sandbox, **changes) -> bytes:
    """A lookup envelope; ``auth_hash`` is computed over the final fields unless given."""
    env = sandbox.env
    row = applicant(0)
    fields = {
        "request_id": str(uuid.uuid4()),
        "service_code": row["MaDVC"],
        "integration_code": env["HUE_LGSP_INTEGRATION_CODE"],
        "officer_code": env["HUE_LGSP_OFFICER_CODE"],
        "id_kind": "SoDinhDanh",
        "id_digits": row["SoDinhDanh"],
        "name_ascii": "NGUYEN VAN A",
        "birth_date": "1990-01-01",
    }
    fields.update({k: v for k, v in changes.items() if k != "auth_hash"})
    fields["auth_hash"] = changes.get("auth_hash") or auth_hash(
        integration_code=fields["integration_code"],
        officer_code=fields["officer_code"],
        service_code=fields["service_code"],
        request_id=fields["request_id"],
        key=officer_key(env["HUE_LGSP_OFFICER_PASSWORD"]),
    )
    return build_request(LookupRequest(**fields))


def _post(sandbox, body: bytes, token: str | None) -> requests.Response:
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(f"{sandbox.env['HUE_LGSP_URL']}/dancu/soap", data=body, headers=headers, timeout=5)


def test_endpoint_env_gives_every_lgsp_variable(sandbox) -> None:
    env = service.endpoint_env("http://127.0.0.1:1/", sandbox.data_dir)
    assert set(env) == {
        "HUE_LGSP_URL", "HUE_LGSP_ACCESS_KEY", "HUE_LGSP_SECRET_KEY", "HUE_LGSP_INTEGRATION_CODE",
        "HUE_LGSP_OFFICER_CODE", "HUE_LGSP_OFFICER_PASSWORD",
    }  # fmt: skip
    assert env["HUE_LGSP_URL"] == "http://127.0.0.1:1"
    assert sandbox.urls["population"].startswith("http://127.0.0.1:")


def test_prepare_is_idempotent_and_keeps_credentials(sandbox) -> None:
    folder = sandbox.data_dir / "population"
    credentials = (folder / "credentials.json").read_text()
    index_mtime = (folder / "citizens.sqlite").stat().st_mtime_ns
    service.prepare(sandbox.data_dir, Scenario.named("tiny"))
    assert (folder / "credentials.json").read_text() == credentials
    assert (folder / "citizens.sqlite").stat().st_mtime_ns == index_mtime
    assert (folder / "credentials.json").stat().st_mode & 0o077 == 0


def test_create_app_refuses_an_unprepared_scenario(sandbox, tmp_path) -> None:
    from sandbox.faults import FaultInjector

    with pytest.raises(FileNotFoundError, match="not prepared"):
        service.create_app(sandbox.data_dir, Scenario.named("calibrated"), FaultInjector())
    with pytest.raises(FileNotFoundError):
        service.create_app(tmp_path, Scenario.named("tiny"), FaultInjector())


def test_token_endpoint_refuses_wrong_or_missing_keys(sandbox) -> None:
    url = f"{sandbox.env['HUE_LGSP_URL']}/token"
    wrong = base64.b64encode(f"{sandbox.env['HUE_LGSP_ACCESS_KEY']}:nope".encode()).decode()
    for headers in ({}, {"lgspaccesstoken": wrong}, {"lgspaccesstoken": "%%%not-base64"}):
        response = requests.post(url, headers=headers, timeout=5)
        assert response.status_code == 401
        assert sandbox.env["HUE_LGSP_SECRET_KEY"] not in response.text


def test_soap_needs_a_live_token(sandbox) -> None:
    for token in (None, "made-up"):
        response = _post(sandbox, _envelope(sandbox), token)
        assert response.status_code == 401 and response.json()["fault"]["code"] == 900901


def test_soap_answers_a_valid_lookup(sandbox) -> None:
    response = _post(sandbox, _envelope(sandbox), _token(sandbox))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    # the register answers the whole record, sensitive fields included: dropping them is the connector's job
    for element in (b"<CongDan>", b"<DanToc>", b"<TonGiao>", b"<Cha>", b"<ThuongTru>", b"<SoSoHoKhau>"):
        assert element in response.content


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"auth_hash": "0" * 64}, "soap:Client.AuthHash"),
        ({"officer_code": "CB-NOT-THERE"}, "soap:Client.MaCanBo"),
        ({"integration_code": "OTHER"}, "soap:Client.MaTichHop"),
        ({"name_ascii": "Nguyễn Văn A"}, "soap:Client.HoVaTen"),
        ({"birth_date": "01/01/1990"}, "soap:Client.NgayThangNamSinh"),
        ({"id_digits": "12345"}, "soap:Client.SoDinhDanh"),
    ],
)
def test_soap_faults_for_bad_requests(sandbox, changes, code) -> None:
    body = _envelope(sandbox, **changes)
    response = _post(sandbox, body, _token(sandbox))
    assert response.status_code == 500
    fault = parse_fault(response.content)
    assert fault is not None and fault.code == code and fault.is_client
    assert applicant(0)["SoDinhDanh"] not in response.text  # faults never echo the request


def test_auth_hash_binds_the_request_id(sandbox) -> None:
    """A captured AuthHash cannot authorise another request."""
    env = sandbox.env
    good = _envelope(sandbox, request_id="req-A")
    stolen_hash = auth_hash(
        integration_code=env["HUE_LGSP_INTEGRATION_CODE"],
        officer_code=env["HUE_LGSP_OFFICER_CODE"],
        service_code=applicant(0)["MaDVC"],
        request_id="req-A",
        key=officer_key(env["HUE_LGSP_OFFICER_PASSWORD"]),
    )
    replay = _envelope(sandbox, request_id="req-B", auth_hash=stolen_hash)
    token = _token(sandbox)
    assert _post(sandbox, good, token).status_code == 200
    assert parse_fault(_post(sandbox, replay, token).content).code == "soap:Client.AuthHash"


def test_soap_parser_refuses_entities(sandbox) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b'<TraCuuThongTinCongDan xmlns="http://dancuquocgia.bca"><MaYeuCau>&x;</MaYeuCau>'
        b"</TraCuuThongTinCongDan></soap:Body></soap:Envelope>"
    )
    response = _post(sandbox, body, _token(sandbox))
    assert response.status_code == 500 and "root:" not in response.text


def test_rate_limit_answers_429_with_whole_second_retry_after(sandbox) -> None:
    url = sandbox.urls["population"]
    requests.post(f"{url}/_sandbox/population/limits", json={"requests_per_second": 1, "burst": 1}, timeout=5)
    token = _token(sandbox)
    statuses = [_post(sandbox, _envelope(sandbox), token) for _ in range(3)]
    assert statuses[0].status_code == 200
    limited = [r for r in statuses if r.status_code == 429]
    assert limited and all(r.headers["Retry-After"].isdigit() for r in limited)
    # the limit is per token: a new token has its own budget
    assert _post(sandbox, _envelope(sandbox), _token(sandbox)).status_code == 200


def test_faults_api_is_mounted(sandbox) -> None:
    url = sandbox.urls["population"]
    response = requests.post(f"{url}/_sandbox/faults", json={"token_ttl_s": 0.5}, timeout=5)
    assert response.status_code == 200
    token = requests.post(
        f"{url}/token",
        headers={
            "lgspaccesstoken": base64.b64encode(
                f"{sandbox.env['HUE_LGSP_ACCESS_KEY']}:{sandbox.env['HUE_LGSP_SECRET_KEY']}".encode()
            ).decode()
        },
        timeout=5,
    ).json()
    assert token["expires_in"] == 0.5
    assert requests.delete(f"{url}/_sandbox/faults", timeout=5).status_code == 200


def test_gateway_token_bucket_without_a_server() -> None:
    now = [0.0]
    gateway = Gateway("a", "b", requests_per_second=2, burst=2, clock=lambda: now[0])
    token, ttl = gateway.issue(10)
    assert gateway.token_valid(f"Bearer {token}") == token
    assert [gateway.admit(token) for _ in range(2)] == [None, None]
    assert gateway.admit(token) == pytest.approx(0.5)
    now[0] += 0.5
    assert gateway.admit(token) is None
    now[0] += 11
    assert gateway.token_valid(f"Bearer {token}") is None
    assert gateway.credentials_ok(base64.b64encode(b"a:b").decode())
    assert not gateway.credentials_ok(base64.b64encode(b"a:c").decode())
    assert json.dumps(ttl)
