"""Ask for a page again when it came back unusable (trang lỗi): the one page-retry loop of every paging
connector.

:class:`~sources.common.http.RetryingSession` retries what HTTP says went wrong (connection errors, 429,
5xx, 401). A page can also be wrong *inside* an HTTP 200: cut off in transit, a stale cache answering
another cursor, the previous page served again, a DVCQG ``error_code`` saying the session expired. Only
the connector knows what its pages look like, so it hands :meth:`PageRetrier.fetch` a ``load`` function
that fetches and parses one page, and optionally an ``is_retryable`` hook that looks at what ``load``
raised or returned and names the protocol-level problem (or says ``None``: use it / let it propagate).

A ``load`` that raises :class:`RetryPage` is always asked again; any other exception propagates at once
unless the hook names it, so an HTTP error that already used up the session's retries, or a contract
violation, is never retried twice over. When the attempts run out the fetch fails with
:class:`~sources.common.errors.SourceError` naming the system, the page and the last problem.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sources.common.errors import SourceError
from sources.common.http import RetryPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")
IsRetryable = Callable[[Any], str | None]
"""``is_retryable(exception | loaded page) -> reason | None``: a reason means "ask for the page again"."""


class RetryPage(Exception):
    """Raised by a page loader: the page is unusable as it came (truncated, stale, repeated); ask again."""


class PageRetrier:
    """Bounded page retries for one connector: ``attempts`` per page, optional backoff between them.

    ``retried`` counts the pages asked for again (for run metadata and tests). The backoff uses the
    connector's :class:`RetryPolicy` with full jitter from a seeded generator, so a test run is repeatable.
    """

    def __init__(
        self,
        system: str,
        attempts: int = 4,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        seed: int = 0,
    ) -> None:
        if attempts < 1:
            raise ValueError(f"page attempts must be at least 1, got {attempts}")
        self.system = system
        self.attempts = attempts
        self.policy = policy
        self._sleep = sleep
        self._rng = random.Random(seed)
        self.retried = 0

    def fetch(self, endpoint: str, load: Callable[[], T], is_retryable: IsRetryable | None = None) -> T:
        """``load()``'s page once it is usable; :class:`SourceError` after ``attempts`` unusable ones."""
        last = "no attempt made"
        for attempt in range(1, self.attempts + 1):
            try:
                page = load()
            except Exception as exc:
                reason = is_retryable(exc) if is_retryable is not None else None
                if reason is None and isinstance(exc, RetryPage):
                    reason = str(exc) or type(exc).__name__
                if reason is None:
                    raise
            else:
                reason = is_retryable(page) if is_retryable is not None else None
                if reason is None:
                    return page
            last = reason
            self.retried += 1
            log.warning(
                "%s: %s unusable (%s), attempt %d of %d",
                self.system,
                endpoint,
                reason,
                attempt,
                self.attempts,
            )
            if attempt < self.attempts and self.policy is not None:
                self._sleep(self.policy.delay(attempt, self._rng))
        raise SourceError(self.system, endpoint, f"{last} (after {self.attempts} attempts)")
