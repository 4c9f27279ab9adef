"""The LGSP gateway in front of the sandbox register: access tokens and per-token rate limits.

``POST /token`` with ``lgspaccesstoken: base64("AccessKey:SecretKey")`` issues a random bearer token that
lives ``token_ttl_s`` (the fault knob) or :data:`DEFAULT_TOKEN_TTL_S`. Each token may make
``requests_per_second`` calls on average with bursts of ``burst`` (a token bucket); beyond that the gateway
answers 429 with ``Retry-After`` in whole seconds, as the RFC wants.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass

DEFAULT_TOKEN_TTL_S = 3600.0
DEFAULT_REQUESTS_PER_SECOND = 200.0
DEFAULT_BURST = 200


@dataclass
class _Bucket:
    tokens: float
    updated: float


class Gateway:
    """Thread-safe token store and rate limiter."""

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        burst: int = DEFAULT_BURST,
        clock=time.monotonic,
    ) -> None:
        self._expected = f"{access_key}:{secret_key}".encode()
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}  # token -> expiry (clock time)
        self._buckets: dict[str, _Bucket] = {}
        self.set_limits(requests_per_second, burst)
        self.issued = 0

    def set_limits(self, requests_per_second: float, burst: int) -> None:
        if requests_per_second <= 0 or burst < 1:
            raise ValueError("requests_per_second must be > 0 and burst >= 1")
        with self._lock:
            self.requests_per_second = float(requests_per_second)
            self.burst = int(burst)
            self._buckets.clear()

    def credentials_ok(self, header: str | None) -> bool:
        if not header:
            return False
        try:
            decoded = base64.b64decode(header.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(decoded, self._expected)

    def issue(self, ttl_s: float | None) -> tuple[str, float]:
        ttl = DEFAULT_TOKEN_TTL_S if ttl_s is None else ttl_s
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            # forget dead tokens so a long run with short TTLs does not grow the store without bound
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + ttl
            self.issued += 1
        return token, ttl

    def token_valid(self, authorization: str | None) -> str | None:
        """The token from ``Authorization: Bearer …`` if it is known and alive, else ``None``."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        token = authorization[len("Bearer ") :].strip()
        with self._lock:
            expiry = self._tokens.get(token)
            return token if expiry is not None and expiry > self._clock() else None

    def expire_all(self) -> int:
        """Expire every token now (tests: force a refresh in the middle of a run)."""
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
            return count

    def admit(self, token: str) -> float | None:
        """Take one request from the token's bucket; ``None`` if admitted, else seconds until it would be."""
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(token)
            if bucket is None:
                bucket = self._buckets[token] = _Bucket(float(self.burst), now)
            bucket.tokens = min(
                float(self.burst), bucket.tokens + (now - bucket.updated) * self.requests_per_second
            )
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / self.requests_per_second


def retry_after_header(wait_s: float) -> str:
    """Whole seconds, rounded up: a client that honours it is then admitted."""
    return str(max(1, math.ceil(wait_s)))
