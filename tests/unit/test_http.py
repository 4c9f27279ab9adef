"""Backoff, Retry-After, the is_retryable hooks and the shape of the error when retries run out."""

from __future__ import annotations

import http.server
import random
import threading

import pytest

from sources.common.errors import SourceError
from sources.common.http import RetryingSession, RetryPolicy, retry_after_seconds
from sources.common.paging import PageRetrier, RetryPage


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


# ---- the is_retryable hooks: protocol-level errors inside an HTTP 200 -------------------------------


class _Pages(http.server.BaseHTTPRequestHandler):
    """Serves ``/busy`` as a gateway that says "busy" in the body of the first two 200 answers."""

    calls = 0

    def do_GET(self):
        type(self).calls += 1
        body = b'{"error_code": 503}' if type(self).calls <= 2 else b'{"error_code": 0, "data": [1]}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def busy_server():
    _Pages.calls = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_session_is_retryable_hook_retries_a_busy_200(busy_server):
    sleeps: list[float] = []
    session = RetryingSession(
        "dvcqg",
        RetryPolicy(max_attempts=4, base_delay=0.01),
        is_retryable=lambda r: "busy" if r.json()["error_code"] == 503 else None,
        sleep=sleeps.append,
    )
    assert session.get(busy_server + "/busy").json()["data"] == [1]
    assert session.attempts == 3 and len(sleeps) == 2


def test_session_is_retryable_hook_runs_out_naming_the_problem(busy_server):
    session = RetryingSession(
        "dvcqg", RetryPolicy(max_attempts=2), is_retryable=lambda r: "busy", sleep=lambda _s: None
    )
    with pytest.raises(SourceError, match=r"dvcqg: .*/busy failed after retries: HTTP 200: busy"):
        session.get(busy_server + "/busy?token=secret")


class _Truncated(RetryPage):
    pass


def test_page_retrier_asks_again_for_a_retry_page_then_returns_it():
    answers = iter([_Truncated("cut at byte 10"), {"error_code": 0, "data": [1]}])

    def load():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    retrier = PageRetrier("one_stop", attempts=3)
    assert retrier.fetch("service X page 1", load) == {"error_code": 0, "data": [1]}
    assert retrier.retried == 1


def test_page_retrier_hook_sees_pages_and_exceptions():
    outcomes = iter([{"error_code": 401}, KeyError("TuNgay"), {"error_code": 0}])
    seen: list[object] = []

    def load():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def hook(outcome):
        seen.append(outcome)
        if isinstance(outcome, dict) and outcome["error_code"] == 401:
            return "session expired"
        if isinstance(outcome, KeyError):
            return "malformed envelope"
        return None

    sleeps: list[float] = []
    retrier = PageRetrier("one_stop", 3, policy=RetryPolicy(base_delay=0.5, max_delay=1), sleep=sleeps.append)
    assert retrier.fetch("p", load, hook) == {"error_code": 0}
    assert [type(o).__name__ for o in seen] == ["dict", "KeyError", "dict"]
    assert len(sleeps) == 2 and all(0 <= s <= 1 for s in sleeps)


def test_page_retrier_lets_other_errors_through_at_once():
    calls = []

    def load():
        calls.append(1)
        raise SourceError("digitization", "/api/x", "HTTP 503")

    with pytest.raises(SourceError, match="HTTP 503"):
        PageRetrier("digitization", 5).fetch("/api/x", load)
    assert len(calls) == 1  # the session already spent its retries: no second budget on top


def test_page_retrier_runs_out_naming_system_page_and_cause():
    def load():
        raise _Truncated("page announced 5 rows, body holds 3")

    retrier = PageRetrier("digitization", 2)
    with pytest.raises(
        SourceError,
        match=r"digitization: /api/tables/t/export at 'c1' failed after retries: page announced 5 rows.*"
        r"\(after 2 attempts\)",
    ):
        retrier.fetch("/api/tables/t/export at 'c1'", load)
    assert retrier.retried == 2
    with pytest.raises(ValueError, match="at least 1"):
        PageRetrier("x", 0)
