"""The Python checks GE cannot express: row sums and complete monthly periods."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from expectations.checks import periods_complete, run_check, sum_at_most, sum_equals

from .kpi_data import month_end


def _months(first: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    periods, start = [], first
    for _ in range(count):
        periods.append((start, month_end(start)))
        start = month_end(start) + dt.timedelta(days=1)
    return periods


def test_sum_equals_reports_bad_rows_with_keys() -> None:
    table = pa.table({"k": ["a", "b", "c"], "t": [3, 4, None], "x": [1, 1, 1], "y": [2, 2, 2]})
    check = {"type": "sum_equals", "kwargs": {"total": "t", "parts": ["x", "y"], "key": ["k"]}}
    outcome = sum_equals(table, check)
    assert not outcome.success and outcome.unexpected_count == 1
    assert outcome.sample_values == [{"k": "b", "t": 4, "x": 1, "y": 2}]


def test_sum_at_most_passes_on_equality_and_fails_above() -> None:
    table = pa.table({"a": [1, 2], "b": [1, 2], "bound": [2, 3]})
    outcome = sum_at_most(table, {"type": "sum_at_most", "kwargs": {"parts": ["a", "b"], "bound": "bound"}})
    assert outcome.unexpected_count == 1 and outcome.sample_values[0]["bound"] == 3


def test_missing_column_is_a_failure_not_a_pass() -> None:
    table = pa.table({"a": [1]})
    outcome = run_check(table, {"type": "sum_equals", "kwargs": {"total": "a", "parts": ["nope"]}})
    assert not outcome.success and "nope" in (outcome.exception or "")


def test_periods_complete_finds_gap_overlap_and_non_month() -> None:
    periods = _months(dt.date(2024, 1, 1), 4)
    rows = [{"level": "commune", "s": s, "e": e} for s, e in periods if s.month != 3]
    rows.append({"level": "province", "s": dt.date(2024, 1, 1), "e": dt.date(2024, 1, 31)})
    rows.append({"level": "province", "s": dt.date(2024, 1, 15), "e": dt.date(2024, 2, 14)})
    outcome = periods_complete(
        pa.Table.from_pylist(rows),
        {"type": "periods_complete", "kwargs": {"start": "s", "end": "e", "group_by": ["level"]}},
    )
    assert not outcome.success
    text = " ".join(outcome.sample_values)
    assert "commune: gap 2024-03-01..2024-03-31" in text
    assert "province: 2024-01-15..2024-02-14 is not a calendar month" in text
    assert "overlaps" in text


def test_contiguous_grain_accepts_15th_to_14th_periods() -> None:
    rows = [
        {"s": dt.date(2022, 12, 15), "e": dt.date(2023, 3, 14)},
        {"s": dt.date(2023, 3, 15), "e": dt.date(2023, 6, 14)},
    ]
    check = {"type": "periods_complete", "kwargs": {"start": "s", "end": "e", "grain": "contiguous"}}
    assert periods_complete(pa.Table.from_pylist(rows), check).success


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(min_value=2, max_value=30),
    first_month=st.integers(min_value=0, max_value=120),
    data=st.data(),
)
def test_periods_complete_detects_exactly_the_removed_month(count: int, first_month: int, data) -> None:
    first = dt.date(2015 + first_month // 12, first_month % 12 + 1, 1)
    periods = _months(first, count)
    removed = (
        data.draw(st.sets(st.integers(min_value=1, max_value=count - 2), max_size=3)) if count > 2 else set()
    )
    kept = [p for i, p in enumerate(periods) if i not in removed]
    shuffled = data.draw(st.permutations(kept))
    table = pa.Table.from_pylist([{"s": s, "e": e} for s, e in shuffled])
    outcome = periods_complete(table, {"type": "periods_complete", "kwargs": {"start": "s", "end": "e"}})
    # Adjacent removed months form one gap.
    gaps = sum(1 for i in removed if i - 1 not in removed)
    assert outcome.success == (not removed)
    assert outcome.unexpected_count == gaps


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(-3, 3)), min_size=1, max_size=40
    )
)
def test_sum_equals_counts_every_and_only_inconsistent_row(rows: list[tuple[int, int, int]]) -> None:
    table = pa.table(
        {"x": [r[0] for r in rows], "y": [r[1] for r in rows], "t": [r[0] + r[1] + r[2] for r in rows]}
    )
    outcome = sum_equals(table, {"type": "sum_equals", "kwargs": {"total": "t", "parts": ["x", "y"]}})
    assert outcome.unexpected_count == sum(1 for r in rows if r[2] != 0)


def test_column_types_reports_wrong_and_missing_columns() -> None:
    table = pa.table({"d": pa.array(["2024-01-01"]), "n": pa.array([1], pa.int32()), "r": pa.array([1.5])})
    check = {
        "type": "column_types",
        "kwargs": {"columns": {"d": "date", "n": "integer", "r": "decimal", "level": "text"}},
    }
    outcome = run_check(table, check)
    assert not outcome.success and outcome.unexpected_count == 2
    assert outcome.sample_values == ["d: string is not date", "level: missing (expected text)"]
    bad_family = run_check(table, {"type": "column_types", "kwargs": {"columns": {"d": "day"}}})
    assert not bad_family.success and "day" in (bad_family.exception or "")


def test_malformed_check_kwargs_fail_with_the_error() -> None:
    outcome = run_check(pa.table({"a": [1]}), {"type": "sum_at_most", "kwargs": {"parts": ["a"]}})
    assert not outcome.success and "bound" in (outcome.exception or "")
