"""HTTP with bounded retries: exponential backoff with jitter, ``Retry-After``, and token refresh.

Every HTTP connector goes through :class:`RetryingSession` so that a nightly sync under a flaky source
either completes or fails naming the system, the endpoint and the last error.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests

from sources.common.errors import SourceError

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class TokenExpired(Exception):
    """Raised by a response hook when the source says the session token is no longer valid."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.2
    max_delay: float = 20.0
    timeout: float = 30.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff (attempt counts from 1)."""
        cap = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return rng.uniform(0, cap)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)  # delta-seconds; some gateways send fractions
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 else None
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (now if now is not None else time.time()))


class RetryingSession:
    """A ``requests.Session`` wrapper that retries what is worth retrying and nothing else.

    ``refresh_token`` is called (and the request retried) when a response is 401 or when
    ``is_token_expired(response)`` says so; the DVCQG and LGSP APIs signal expiry in the body, not
    always in the status code. ``auth_headers`` is called before every attempt, so a refreshed token
    is used at once. ``is_retryable(response)`` names a protocol-level error inside a successful HTTP
    answer that the same request may not meet again (a gateway's "busy" code in the body, a body shorter
    than its ``Content-Length``); such an answer is retried with the same backoff as a 503. Errors that
    need a changed request (a new page cursor, a fresh session in the body) belong to
    :class:`sources.common.paging.PageRetrier` instead.
    """

    def __init__(
        self,
        system: str,
        policy: RetryPolicy | None = None,
        *,
        refresh_token: Callable[[], None] | None = None,
        is_token_expired: Callable[[requests.Response], bool] | None = None,
        auth_headers: Callable[[], dict[str, str]] | None = None,
        is_retryable: Callable[[requests.Response], str | None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
    ) -> None:
        self.system = system
        self.policy = policy or RetryPolicy()
        self.session = requests.Session()
        self._refresh_token = refresh_token
        self._is_token_expired = is_token_expired
        self._auth_headers = auth_headers
        self._is_retryable = is_retryable
        self._sleep = sleep
        self._rng = random.Random(seed)
        self.attempts = 0  # total HTTP attempts, for metadata

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", self.policy.timeout)
        last_error = "no attempt made"
        refreshed = False
        for attempt in range(1, self.policy.max_attempts + 1):
            self.attempts += 1
            if self._auth_headers is not None:
                kwargs["headers"] = {**kwargs.get("headers", {}), **self._auth_headers()}
            try:
                response = self.session.request(method, url, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
                self._backoff(attempt, None, url, last_error)
                continue
            expired = response.status_code == 401 or (
                self._is_token_expired is not None and self._is_token_expired(response)
            )
            if expired and self._refresh_token is not None:
                last_error = f"HTTP {response.status_code}: token expired"
                if refreshed and response.status_code == 401:
                    break  # a fresh token was refused too: credentials are wrong, retrying won't help
                log.info("%s: token expired at %s, refreshing", self.system, _endpoint(url))
                self._refresh_token()
                refreshed = True
                continue
            if response.status_code in RETRYABLE_STATUS:
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
                self._backoff(
                    attempt, retry_after_seconds(response.headers.get("Retry-After")), url, last_error
                )
                continue
            if response.status_code >= 400:
                raise SourceError(
                    self.system, _endpoint(url), f"HTTP {response.status_code}: {response.text[:200]}"
                )
            problem = self._is_retryable(response) if self._is_retryable is not None else None
            if problem:
                last_error = f"HTTP {response.status_code}: {problem}"
                self._backoff(attempt, None, url, last_error)
                continue
            return response
        raise SourceError(self.system, _endpoint(url), last_error)

    def _backoff(self, attempt: int, retry_after: float | None, url: str, error: str) -> None:
        if attempt >= self.policy.max_attempts:
            return
        delay = retry_after if retry_after is not None else self.policy.delay(attempt, self._rng)
        delay = min(delay, self.policy.max_delay)
        log.warning(
            "%s: %s failed (%s); retry %d in %.2fs", self.system, _endpoint(url), error, attempt, delay
        )
        self._sleep(delay)

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> requests.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.session.close()


def _endpoint(url: str) -> str:
    """The URL without its query string: queries may carry tokens, and tokens never reach logs."""
    return url.split("?", 1)[0]
