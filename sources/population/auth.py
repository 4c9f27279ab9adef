"""LGSP access tokens and the per-officer ``AuthHash`` (xác thực cán bộ tra cứu).

Two credentials guard every lookup (domain guide §3):

* the province's integration credential: ``AccessKey``/``SecretKey``, sent to ``POST /token`` as
  ``lgspaccesstoken: base64("AccessKey:SecretKey")``; the answer is an expiring bearer token
  ``{"access_token", "token_type": "Bearer", "expires_in": seconds}``;
* the officer's credential, never sent itself: each request carries
  ``AuthHash = hex(HMAC-SHA256(key=SHA-256(UTF-8 officer password),
  msg="MaTichHop|MaCanBo|MaDVC|MaYeuCau"))``. Binding the request id and the public-service code means
  a captured hash authorises exactly one lookup for one service, and the gateway only needs to keep
  ``SHA-256(password)``, not the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Callable

from sources.common.errors import SourceError
from sources.common.http import RetryingSession

SYSTEM = "population"
# Refresh a little before the announced expiry so that a request never leaves with a token that dies in flight.
EXPIRY_MARGIN_S = 5.0


def lgsp_access_header(access_key: str, secret_key: str) -> str:
    """Value of the ``lgspaccesstoken`` header: base64 of ``AccessKey:SecretKey``."""
    return base64.b64encode(f"{access_key}:{secret_key}".encode()).decode("ascii")


def officer_key(officer_password: str) -> bytes:
    """The officer's derived key, SHA-256 of the password: what the gateway stores instead of the password."""
    return hashlib.sha256(officer_password.encode("utf-8")).digest()


def auth_hash(
    *, integration_code: str, officer_code: str, service_code: str, request_id: str, key: bytes
) -> str:
    """``AuthHash`` for one request (lower-case hex), from the officer's derived key."""
    message = "|".join((integration_code, officer_code, service_code, request_id)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class TokenProvider:
    """Fetches, caches and refreshes the LGSP bearer token (thread-safe)."""

    def __init__(
        self,
        token_url: str,
        access_key: str,
        secret_key: str,
        session: RetryingSession,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._header = lgsp_access_header(access_key, secret_key)
        self._session = session
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.refreshes = 0  # how many tokens were fetched, for run metadata

    def __repr__(self) -> str:
        return f"TokenProvider(token_url={self._token_url!r})"

    def refresh(self) -> None:
        """Fetch a new token now (called on 401 and before expiry)."""
        with self._lock:
            self._fetch()

    def bearer_headers(self) -> dict[str, str]:
        """``Authorization`` header with a token valid for at least the margin."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - EXPIRY_MARGIN_S:
                self._fetch()
            return {"Authorization": f"Bearer {self._token}"}

    def _fetch(self) -> None:
        response = self._session.post(self._token_url, headers={"lgspaccesstoken": self._header})
        try:
            body = response.json()
            token = body["access_token"]
            expires_in = float(body.get("expires_in", 0))
        except (ValueError, KeyError, TypeError) as exc:
            # the body may hold the token: name the problem, never print the body
            raise SourceError(
                SYSTEM, _path(self._token_url), f"token answer unreadable ({type(exc).__name__})"
            ) from None
        if not isinstance(token, str) or not token:
            raise SourceError(SYSTEM, _path(self._token_url), "token answer has no access_token")
        self._token = token
        # Refresh EXPIRY_MARGIN_S before expiry; a token living shorter than the margin is used until it
        # dies (then the gateway's 401 triggers the refresh) rather than refetched before every request.
        lifetime = expires_in if expires_in > EXPIRY_MARGIN_S else expires_in + EXPIRY_MARGIN_S
        self._expires_at = self._clock() + lifetime
        self.refreshes += 1


def _path(url: str) -> str:
    return url.split("?", 1)[0]
