"""Backoff, Retry-After and the shape of the error when retries run out."""

from __future__ import annotations

import random

import pytest

from sources.common.http import RetryPolicy, retry_after_seconds


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("0.25", 0.25), (" 10 ", 10.0), ("-1", None), ("soon", None), (None, None), ("", None)],
)
def test_retry_after_seconds(header, seconds):
    assert retry_after_seconds(header) == seconds


def test_retry_after_http_date():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)


def test_backoff_is_bounded_full_jitter():
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    rng = random.Random(1)
    delays = [policy.delay(attempt, rng) for attempt in range(1, 12) for _ in range(20)]
    assert all(0 <= d <= 4.0 for d in delays)
    assert max(delays) > 2.0  # it does grow
