"""HTTP routes of the sandbox population service: LGSP token, SOAP register lookups, statistics.

=====================================  ===============================================================
``POST /token``                        ``lgspaccesstoken`` header → ``{access_token, token_type, expires_in}``
``POST /dancu/soap``                   SOAP 1.1 ``TraCuuThongTinCongDan`` (bearer token required)
``GET /thongke/danso``                 ``?page=&pageSize=`` → ``{code, message, data, totalRows}``
``GET /_sandbox/health``               readiness
``GET /_sandbox/population/stats``     counters (lookups answered, tokens issued) for tests
``POST /_sandbox/population/limits``   ``{"requests_per_second": r, "burst": b}``: the per-token limit
``POST /_sandbox/population/expire``   expire every token now
=====================================  ===============================================================

Nothing here logs request content: lookups carry personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import people
from sandbox.faults import FaultInjector, install_fault_middleware
from sandbox.population import soap
from sandbox.population.citizens import citizen_record
from sandbox.population.gateway import Gateway, retry_after_header
from sandbox.population.registry import CitizenIndex
from sandbox.population.statistics import population_rows
from sandbox.scenario import Scenario
from sources.common.vietnamese import encode_cp1258

XML = "text/xml; charset=utf-8"
MAX_PAGE_SIZE = 5000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ASCII_UPPER_NAME = re.compile(r"^[A-Z]+( [A-Z]+)*$")


class _Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.values = {"lookups": 0, "found": 0, "not_found": 0, "faults": 0, "rate_limited": 0}

    def add(self, name: str) -> None:
        with self._lock:
            self.values[name] += 1


def create_api(
    index_path: Path, scenario: Scenario, faults: FaultInjector, credentials: dict[str, Any]
) -> Starlette:
    index = CitizenIndex(index_path)
    gateway = Gateway(credentials["access_key"], credentials["secret_key"])
    integration_code = credentials["integration_code"]
    # the gateway keeps only each officer's derived key, SHA-256(password), never the password
    officer_keys = {
        code: hashlib.sha256(pw.encode("utf-8")).digest() for code, pw in credentials["officers"].items()
    }
    counters = _Counters()

    def _gateway_denial(request: Request) -> Response | str:
        token = gateway.token_valid(request.headers.get("authorization"))
        if token is None:
            return JSONResponse(
                {
                    "fault": {
                        "code": 900901,
                        "message": "Invalid Credentials",
                        "description": "token hết hạn hoặc không hợp lệ",
                    }
                },
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        wait = gateway.admit(token)
        if wait is not None:
            counters.add("rate_limited")
            return JSONResponse(
                {"fault": {"code": 900800, "message": "Message throttled out"}},
                status_code=429,
                headers={"Retry-After": retry_after_header(wait)},
            )
        return token

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "system": "population", "scenario": scenario.key})

    async def token(request: Request) -> Response:
        if not gateway.credentials_ok(request.headers.get("lgspaccesstoken")):
            return JSONResponse(
                {"error": "invalid_client", "error_description": "sai AccessKey/SecretKey"}, 401
            )
        value, ttl = gateway.issue(faults.faults.token_ttl_s)
        return JSONResponse({"access_token": value, "token_type": "Bearer", "expires_in": ttl})

    def _fault(code: str, message: str) -> Response:
        counters.add("faults")
        return Response(soap.fault(code, message), status_code=500, media_type=XML)

    async def lookup(request: Request) -> Response:
        denial = _gateway_denial(request)
        if isinstance(denial, Response):
            return denial
        try:
            call = soap.parse_lookup(await request.body())
        except soap.BadRequest as exc:
            return _fault("soap:Client", str(exc))
        for required in ("MaYeuCau", "MaDVC", "MaTichHop", "MaCanBo", "AuthHash"):
            if call.get(required) is None:
                return _fault(f"soap:Client.{required}", f"thiếu {required} (missing {required})")
        if not hmac.compare_digest(call.get("MaTichHop") or "", integration_code):
            return _fault("soap:Client.MaTichHop", "mã tích hợp không hợp lệ (unknown integration code)")
        key = officer_keys.get(call.get("MaCanBo") or "")
        if key is None:
            return _fault("soap:Client.MaCanBo", "cán bộ không có quyền tra cứu (officer not authorised)")
        message = "|".join(call.get(f) or "" for f in ("MaTichHop", "MaCanBo", "MaDVC", "MaYeuCau")).encode(
            "utf-8"
        )
        expected = hmac.new(key, message, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, (call.get("AuthHash") or "").lower()):
            return _fault("soap:Client.AuthHash", "AuthHash không hợp lệ (credential hash rejected)")
        personal_id, old_card = call.get("SoDinhDanh"), call.get("SoCMND")
        if personal_id is not None and not (len(personal_id) == 12 and personal_id.isdigit()):
            return _fault("soap:Client.SoDinhDanh", "SoDinhDanh phải có 12 chữ số (must be 12 digits)")
        if old_card is not None and not (len(old_card) == 9 and old_card.isdigit()):
            return _fault("soap:Client.SoCMND", "SoCMND phải có 9 chữ số (must be 9 digits)")
        if personal_id is None and old_card is None:
            return _fault("soap:Client.SoDinhDanh", "thiếu SoDinhDanh hoặc SoCMND (no identifier)")
        name = call.get("HoVaTen")
        if name is not None and not _ASCII_UPPER_NAME.match(name):
            return _fault(
                "soap:Client.HoVaTen", "HoVaTen phải viết hoa, không dấu (upper case, no diacritics)"
            )
        birth = call.get("NgayThangNamSinh")
        if birth is not None and not _DATE.match(birth):
            return _fault("soap:Client.NgayThangNamSinh", "NgayThangNamSinh phải có dạng yyyy-MM-dd")

        found = index.find("SoDinhDanh", personal_id) if personal_id else index.find("SoCMND", old_card or "")
        outcome = "unknown" if found is None else people.lookup_outcome(scenario.seed, found)
        citizen = None if found is None else citizen_record(scenario.seed, found, outcome)
        counters.add("lookups")
        counters.add("found" if citizen is not None else "not_found")
        if citizen is not None:
            citizen = _drift(citizen, faults.faults.schema_drift)
        body = soap.lookup_response(call.get("MaYeuCau") or "", citizen)
        if faults.faults.bad_encoding:
            body = _legacy_bytes(body)
        if faults.should("malformed_row"):
            body = body[: len(body) // 2]  # a cut answer, as a proxy that dropped the connection would give
        return Response(body, media_type=XML)

    async def statistics(request: Request) -> Response:
        denial = _gateway_denial(request)
        if isinstance(denial, Response):
            return denial
        try:
            page = int(request.query_params.get("page", "1"))
            size = int(request.query_params.get("pageSize", "1000"))
        except ValueError:
            return JSONResponse(
                {"code": 400, "message": "page và pageSize phải là số nguyên", "data": []}, 400
            )
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            return JSONResponse(
                {"code": 400, "message": f"page ≥ 1, 1 ≤ pageSize ≤ {MAX_PAGE_SIZE}", "data": []}, 400
            )
        rows = population_rows(scenario.seed)
        served = page - 1 if faults.should("repeat_page") and page > 1 else page
        data = [dict(r) for r in rows[(served - 1) * size : served * size]]
        if faults.should("truncate_page"):
            data = data[: len(data) // 2]
        if faults.faults.reorder_pages:
            data.reverse()
        for row in data:
            if faults.should("malformed_row"):
                row["SoNguoi"] = "không rõ"
        payload = {"code": 0, "message": "Thành công", "data": data, "totalRows": len(rows)}
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if faults.faults.bad_encoding:
            body = _legacy_bytes(body)
        return Response(body, media_type="application/json; charset=utf-8")

    async def sandbox_stats(_: Request) -> Response:
        return JSONResponse({**counters.values, "tokens_issued": gateway.issued})

    async def sandbox_limits(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
            gateway.set_limits(float(body["requests_per_second"]), int(body.get("burst", 1)))
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": f"invalid limits: {exc}"}, 400)
        return JSONResponse({"requests_per_second": gateway.requests_per_second, "burst": gateway.burst})

    async def sandbox_expire(_: Request) -> Response:
        return JSONResponse({"expired": gateway.expire_all()})

    app = Starlette(
        routes=[
            Route("/_sandbox/health", health),
            Route("/_sandbox/population/stats", sandbox_stats),
            Route("/_sandbox/population/limits", sandbox_limits, methods=["POST"]),
            Route("/_sandbox/population/expire", sandbox_expire, methods=["POST"]),
            Route("/token", token, methods=["POST"]),
            Route("/dancu/soap", lookup, methods=["POST"]),
            Route("/thongke/danso", statistics),
        ]
    )
    install_fault_middleware(app, faults)
    return app


def _legacy_bytes(body: bytes) -> bytes:
    """The ``bad_encoding`` fault: an old gateway re-encodes answers in Windows-1258 and keeps the UTF-8 label
    (Content-Type and XML declaration), so names, addresses and "Nữ" arrive as bytes that are not UTF-8."""
    return encode_cp1258(body.decode("utf-8"))


def _drift(citizen: dict[str, Any], drift: str | None) -> dict[str, Any]:
    """Schema drift of the register's answer: what a register upgrade does to a fixed client."""
    if drift is None:
        return citizen
    changed = dict(citizen)
    if drift == "add_column":
        changed["SoDienThoai"] = "0900000000"  # a new field the connector must ignore
    elif drift == "remove_column":
        changed.pop("NoiOHienTai")  # the connector falls back to ThuongTru
    elif drift == "rename_column":
        changed["Gioi_Tinh"] = changed.pop("GioiTinh")
    elif drift == "retype_column":
        birth = changed["NgayThangNam"]
        changed["NgayThangNam"] = f"{birth[6:8]}/{birth[4:6]}/{birth[:4]}"  # dd/MM/yyyy instead of yyyyMMdd
    return changed
