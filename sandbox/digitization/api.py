"""HTTP API of the sandbox digitisation platform (nền tảng số hóa dùng chung), bearer-token protected.

* ``POST /api/token`` (``Authorization: Bearer <API key>``): a short-lived access token,
  ``{access_token, token_type, expires_in}``. Access tokens live ``DEFAULT_TOKEN_TTL_S`` seconds, or
  ``token_ttl_s`` while that fault is set (applied to live tokens at once: "the token expires mid-run").
  An expired access token is answered 401 ``{"error": "token_expired"}`` with
  ``WWW-Authenticate: Bearer error="invalid_token"``. The long-lived API key itself is still accepted on
  every route, as the platform's first clients use it.
* ``GET /api/catalogue``: the catalogue (tables and columns) as JSON.
* ``GET /api/tables/{slug}/export?cursor=&limit=&format=``: rows changed after ``cursor``, oldest first.
  Default format ``ndjson``: one JSON object per line, every value a string, paging metadata in headers
  (``X-Page-Cursor`` echoes the cursor the page answers, ``X-Next-Cursor``, ``X-Has-More``,
  ``X-Row-Count`` lines sent, ``X-Columns`` the JSON list of ``{"id", "type"}`` the rows carry).
  ``format=json`` wraps the same page in one object for people reading it with curl.
* ``POST /_sandbox/digitization/advance?epochs=N``: move the platform's clock N days (new and changed rows).
* ``POST /_sandbox/digitization/grow?tables=N``: grow the catalogue to N tables (597 → 950), data included;
  runtime only (a restarted server serves the scenario's catalogue again).
* ``GET /_sandbox/digitization/status``: the current epoch and catalogue size.
* ``POST /_sandbox/digitization/expire``: expire every access token issued so far, now.

Data faults (from :mod:`sandbox.faults`) are applied here because only this handler knows what a page and a
row are: truncated bodies, the previous page served again, rows shuffled, schema drift, malformed rows
and legacy-encoded bytes.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import random
import secrets
import threading
import time
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.digitization import store
from sandbox.digitization.catalogue import TableSpec, build_catalogue, catalogue_dict, max_tables
from sandbox.faults import FaultInjector

DEFAULT_TOKEN_TTL_S = 3600.0
MAX_LIMIT = 10_000
DEFAULT_LIMIT = 1_000
ADDED_COLUMN = "ghi_chu_bo_sung"


def _drift_target(table: TableSpec) -> str:
    """The column schema-drift faults act on: the table's last business column (never the key)."""
    return table.columns[-3].id


def declared_columns(table: TableSpec, drift: str | None) -> list[dict[str, str]]:
    cols = [{"id": c.id, "type": c.semantic_type} for c in table.columns]
    target = _drift_target(table)
    if drift == "add_column":
        cols.append({"id": ADDED_COLUMN, "type": "text"})
    elif drift == "remove_column":
        cols = [c for c in cols if c["id"] != target]
    elif drift == "rename_column":
        cols = [{**c, "id": f"{target}_moi"} if c["id"] == target else c for c in cols]
    elif drift == "retype_column":
        cols = [
            {**c, "type": "integer" if c["type"] != "integer" else "text"} if c["id"] == target else c
            for c in cols
        ]
    return cols


def _apply_drift(payload: str, table: TableSpec, drift: str) -> str:
    row = json.loads(payload)
    target = _drift_target(table)
    if drift == "add_column":
        row[ADDED_COLUMN] = "Thông tin bổ sung"
    elif drift == "remove_column":
        row.pop(target, None)
    elif drift == "rename_column":
        row = {(f"{target}_moi" if k == target else k): v for k, v in row.items()}
    elif drift == "retype_column":
        # The department's new form sends a number where text was agreed: a breaking change.
        row[target] = int(hashlib.blake2b(payload.encode(), digest_size=2).hexdigest(), 16)
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def _malformed(payload: str, n: int) -> str:
    if n % 2:
        return payload[: max(1, len(payload) // 2)]  # cut mid-row: not JSON at all
    return json.dumps(list(json.loads(payload).values()), ensure_ascii=False)  # JSON, but not an object


def create_api(
    data_dir: pathlib.Path,
    seed: int,
    n_tables: int,
    token: str,
    injector: FaultInjector,
    scenario_name: str = "tiny",
) -> Starlette:
    tables = {t.slug: t for t in build_catalogue(n_tables, seed)}
    # Mutable: POST /_sandbox/digitization/grow adds tables at runtime (the catalogue-growth sensor's test).
    state = {
        "n_tables": n_tables,
        "catalogue": json.dumps(catalogue_dict(n_tables, seed), ensure_ascii=False).encode(),
    }
    con = store.connect(data_dir)
    lock = threading.Lock()  # one SQLite connection shared by the thread pool: serialise its use
    last_cursor: dict[str, str] = {}  # per table, the cursor of the last page served

    issued: dict[str, float] = {}  # access token -> monotonic time it was issued

    def ttl() -> float:
        configured = injector.faults.token_ttl_s
        return DEFAULT_TOKEN_TTL_S if configured is None else configured

    def bearer(request: Request) -> str:
        header = request.headers.get("authorization", "")
        return header[len("Bearer ") :] if header.startswith("Bearer ") else ""

    def denial(request: Request) -> JSONResponse | None:
        """None when the request carries the API key or a live access token, else the 401 to answer."""
        presented = bearer(request)
        if presented and secrets.compare_digest(presented, token):
            return None
        with lock:
            since = issued.get(presented)
        if since is None:
            return JSONResponse({"error": "missing or invalid bearer token"}, status_code=401)
        if time.monotonic() - since >= ttl():
            return JSONResponse(
                {"error": "token_expired", "message": "access token hết hạn (expired)"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return None

    async def access_token(request: Request) -> Response:
        if not secrets.compare_digest(bearer(request), token):
            return JSONResponse({"error": "invalid_client", "message": "sai API key"}, status_code=401)
        value = "hue-access-" + secrets.token_urlsafe(18)
        with lock:
            issued[value] = time.monotonic()
        return JSONResponse({"access_token": value, "token_type": "Bearer", "expires_in": ttl()})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "tables": len(tables)})

    async def catalogue(request: Request) -> Response:
        refused = denial(request)
        if refused is not None:
            return refused
        return Response(state["catalogue"], media_type="application/json; charset=utf-8")

    def export(request: Request) -> Response:
        refused = denial(request)
        if refused is not None:
            return refused
        slug = request.path_params["slug"]
        table = tables.get(slug)
        if table is None:
            return JSONResponse({"error": f"unknown table {slug!r}"}, status_code=404)
        cursor = request.query_params.get("cursor", "")
        fmt = request.query_params.get("format", "ndjson")
        try:
            limit = int(request.query_params.get("limit", DEFAULT_LIMIT))
        except ValueError:
            return JSONResponse({"error": "limit must be an integer"}, status_code=400)
        if not 1 <= limit <= MAX_LIMIT or fmt not in ("ndjson", "json"):
            return JSONResponse(
                {"error": f"limit must be 1..{MAX_LIMIT} and format ndjson or json"}, status_code=400
            )
        faults = injector.faults
        page_cursor = cursor
        with lock:
            previous = last_cursor.get(slug)
            if injector.should("repeat_page") and previous is not None and previous != cursor:
                page_cursor = previous  # a stale cache answers the previous request's page again
            else:
                last_cursor[slug] = cursor
            rows, has_more = store.page(con, slug, page_cursor, limit)
        next_cursor = rows[-1][0] if rows else page_cursor
        payloads = [p for _, p in rows]
        if faults.reorder_pages:
            random.Random(page_cursor).shuffle(payloads)
        if faults.schema_drift:
            payloads = [_apply_drift(p, table, faults.schema_drift) for p in payloads]
        payloads = [
            _malformed(p, i) if injector.should("malformed_row") else p for i, p in enumerate(payloads)
        ]
        columns = declared_columns(table, faults.schema_drift)
        if fmt == "json":
            head = {
                "table": slug,
                "cursor": page_cursor,
                "next_cursor": next_cursor,
                "has_more": has_more,
                "count": len(payloads),
                "columns": columns,
            }
            # the stored rows are already JSON text: splice them in rather than parse and re-dump them
            body = (
                json.dumps(head, ensure_ascii=False)[:-1] + ',"rows":[' + ",".join(payloads) + "]}"
            ).encode()
            return Response(body, media_type="application/json; charset=utf-8")
        lines = [p.encode() for p in payloads]
        if faults.bad_encoding:
            # Every 7th row comes from an old Windows-1258 spreadsheet: bytes that are not UTF-8.
            lines = [
                unicodedata.normalize("NFD", p.decode()).encode("cp1258", errors="replace")
                if i % 7 == 3
                else p
                for i, p in enumerate(lines)
            ]
        body = b"".join(line + b"\n" for line in lines)
        if body and injector.should("truncate_page"):
            body = body[: len(body) * 3 // 5]  # the connection dropped mid-page
        headers = {
            "X-Page-Cursor": page_cursor,
            "X-Next-Cursor": next_cursor,
            "X-Has-More": "true" if has_more else "false",
            "X-Row-Count": str(len(payloads)),
            "X-Columns": json.dumps(columns),
        }
        return Response(body, media_type="application/x-ndjson; charset=utf-8", headers=headers)

    async def advance(request: Request) -> Response:
        try:
            epochs = int(request.query_params.get("epochs", "1"))
        except ValueError:
            return JSONResponse({"error": "epochs must be an integer"}, status_code=400)
        if not 1 <= epochs <= 366:
            return JSONResponse({"error": "epochs must be 1..366"}, status_code=400)
        with lock:
            epoch = store.advance(data_dir, seed, state["n_tables"], epochs)
        return JSONResponse({"epoch": epoch})

    def grow(request: Request) -> Response:
        """Grow the catalogue to ``tables`` tables (the first ones unchanged), with data for the new ones."""
        try:
            target = int(request.query_params.get("tables", ""))
        except ValueError:
            return JSONResponse({"error": "tables must be an integer"}, status_code=400)
        with lock:
            current = state["n_tables"]
            if not current < target <= max_tables():
                return JSONResponse(
                    {"error": f"tables must be in {current + 1}..{max_tables()}"}, status_code=400
                )
            new = build_catalogue(target, seed)[current:]
            store.fill(data_dir, new, seed, scenario_name)
            tables.update({t.slug: t for t in new})
            state["n_tables"] = target
            state["catalogue"] = json.dumps(catalogue_dict(target, seed), ensure_ascii=False).encode()
        return JSONResponse({"tables": target, "added": [t.slug for t in new]})

    def expire(request: Request) -> Response:
        with lock:
            expired = len(issued)
            for value in issued:
                issued[value] = float("-inf")
        return JSONResponse({"expired": expired})

    def status(request: Request) -> Response:
        with lock:
            epoch = store.current_epoch(con)
        body: dict[str, Any] = {"epoch": epoch, "tables": state["n_tables"]}
        return JSONResponse(body)

    app = Starlette(
        routes=[
            Route("/_sandbox/health", health),
            Route("/_sandbox/digitization/advance", advance, methods=["POST"]),
            Route("/_sandbox/digitization/status", status),
            Route("/_sandbox/digitization/grow", grow, methods=["POST"]),
            Route("/_sandbox/digitization/expire", expire, methods=["POST"]),
            Route("/api/token", access_token, methods=["POST"]),
            Route("/api/catalogue", catalogue),
            Route("/api/tables/{slug}/export", export),
        ],
        lifespan=_closing_lifespan(con),
    )
    return app


def _closing_lifespan(con):
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        con.close()

    return lifespan
