"""Fault injection (giả lập sự cố) for the sandbox systems: what real provincial systems do to a nightly sync.

Two kinds of faults:

* transport faults (latency, 429 with ``Retry-After``, 5xx, timeouts) are applied by
  :func:`install_fault_middleware` to every route of a system except ``/_sandbox/*``;
* data faults (truncated, repeated or reordered pages, schema drift, malformed rows, legacy encodings)
  are applied by each system's own handlers when ``injector.should(kind)`` or ``injector.faults.<knob>``
  says so, because only the handler knows what a page or a row is.

"Every Nth" faults are deterministic counters, not random draws, so a test can say exactly which
request fails. Faults are switched on a running server with ``POST /_sandbox/faults`` (JSON body = a
:class:`Faults` dict, missing knobs take their defaults) and off with ``DELETE /_sandbox/faults``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

SCHEMA_DRIFTS = ("add_column", "remove_column", "rename_column", "retype_column")

# kind accepted by FaultInjector.should -> the Faults knob holding its period N
_KIND_KNOBS = {
    "rate_limit": "rate_limit_every",
    "error_5xx": "error_5xx_every",
    "timeout": "timeout_every",
    "truncate_page": "truncate_page_every",
    "repeat_page": "repeat_page_every",
    "malformed_row": "malformed_rows_every",
}
FAULT_KINDS: tuple[str, ...] = tuple(_KIND_KNOBS)


@dataclass
class Faults:
    """The fault knobs of one system. All off by default; ``*_every = N`` means every Nth call (0 = never)."""

    latency_ms: int = 0
    rate_limit_every: int = 0  # every Nth request answers 429 with Retry-After
    retry_after_s: float = 0.05
    error_5xx_every: int = 0
    timeout_every: int = 0  # every Nth request hangs for timeout_s, then answers 504
    timeout_s: float = 2.0
    token_ttl_s: float | None = None  # session/access tokens expire after this many seconds
    truncate_page_every: int = 0
    repeat_page_every: int = 0
    reorder_pages: bool = False
    schema_drift: str | None = None  # one of SCHEMA_DRIFTS
    malformed_rows_every: int = 0
    bad_encoding: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_every") or f.name == "latency_ms":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"fault {f.name} must be an integer >= 0, got {value!r}")
            elif f.name in ("retry_after_s", "timeout_s") or (f.name == "token_ttl_s" and value is not None):
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"fault {f.name} must be a number >= 0, got {value!r}")
                setattr(self, f.name, float(value))
            elif f.name in ("reorder_pages", "bad_encoding") and not isinstance(value, bool):
                raise ValueError(f"fault {f.name} must be true or false, got {value!r}")
        if self.schema_drift is not None and self.schema_drift not in SCHEMA_DRIFTS:
            raise ValueError(
                f"fault schema_drift must be one of {', '.join(SCHEMA_DRIFTS)} or null, got {self.schema_drift!r}"
            )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Faults:
        """Faults from a (partial) dict; unknown knobs are an error so that a typo never silently does nothing."""
        if not isinstance(data, dict):
            raise ValueError(f"faults must be a JSON object, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(
                f"unknown fault knobs: {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultInjector:
    """The current :class:`Faults` of one running system plus its deterministic per-kind counters.

    Thread-safe: uvicorn handlers and thread-pool workers call :meth:`should` concurrently.
    """

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = faults or Faults()
        self._counters = dict.fromkeys(FAULT_KINDS, 0)
        self.installed = False  # set by install_fault_middleware, so a runtime never wraps an app twice

    @property
    def faults(self) -> Faults:
        return self._faults

    def set(self, faults: Faults) -> None:
        """Switch to ``faults`` and restart the counters, so "every Nth" counts from this moment."""
        with self._lock:
            self._faults = faults
            self._counters = dict.fromkeys(FAULT_KINDS, 0)

    def reset(self) -> None:
        """All faults off, counters at zero."""
        self.set(Faults())

    def should(self, kind: str) -> bool:
        """Count one call of ``kind``; True on every Nth call where N is the kind's ``*_every`` knob."""
        knob = _KIND_KNOBS.get(kind)
        if knob is None:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of: {', '.join(FAULT_KINDS)}")
        with self._lock:
            every = getattr(self._faults, knob)
            if every <= 0:
                return False
            self._counters[kind] += 1
            return self._counters[kind] % every == 0

    def counts(self) -> dict[str, int]:
        """Calls counted per kind since the last :meth:`set` (for tests and ``GET /_sandbox/faults``)."""
        with self._lock:
            return dict(self._counters)


def format_retry_after(seconds: float) -> str:
    """``Retry-After`` value: whole seconds as the RFC wants, fractions kept so fast tests stay fast."""
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


class FaultMiddleware:
    """Pure ASGI middleware: transport faults for every route except ``/_sandbox/*``, plus the faults API."""

    def __init__(self, app: Any, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path == "/_sandbox/faults":
            await self._faults_api(scope, receive, send)
            return
        if path.startswith("/_sandbox/"):
            await self.app(scope, receive, send)
            return
        faults = self.injector.faults
        # Count every kind on every request so each "every Nth" period holds on its own,
        # then apply the most disruptive one when several fall on the same request.
        timeout = self.injector.should("timeout")
        rate_limited = self.injector.should("rate_limit")
        error = self.injector.should("error_5xx")
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if timeout:
            await asyncio.sleep(faults.timeout_s)
            await _send_json(send, 504, {"error": "sandbox fault: gateway timeout"})
        elif rate_limited:
            await _send_json(
                send,
                429,
                {"error": "sandbox fault: too many requests"},
                [(b"retry-after", format_retry_after(faults.retry_after_s).encode())],
            )
        elif error:
            await _send_json(send, 503, {"error": "sandbox fault: service unavailable"})
        else:
            await self.app(scope, receive, send)

    async def _faults_api(self, scope: dict, receive: Any, send: Any) -> None:
        method = scope.get("method", "GET")
        if method == "GET":
            await _send_json(
                send, 200, {"faults": self.injector.faults.to_dict(), "counts": self.injector.counts()}
            )
        elif method == "DELETE":
            self.injector.reset()
            await _send_json(send, 200, {"faults": self.injector.faults.to_dict()})
        elif method == "POST":
            body = await _read_body(receive)
            try:
                faults = Faults.from_dict(json.loads(body or b"{}"))
            except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
                await _send_json(send, 400, {"error": f"invalid faults: {exc}"})
                return
            self.injector.set(faults)
            await _send_json(send, 200, {"faults": faults.to_dict()})
        else:
            await _send_json(
                send, 405, {"error": f"method {method} not allowed"}, [(b"allow", b"GET, POST, DELETE")]
            )


def install_fault_middleware(app: Any, injector: FaultInjector) -> None:
    """Wrap a Starlette/FastAPI ``app`` with transport faults and mount ``/_sandbox/faults`` (GET/POST/DELETE)."""
    app.add_middleware(FaultMiddleware, injector=injector)
    injector.installed = True


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send_json(send: Any, status: int, payload: dict, extra_headers: list | None = None) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *(extra_headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
