"""Read the one-stop system through its DVCQG-style HTTP API (session token, ``service`` names, date-range
paging, ``error_code``), yielding the same lake tables as the SQL connector.

The API pages by number inside a ``[TuNgay, DenNgay]`` window, so a page can shift under the reader or
come back twice. The reader pins ``DenNgay`` at the start of the sync, checks every page it gets (a page
whose rows were all seen already is fetched again), and finally checks that it holds as many distinct
records as the API said there were: a sync is complete, or it fails and its cursor does not move.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import orjson
import pyarrow as pa

from sources.common.batch import QuarantinedRow, SourceBatch
from sources.common.errors import SourceError
from sources.common.http import RetryingSession, RetryPolicy
from sources.common.paging import PageRetrier, RetryPage
from sources.one_stop.contract import (
    ARROW_COLUMNS,
    NESTED_LISTS,
    PARENT_VERSION,
    PROCEDURE_LISTS,
    PROCEDURE_VERSION,
    TS_FORMAT,
    arrow_schema,
    dossier_problem,
    shift_cursor,
)

log = logging.getLogger(__name__)

SERVICES = {
    "dossiers": ("LayDanhSachHoSo", ("MaHoSo",)),
    "processing_steps": ("LayTienDoHoSo", ("MaHoSo", "STT")),
    "procedures": ("LayDanhSachTTHC", ("MaTTHC",)),
    "agencies": ("LayDanhMucCoQuan", ("MaDonVi",)),
    "fields": ("LayDanhMucLinhVuc", ("MaLinhVuc",)),
}
EPOCH = "20000101000000"


class PageError(RetryPage):
    """A page that cannot be used as it came (truncated, not JSON): worth asking for again."""


def decode_page(body: bytes) -> dict[str, Any]:
    """JSON from a page body; a Windows-1258 body (seen from legacy gateways) is recovered, not rejected."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = unicodedata.normalize("NFC", body.decode("cp1258", errors="strict"))
        log.warning("one_stop: a page arrived in Windows-1258, not UTF-8; decoded it as such")
    try:
        payload = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise PageError(f"page is not complete JSON ({len(body)} bytes): {exc}") from exc
    if not isinstance(payload, dict):
        raise PageError("page is not a JSON object")
    return payload


def _normalise_keys(record: dict[str, Any], table: str) -> dict[str, Any]:
    """Catalogue services spell keys in upper case (MATTHC): map them onto the contract's names."""
    by_upper = {name.upper(): name for name in ARROW_COLUMNS[table]}
    return {by_upper.get(key.upper(), key): value for key, value in record.items()}


def _is_int(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().lstrip("-").isdigit()
    )


def _page_types(table: str, rows: list[dict[str, Any]]) -> dict[str, pa.DataType]:
    """Contract integer columns whose every value in the page is non-numeric arrive retyped (as text)."""
    types: dict[str, pa.DataType] = {}
    for name, typ in ARROW_COLUMNS[table].items():
        values = [r.get(name) for r in rows if r.get(name) not in (None, "")]
        if pa.types.is_integer(typ) and values and not any(_is_int(v) for v in values):
            types[name] = pa.string()
        else:
            types[name] = typ
    return types


def _to_arrow(
    table: str, rows: list[dict[str, Any]], present: list[str], types: dict[str, pa.DataType] | None = None
) -> tuple[pa.Table, list[QuarantinedRow]]:
    schema = arrow_schema(table, present, types or _page_types(table, rows))
    good, bad = [], []
    for row in rows:
        try:
            good.append({f.name: _coerce(row.get(f.name), f.type) for f in schema})
        except (TypeError, ValueError) as exc:
            bad.append(QuarantinedRow.of(f"type error: {exc}", row))
    return pa.table({f.name: pa.array([r[f.name] for r in good], f.type) for f in schema}, schema=schema), bad


def _coerce(value: Any, typ: pa.DataType) -> Any:
    if value is None or value == "":
        return None
    if pa.types.is_integer(typ):
        if _is_int(value):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return str(value)


class OneStopApiConnector:
    """Incremental extraction over the DVCQG-style API; configuration only, no state between syncs."""

    system = "one_stop"

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        page_size: int = 1000,
        overlap: timedelta = timedelta(minutes=10),
        policy: RetryPolicy | None = None,
        page_attempts: int = 4,
        now: datetime | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._username = username
        self._password = password
        self.page_size = page_size
        self.overlap = overlap
        self.page_attempts = page_attempts
        self._now = now
        self._session_token: str | None = None
        # The session token travels in the JSON body, so expiry is handled per page (log in, ask again)
        # rather than by the HTTP layer, which would resend the stale body.
        self.http = RetryingSession(self.system, policy)
        self.pages = PageRetrier(self.system, page_attempts)

    # ---- session -----------------------------------------------------------------------------------
    def _login(self) -> None:
        response = self.http.post(
            f"{self.base_url}/token", json={"username": self._username, "password": self._password}
        )
        try:
            body = decode_page(response.content)
        except PageError:
            body = {}
        if body.get("error_code") != 0 or not body.get("session"):
            raise SourceError(
                self.system, "/api/token", f"login refused: {body.get('message', response.status_code)}"
            )
        self._session_token = body["session"]

    # ---- paging ------------------------------------------------------------------------------------
    def _page(self, service: str, window: tuple[str, str], page: int) -> dict[str, Any]:
        def load() -> dict[str, Any]:
            if self._session_token is None:
                self._login()
            response = self.http.post(
                f"{self.base_url}/service",
                data=orjson.dumps(
                    {
                        "session": self._session_token,
                        "service": service,
                        "TuNgay": window[0],
                        "DenNgay": window[1],
                        "page": page,
                        "pageSize": self.page_size,
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
            return decode_page(response.content)  # PageError (a RetryPage) when cut or not JSON

        def session_expired(outcome: object) -> str | None:
            # DVCQG says "session expired" as error_code 401 in an HTTP 200: log in before asking again.
            if isinstance(outcome, dict) and outcome.get("error_code") == 401:
                self._session_token = None
                return "session expired"
            return None

        payload = self.pages.fetch(f"service {service} page {page}", load, session_expired)
        code = payload.get("error_code")
        if code != 0:
            raise SourceError(
                self.system, f"service {service}", f"error_code {code}: {payload.get('message')}"
            )
        return payload

    def _listing(self, table: str, cursor: str | None) -> Iterator[list[dict[str, Any]]]:
        """Every record of the window, page by page, each record once; complete or SourceError."""
        service, key = SERVICES[table]
        start = shift_cursor(cursor, self.overlap) or EPOCH
        window = (start, (self._now or datetime.now()).strftime(TS_FORMAT))
        seen: set[tuple] = set()
        refetches: dict[int, int] = {}
        page, total = 1, None
        while total is None or (page - 1) * self.page_size < total:
            payload = self._page(service, window, page)
            total = int(payload.get("total") or 0)
            rows = [_normalise_keys(r, table) for r in payload.get("data") or []]
            keys = [tuple(str(r.get(k)) for k in key) for r in rows]
            fresh = [r for r, k in zip(rows, keys, strict=True) if k not in seen]
            if rows and not fresh and refetches.get(page, 0) < self.page_attempts:
                refetches[page] = refetches.get(page, 0) + 1
                log.warning("one_stop: %s page %d repeated rows already read; asking again", service, page)
                continue
            seen.update(keys)
            if fresh or page == 1:
                yield fresh
            page += 1
        if len(seen) != total:
            raise SourceError(
                self.system,
                f"service {service}",
                f"incomplete listing: {len(seen)} distinct records for total {total} (pages shifted?)",
            )

    # ---- streams -----------------------------------------------------------------------------------
    def dossiers(self, cursor: str | None) -> Iterator[SourceBatch]:
        for rows in self._listing("dossiers", cursor):
            good, bad = [], []
            types = _page_types("dossiers", rows)
            retyped = frozenset(n for n, t in ARROW_COLUMNS["dossiers"].items() if types[n] != t)
            for row in rows:
                problem = dossier_problem(row, retyped)
                (bad.append(QuarantinedRow.of(problem, row)) if problem else good.append(row))
            present = sorted(
                {k for r in rows for k in r if k not in NESTED_LISTS}, key=_column_order("dossiers")
            )
            table, type_bad = _to_arrow("dossiers", good, present, types)
            yield SourceBatch("dossiers", table, cursor=_max_cursor(rows), quarantined=bad + type_bad)
            for list_name, (lake_name, _) in NESTED_LISTS.items():
                children = []
                for row in good:
                    for i, item in enumerate(row.get(list_name) or [], start=1):
                        child = {
                            "STT": i,
                            **item,
                            "MaHoSo": row["MaHoSo"],
                            PARENT_VERSION: row["NgayCapNhat"],
                        }
                        children.append(child)
                child_table, child_bad = _to_arrow(lake_name, children, list(ARROW_COLUMNS[lake_name]))
                yield SourceBatch(lake_name, child_table, cursor=_max_cursor(rows), quarantined=child_bad)

    def processing_steps(self, cursor: str | None) -> Iterator[SourceBatch]:
        yield from self._flat("processing_steps", cursor)

    def catalogue(self, name: str, cursor: str | None) -> Iterator[SourceBatch]:
        if name != "procedures":
            yield from self._flat(name, cursor)
            return
        # Procedures nest their online-level history (LICHSUMUCDODVC): split it off into its own lake table,
        # each row tied to the procedure version it came with, as the SQL connector does.
        lists = {
            list_name.upper(): (list_name, lake_name) for list_name, (lake_name, _) in PROCEDURE_LISTS.items()
        }
        for rows in self._listing(name, cursor):
            nested: dict[str, list[tuple[dict[str, Any], list]]] = {lake: [] for _, lake in lists.values()}
            flat = []
            for row in rows:
                record = {}
                for key, value in row.items():
                    if key.upper() in lists:
                        nested[lists[key.upper()][1]].append((row, value or []))
                    else:
                        record[key] = value
                flat.append(record)
            present = sorted({k for r in flat for k in r}, key=_column_order(name)) or list(
                ARROW_COLUMNS[name]
            )
            data, bad = _to_arrow(name, flat, present)
            cursor_to = _max_cursor(flat)
            yield SourceBatch(name, data, cursor=cursor_to, quarantined=bad)
            for lake_name, parents in nested.items():
                children = [
                    {
                        "STT": i,
                        **_normalise_keys(item, lake_name),
                        "MaTTHC": parent.get("MaTTHC"),
                        PROCEDURE_VERSION: parent.get("NgayCapNhat"),
                    }
                    for parent, items in parents
                    for i, item in enumerate(items, start=1)
                ]
                child_table, child_bad = _to_arrow(lake_name, children, list(ARROW_COLUMNS[lake_name]))
                yield SourceBatch(lake_name, child_table, cursor=cursor_to, quarantined=child_bad)

    def _flat(self, table: str, cursor: str | None) -> Iterator[SourceBatch]:
        for rows in self._listing(table, cursor):
            present = sorted({k for r in rows for k in r}, key=_column_order(table)) or list(
                ARROW_COLUMNS[table]
            )
            data, bad = _to_arrow(table, rows, present)
            yield SourceBatch(table, data, cursor=_max_cursor(rows), quarantined=bad)

    def close(self) -> None:
        self.http.close()


def _column_order(table: str):
    order = {name: i for i, name in enumerate(ARROW_COLUMNS[table])}
    return lambda name: (order.get(name, len(order)), name)


def _max_cursor(rows: list[dict[str, Any]]) -> str | None:
    values = [str(r["NgayCapNhat"]) for r in rows if r.get("NgayCapNhat")]
    return max(values) if values else None
