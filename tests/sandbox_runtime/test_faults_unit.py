"""Faults and FaultInjector without a server: validation, determinism, thread safety."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.faults import FAULT_KINDS, SCHEMA_DRIFTS, FaultInjector, Faults, format_retry_after

faults_dicts = st.fixed_dictionaries(
    {},
    optional={
        "latency_ms": st.integers(0, 10_000),
        "rate_limit_every": st.integers(0, 100),
        "retry_after_s": st.floats(0, 100, allow_nan=False),
        "error_5xx_every": st.integers(0, 100),
        "timeout_every": st.integers(0, 100),
        "timeout_s": st.floats(0, 100, allow_nan=False),
        "token_ttl_s": st.none() | st.floats(0, 1e6, allow_nan=False),
        "truncate_page_every": st.integers(0, 100),
        "repeat_page_every": st.integers(0, 100),
        "reorder_pages": st.booleans(),
        "schema_drift": st.none() | st.sampled_from(SCHEMA_DRIFTS),
        "malformed_rows_every": st.integers(0, 100),
        "bad_encoding": st.booleans(),
    },
)


def test_defaults_are_all_off():
    f = Faults()
    assert f.to_dict() == {
        "latency_ms": 0,
        "rate_limit_every": 0,
        "retry_after_s": 0.05,
        "error_5xx_every": 0,
        "timeout_every": 0,
        "timeout_s": 2.0,
        "token_ttl_s": None,
        "truncate_page_every": 0,
        "repeat_page_every": 0,
        "reorder_pages": False,
        "schema_drift": None,
        "malformed_rows_every": 0,
        "bad_encoding": False,
    }
    injector = FaultInjector()
    assert not any(injector.should(kind) for kind in FAULT_KINDS for _ in range(50))


@given(faults_dicts)
def test_from_dict_round_trips(d):
    f = Faults.from_dict(d)
    assert Faults.from_dict(f.to_dict()) == f
    for key, value in d.items():
        assert getattr(f, key) == value


@pytest.mark.parametrize(
    "bad",
    [
        {"rate_limit_evry": 2},
        {"rate_limit_every": -1},
        {"rate_limit_every": "2"},
        {"rate_limit_every": True},
        {"retry_after_s": -0.1},
        {"schema_drift": "drop_table"},
        {"reorder_pages": "yes"},
        {"token_ttl_s": "soon"},
    ],
)
def test_bad_knobs_are_rejected_by_name(bad):
    with pytest.raises(ValueError, match=next(iter(bad)).split("_evry")[0]):
        Faults.from_dict(bad)


def test_from_dict_rejects_non_objects():
    with pytest.raises(ValueError, match="JSON object"):
        Faults.from_dict([1, 2])  # type: ignore[arg-type]


@given(st.integers(1, 20), st.integers(0, 200))
def test_should_is_true_on_exactly_every_nth_call(every, calls):
    injector = FaultInjector(Faults(error_5xx_every=every))
    hits = [i + 1 for i in range(calls) if injector.should("error_5xx")]
    assert hits == [n for n in range(1, calls + 1) if n % every == 0]


def test_kinds_count_independently_and_set_restarts_counters():
    injector = FaultInjector(Faults(rate_limit_every=2, malformed_rows_every=3))
    assert [injector.should("rate_limit") for _ in range(4)] == [False, True, False, True]
    assert [injector.should("malformed_row") for _ in range(3)] == [False, False, True]
    assert injector.counts()["rate_limit"] == 4
    injector.set(Faults(rate_limit_every=2))
    assert injector.counts()["rate_limit"] == 0
    assert [injector.should("rate_limit") for _ in range(2)] == [False, True]
    injector.reset()
    assert injector.faults == Faults()
    assert not injector.should("rate_limit")


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown fault kind 'ratelimit'"):
        FaultInjector().should("ratelimit")


def test_should_is_thread_safe():
    injector = FaultInjector(Faults(truncate_page_every=7))
    hits = []
    lock = threading.Lock()

    def worker():
        mine = sum(injector.should("truncate_page") for _ in range(1000))
        with lock:
            hits.append(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert injector.counts()["truncate_page"] == 8000
    assert sum(hits) == 8000 // 7


def test_retry_after_formatting():
    assert format_retry_after(2.0) == "2"
    assert format_retry_after(0.05) == "0.05"


def test_install_marks_the_injector_so_apps_are_never_wrapped_twice():
    from starlette.applications import Starlette

    from sandbox.faults import FaultMiddleware, install_fault_middleware

    app, injector = Starlette(), FaultInjector()
    assert not injector.installed
    install_fault_middleware(app, injector)
    assert injector.installed
    assert [m.cls for m in app.user_middleware] == [FaultMiddleware]
