"""Property: every timeline the generator builds for a KPI category gets that verdict from kpi_check.

This ties the two independent implementations together on messy inputs (any procedure time, any period,
supplements or not): the generator constructs dossiers backwards from a verdict, kpi_check judges forwards.
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.one_stop import generate as gen
from sandbox.one_stop import kpi_check

EPOCH = dt.datetime(2020, 1, 1)


def at(sec: int | None) -> dt.datetime | None:
    return None if sec is None else EPOCH + dt.timedelta(seconds=sec)


def judge(tl: gen._Timeline, moment: int, days: int | None) -> str:
    supplements = [(at(q), at(a)) for q, a in tl.supplements]
    return kpi_check.verdict(at(moment), at(tl.received), at(tl.due), days, supplements)


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    category=st.sampled_from(["early", "on_time", "late", "not_judgeable"]),
    days=st.integers(1, 45),
    first=st.integers(1000, 1800),
    length=st.integers(0, 95),
    by_supplements=st.booleans(),
    due_from_max_days=st.booleans(),
)
def test_resolved_timelines_get_their_verdict(
    seed: int,
    category: str,
    days: int,
    first: int,
    length: int,
    by_supplements: bool,
    due_from_max_days: bool,
) -> None:
    by_supp = by_supplements and category == "late"
    tl = gen._resolved(random.Random(seed), category, days, first, first + length, by_supp)
    assert tl.end is not None and first * gen.DAY <= tl.end < (first + length + 1) * gen.DAY
    assert tl.received is not None and tl.received < tl.end
    times = [tl.received] + [t for pair in tl.supplements for t in pair if t is not None] + [tl.end]
    assert times == sorted(times), "events out of order"
    if category == "not_judgeable":
        assert judge(tl, tl.end, None) == "not_judgeable"
        return
    # Rule 3: without NgayHenTra the due date is receipt + the procedure's maximum time: same verdict.
    if due_from_max_days:
        tl.due = None
    assert judge(tl, tl.end, days) == category
    assert len(tl.supplements) == (2 if by_supp else len(tl.supplements))


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    category=st.sampled_from(["in_progress_within", "in_progress_over"]),
    days=st.integers(1, 45),
    end_day=st.integers(1000, 1800),
    ends_after=st.booleans(),
)
def test_in_progress_timelines_get_their_verdict(
    seed: int, category: str, days: int, end_day: int, ends_after: bool
) -> None:
    snapshot = (end_day + 400) * gen.DAY
    tl = gen._in_progress(random.Random(seed), category, days, end_day, ends_after, snapshot)
    period_end = end_day * gen.DAY + gen.DAY - 1
    assert tl.received is not None and tl.received <= period_end
    if ends_after:
        assert tl.end is not None and tl.end > period_end
    else:
        assert tl.end is None and tl.status in (2, 4, 5, 6)
    expected = "late" if category == "in_progress_over" else ("early", "on_time")
    got = judge(tl, period_end, days)
    assert got == expected if isinstance(expected, str) else got in expected


def test_verdict_rules_by_hand() -> None:
    r = dt.datetime(2024, 7, 1, 8, 0)
    due = dt.datetime(2024, 7, 5, 8, 0)
    v = kpi_check.verdict
    assert v(dt.datetime(2024, 7, 4, 16, 0), r, due, None, []) == "early"
    assert v(dt.datetime(2024, 7, 5, 7, 0), r, due, None, []) == "on_time"
    assert v(dt.datetime(2024, 7, 5, 9, 0), r, due, None, []) == "late"
    # One supplement of 3 days is the citizen's time: subtracted.
    supp = [(dt.datetime(2024, 7, 2, 8, 0), dt.datetime(2024, 7, 5, 8, 0))]
    assert v(dt.datetime(2024, 7, 7, 16, 0), r, due, None, supp) == "early"
    # Two requests: late whatever the dates.
    two = [*supp, (dt.datetime(2024, 7, 5, 9, 0), dt.datetime(2024, 7, 5, 10, 0))]
    assert v(dt.datetime(2024, 7, 5, 11, 0), r, due, None, two) == "late"
    # A request after the judging moment does not count; an unanswered one counts up to it.
    assert (
        v(dt.datetime(2024, 7, 4, 16, 0), r, due, None, [*supp, (dt.datetime(2024, 7, 9), None)]) == "early"
    )
    open_request = [(dt.datetime(2024, 7, 3, 8, 0), None)]
    assert v(dt.datetime(2024, 7, 10, 0, 0), r, due, None, open_request) == "early"
    # No due date: receipt + maximum days (calendar); with neither, not judgeable.
    assert v(dt.datetime(2024, 7, 3, 8, 0), r, None, 2, []) == "on_time"
    assert v(dt.datetime(2024, 7, 3, 8, 1), r, None, 2, []) == "late"
    assert v(dt.datetime(2024, 7, 3, 8, 1), r, None, None, []) == "not_judgeable"
