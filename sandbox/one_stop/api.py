"""HTTP API of the sandbox one-stop system (API hệ thống một cửa), in the DVCQG integration style.

Two routes, as the national portal's integration API has them:

* ``POST /api/token`` with ``username``/``password`` (form or JSON) →
  ``{"error_code": 0, "session": "...", "expires_in": seconds}``;
* ``POST /api/service`` with JSON ``{"session", "service", "TuNgay", "DenNgay", "page", "pageSize", ...}`` →
  ``{"error_code": 0, "message": "...", "total": N, "page": n, "data": [...]}``.

Like the real portals, service-level errors answer HTTP 200 with a non-zero ``error_code``: an expired or
unknown session gives ``{"error_code": 401, "message": "Phiên đăng nhập hết hạn"}``. Only a body that is
not JSON at all gets an HTTP 400.

Dossiers (hồ sơ) come in the DVCQG record shape with their child tables nested (``DinhDanhCHS``,
``TaiLieuNop``, ``DanhSachLePhi``, ``DanhSachHoSoBoSung``, ``DanhSachGiayToKetQua``), ordered by
``(NgayCapNhat, MaHoSo)`` and filtered by ``TuNgay <= NgayCapNhat <= DenNgay``. Catalogue services answer
upper-case keys (``MATTHC``, ``MALINHVUC``, ``MADONVI``, ``TENDONVI``, ``CAPDONVI``), as DVCQG's do.
Procedures (``LayDanhSachTTHC``) carry their validity (``NGAYHIEULUC``, ``NGAYHETHIEULUC``) and their
online-level history nested as ``LICHSUMUCDODVC: [{MUCDODVC, NGAYHIEULUC, NGAYHETHIEULUC}]``.

Data faults (see :mod:`sandbox.faults`) are applied per page here: truncated body, repeated page,
reordered pages, malformed dossier rows, schema drift of a dossier field, Windows-1258 bytes.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.faults import FaultInjector, install_fault_middleware
from sandbox.one_stop import schema

DEFAULT_TOKEN_TTL_S = 3600.0
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 10_000
SESSION_EXPIRED = {"error_code": 401, "message": "Phiên đăng nhập hết hạn"}
TS_FORMAT = "%Y%m%d%H%M%S"

# DVCQG names of the nested lists of a dossier record, per child table
NESTED_LISTS: dict[str, sa.Table] = {
    "DinhDanhCHS": schema.ho_so_dinh_danh,
    "TaiLieuNop": schema.ho_so_tai_lieu_nop,
    "DanhSachLePhi": schema.ho_so_le_phi,
    "DanhSachHoSoBoSung": schema.ho_so_bo_sung,
    "DanhSachGiayToKetQua": schema.ho_so_giay_to_ket_qua,
}
# A procedure record carries its online-level history (served upper case, like the rest of the catalogue).
PROCEDURE_LISTS: dict[str, sa.Table] = {"LichSuMucDoDVC": schema.thu_tuc_muc_do_dvc}

# Malformed values a real one-stop export has been seen to carry; the cursor and key are never corrupted,
# so that a connector can still quarantine the row under its MaHoSo.
MALFORMED_VALUES: tuple[tuple[str, Any], ...] = (
    ("NgayTiepNhan", "31/02/2023"),
    ("TrangThaiHoSo", "abc"),
    ("NgayHenTra", "20231345250000"),
)

# Schema drift of a dossier field: what each mode does
DRIFT_ADDED_FIELD = ("MaHoSoLienThong", "LT-")  # new field, value = prefix + MaHoSo
DRIFT_REMOVED_FIELD = "TrichYeuHoSo"
DRIFT_RENAMED_FIELD = ("NgayHenTra", "NgayHenTraKetQua")
DRIFT_RETYPED_FIELD = "KenhThucHien"  # integer code becomes its Vietnamese label (text)
CHANNEL_LABELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}


@dataclass(frozen=True)
class Listing:
    """One paged service: its table, its order (cursor first, then key), how its keys are spelt, and the
    child tables nested into each record (by the record's key column, ``order[-1]``)."""

    table: sa.Table
    order: tuple[str, ...]
    upper_keys: bool = False
    children: dict[str, sa.Table] | None = None

    @property
    def nested(self) -> bool:
        return bool(self.children)


SERVICES: dict[str, Listing] = {
    "LayDanhSachHoSo": Listing(schema.ho_so, ("NgayCapNhat", "MaHoSo"), children=NESTED_LISTS),
    "LayTienDoHoSo": Listing(schema.tien_do_xu_ly, ("NgayCapNhat", "MaHoSo", "STT")),
    "LayDanhSachTTHC": Listing(
        schema.thu_tuc, ("NgayCapNhat", "MaTTHC"), upper_keys=True, children=PROCEDURE_LISTS
    ),
    "LayDanhMucCoQuan": Listing(schema.co_quan, ("NgayCapNhat", "MaDonVi"), upper_keys=True),
    "LayDanhMucLinhVuc": Listing(schema.linh_vuc, ("NgayCapNhat", "MaLinhVuc"), upper_keys=True),
}


class RequestError(ValueError):
    """A service request the API refuses, answered as ``error_code`` 400 with this message."""


def parse_timestamp(value: Any, field: str) -> str | None:
    """Validate a ``yyyyMMddHHmmss`` request bound; None when absent."""
    if value is None or value == "":
        return None
    text = str(value)
    if len(text) != 14 or not text.isdigit():
        raise RequestError(f"{field} phải có dạng yyyyMMddHHmmss (nhận được {text[:40]!r})")
    try:
        datetime.strptime(text, TS_FORMAT)
    except ValueError as exc:
        raise RequestError(f"{field} không phải ngày giờ hợp lệ: {text}") from exc
    return text


def parse_positive_int(value: Any, field: str, default: int, maximum: int | None = None) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and value.isdigit())
    ):
        raise RequestError(f"{field} phải là số nguyên dương (nhận được {value!r})")
    number = int(value)
    if number < 1 or (maximum is not None and number > maximum):
        bound = f" và không quá {maximum}" if maximum else ""
        raise RequestError(f"{field} phải là số nguyên dương{bound} (nhận được {number})")
    return number


def partner_page(page: int, total_pages: int) -> int:
    """Reordered pages: 1↔2, 3↔4, ...; a last odd page stays in place. Every page is still served once."""
    if page % 2 == 1:
        return page + 1 if page + 1 <= total_pages else page
    return page - 1


def to_windows_1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258, the legacy code page, which carries tones as combining marks.

    Windows-1258 has the letters with circumflex, breve and horn (â ă ê ô ơ ư) and đ, but most toned
    letters only as base letter + combining tone mark: decompose, re-compose the letter without its
    tone, then append the tone mark.
    """
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        try:
            out += letter.encode("cp1258") + tones.encode("cp1258")
        except UnicodeEncodeError:
            out += b"?"  # not Vietnamese: the legacy code page cannot say it either
    return bytes(out)


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def malform(record: dict[str, Any], which: int) -> None:
    field, bad = MALFORMED_VALUES[which % len(MALFORMED_VALUES)]
    record[field] = bad


def drift(record: dict[str, Any], mode: str) -> dict[str, Any]:
    """Apply one schema drift mode to a dossier record (keeps the field order of the record otherwise)."""
    if mode == "add_column":
        name, prefix = DRIFT_ADDED_FIELD
        record[name] = prefix + str(record.get("MaHoSo"))
    elif mode == "remove_column":
        record.pop(DRIFT_REMOVED_FIELD, None)
    elif mode == "rename_column":
        old, new = DRIFT_RENAMED_FIELD
        record = {(new if key == old else key): value for key, value in record.items()}
    elif mode == "retype_column":
        code = record.get(DRIFT_RETYPED_FIELD)
        record[DRIFT_RETYPED_FIELD] = CHANNEL_LABELS.get(code, str(code)) if code is not None else None
    return record


class TokenStore:
    """Issued sessions and when; the TTL is read at check time so a test can expire live sessions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._issued: dict[str, float] = {}

    def issue(self, ttl: float) -> str:
        token = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            if len(self._issued) > 10_000:  # long benchmark runs: forget sessions that expired
                self._issued = {t: at for t, at in self._issued.items() if now - at <= ttl}
            self._issued[token] = now
        return token

    def valid(self, token: Any, ttl: float) -> bool:
        if not isinstance(token, str):
            return False
        with self._lock:
            issued = self._issued.get(token)
        return issued is not None and time.monotonic() - issued <= ttl


class OneStopReader:
    """Reads pages of the one-stop database with SQLAlchemy (any URL), as JSON-ready records.

    Rows become dicts straight from result tuples (no per-value work except on the few money columns):
    at 10,000 dossiers a page, per-value Python calls cost more than the SQL.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        # Last order key of each served page, so that page p+1 of a long sync continues by keyset
        # instead of an OFFSET that rescans every earlier row (quadratic at national scale).
        self._page_ends: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _where(listing: Listing, tu_ngay: str | None, den_ngay: str | None, extra: dict[str, str]) -> list:
        table = listing.table
        clauses = []
        if tu_ngay is not None:
            clauses.append(table.c.NgayCapNhat >= tu_ngay)
        if den_ngay is not None:
            clauses.append(table.c.NgayCapNhat <= den_ngay)
        for column, value in extra.items():
            clauses.append(table.c[column] == value)
        return clauses

    def count(self, service: str, tu_ngay: str | None, den_ngay: str | None, extra: dict[str, str]) -> int:
        listing = SERVICES[service]
        where = self._where(listing, tu_ngay, den_ngay, extra)
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(listing.table).where(*where)
            ).scalar_one()

    def page(
        self,
        service: str,
        tu_ngay: str | None,
        den_ngay: str | None,
        extra: dict[str, str],
        page: int,
        size: int,
    ) -> tuple[int, list[dict[str, Any]]]:
        """``(total, records)`` of page ``page`` (1-based) in the service's order, keys spelt as served."""
        listing = SERVICES[service]
        table = listing.table
        where = self._where(listing, tu_ngay, den_ngay, extra)
        order_cols = [table.c[name] for name in listing.order]
        memo_key = (service, tu_ngay, den_ngay, tuple(sorted(extra.items())), size)
        with self._lock:
            previous_end = self._page_ends.get((*memo_key, page - 1)) if page > 1 else None
        query = sa.select(table).where(*where).order_by(*order_cols).limit(size)
        if previous_end is not None:
            query = query.where(sa.tuple_(*order_cols) > sa.tuple_(*previous_end))
        elif page > 1:
            query = query.offset((page - 1) * size)
        names = _served_names(table, listing.upper_keys)
        positions = [names.index(_served_name(name, listing.upper_keys)) for name in listing.order]
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
            records = _records(conn.execute(query).all(), names, _money_columns(table))
            if not records:
                return total, records
            first = tuple(records[0][names[i]] for i in positions)
            last = tuple(records[-1][names[i]] for i in positions)
            if listing.nested:
                # The page is exactly the rows between its first and last order key: select the children
                # by that range, not by an IN list of 10,000 bound keys (slow to compile, capped by some
                # databases) nor by repeating an OFFSET scan.
                key = listing.order[-1]
                keys = sa.select(table.c[key]).where(
                    *where,
                    sa.tuple_(*order_cols) >= sa.tuple_(*first),
                    sa.tuple_(*order_cols) <= sa.tuple_(*last),
                )
                self._nest(conn, records, keys, listing)
        with self._lock:
            self._page_ends[(*memo_key, page)] = last
            while len(self._page_ends) > 4096:
                self._page_ends.popitem(last=False)
        return total, records

    @staticmethod
    def _nest(conn: sa.Connection, records: list[dict[str, Any]], keys: sa.Select, listing: Listing) -> None:
        key, upper = listing.order[-1], listing.upper_keys
        by_key = {record[_served_name(key, upper)]: record for record in records}
        children = listing.children or {}
        for record in records:
            for name in children:
                record[_served_name(name, upper)] = []
        for name, child in children.items():
            fields = [c for c in child.c if c.name not in (key, "STT")]
            query = (
                sa.select(child.c[key], *fields)
                .where(child.c[key].in_(keys))
                .order_by(child.c[key], child.c.STT)
            )
            names = [_served_name(c.name, upper) for c in fields]
            served = _served_name(name, upper)
            money = [i for i, c in enumerate(fields) if isinstance(c.type, sa.Numeric)]
            for row in conn.execute(query).all():  # one fetchall, not a fetchone per row
                values = list(row[1:])
                for i in money:
                    values[i] = _json_value(values[i])
                by_key[row[0]][served].append(dict(zip(names, values, strict=True)))


def _served_name(name: str, upper: bool) -> str:
    # str(): SQLAlchemy column names are a str subclass, which orjson refuses as keys
    return str(name).upper() if upper else str(name)


def _served_names(table: sa.Table, upper: bool) -> list[str]:
    return [_served_name(c.name, upper) for c in table.c]


def _money_columns(table: sa.Table) -> list[int]:
    return [i for i, c in enumerate(table.c) if isinstance(c.type, sa.Numeric)]


def _records(result: Sequence[sa.Row], names: list[str], money: list[int]) -> list[dict[str, Any]]:
    if not money:
        return [dict(zip(names, row, strict=True)) for row in result]
    records = []
    for row in result:
        values = list(row)
        for i in money:
            values[i] = _json_value(values[i])
        records.append(dict(zip(names, values, strict=True)))
    return records


def create_api(
    db_url: str,
    injector: FaultInjector,
    *,
    username: str,
    password: str,
    default_token_ttl_s: float = DEFAULT_TOKEN_TTL_S,
    engine: sa.Engine | None = None,
) -> Starlette:
    """The one-stop API over the database at ``db_url`` (read-only), with ``injector``'s faults installed."""
    engine = engine or sa.create_engine(db_url)
    reader = OneStopReader(engine)
    tokens = TokenStore()

    def ttl() -> float:
        configured = injector.faults.token_ttl_s
        return default_token_ttl_s if configured is None else configured

    async def health(request: Request) -> Response:
        def check() -> int:
            with engine.connect() as conn:
                return conn.execute(sa.select(sa.func.count()).select_from(schema.ho_so)).scalar_one()

        try:
            dossiers = await run_in_threadpool(check)
        except Exception as exc:  # the DB is the point of this system: not ready without it
            return JSONResponse({"status": "error", "error": f"{type(exc).__name__}: {exc}"}, status_code=503)
        return JSONResponse({"status": "ok", "system": "one_stop", "dossiers": dossiers})

    async def token(request: Request) -> Response:
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        try:
            if "application/json" in content_type or body[:1] in (b"{", b"["):
                form = json.loads(body or b"{}")
                if not isinstance(form, dict):
                    raise ValueError("expected a JSON object")
            else:
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        except (ValueError, UnicodeDecodeError) as exc:
            return JSONResponse(
                {"error_code": 400, "message": f"Yêu cầu không hợp lệ: {exc}"}, status_code=400
            )
        user, secret = form.get("username"), form.get("password")
        if not (
            isinstance(user, str)
            and isinstance(secret, str)
            and secrets.compare_digest(user.encode(), username.encode())
            and secrets.compare_digest(secret.encode(), password.encode())
        ):
            return JSONResponse({"error_code": 403, "message": "Sai tên đăng nhập hoặc mật khẩu"})
        lifetime = ttl()
        lifetime = int(lifetime) if float(lifetime).is_integer() else lifetime
        return JSONResponse(
            {
                "error_code": 0,
                "message": "Thành công",
                "session": tokens.issue(lifetime),
                "expires_in": lifetime,
            }
        )

    async def service(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
            if not isinstance(body, dict):
                raise ValueError("expected a JSON object")
        except (ValueError, UnicodeDecodeError) as exc:
            return JSONResponse(
                {"error_code": 400, "message": f"Yêu cầu không hợp lệ: {exc}"}, status_code=400
            )
        session = body.get("session")
        if session is None:  # some clients send the session as a bearer header instead
            auth = request.headers.get("authorization", "")
            session = auth[7:] if auth.lower().startswith("bearer ") else None
        if not tokens.valid(session, ttl()):
            return JSONResponse(SESSION_EXPIRED)
        name = body.get("service")
        if name not in SERVICES:
            known = ", ".join(SERVICES)
            return JSONResponse(
                {"error_code": 404, "message": f"Không tìm thấy dịch vụ {name!r}; dịch vụ hỗ trợ: {known}"}
            )
        try:
            tu_ngay = parse_timestamp(body.get("TuNgay"), "TuNgay")
            den_ngay = parse_timestamp(body.get("DenNgay"), "DenNgay")
            page = parse_positive_int(body.get("page"), "page", 1)
            size = parse_positive_int(body.get("pageSize"), "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
            extra = {}
            if name in ("LayDanhSachHoSo", "LayTienDoHoSo") and body.get("MaHoSo"):
                extra["MaHoSo"] = str(body["MaHoSo"])
        except RequestError as exc:
            return JSONResponse({"error_code": 400, "message": str(exc)})
        payload = await run_in_threadpool(
            _serve_page, reader, injector, name, tu_ngay, den_ngay, extra, page, size
        )
        return payload

    app = Starlette(
        routes=[
            Route("/_sandbox/health", health, methods=["GET"]),
            Route("/api/token", token, methods=["POST"]),
            Route("/api/service", service, methods=["POST"]),
        ],
        lifespan=_dispose_on_shutdown(engine),
    )
    install_fault_middleware(app, injector)
    return app


def _dispose_on_shutdown(engine: sa.Engine):
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    return lifespan


def _serve_page(
    reader: OneStopReader,
    injector: FaultInjector,
    service: str,
    tu_ngay: str | None,
    den_ngay: str | None,
    extra: dict[str, str],
    page: int,
    size: int,
) -> Response:
    faults = injector.faults
    served = page
    if faults.reorder_pages:
        served = partner_page(page, max(1, -(-reader.count(service, tu_ngay, den_ngay, extra) // size)))
    if injector.should("repeat_page") and served > 1:
        served -= 1  # the previous page again, as when an offset shifts under the reader
    total, rows = reader.page(service, tu_ngay, den_ngay, extra, served, size)
    data = rows
    if faults.reorder_pages:
        data.reverse()
    if service == "LayDanhSachHoSo":
        data = _dossier_faults(injector, data)
    payload = {"error_code": 0, "message": "Thành công", "total": total, "page": page, "data": data}
    body = orjson.dumps(payload)
    if faults.bad_encoding:
        body = to_windows_1258(body.decode("utf-8"))
    if injector.should("truncate_page"):
        body = body[: len(body) // 2]
    return Response(body, media_type="application/json; charset=utf-8")


def _dossier_faults(injector: FaultInjector, data: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    faults = injector.faults
    out = []
    malformed = 0
    for record in data:
        if injector.should("malformed_row"):
            malform(record, malformed)
            malformed += 1
        if faults.schema_drift:
            record = drift(record, faults.schema_drift)
        out.append(record)
    return out
