"""Row-count guard: hold a version whose size moves beyond the bound; first publication passes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expectations.guard import check_row_count


def test_first_publication_passes() -> None:
    result = check_row_count(None, 12345, max_change_ratio=0.1)
    assert result.passed and result.change_ratio is None and result.reason == "first publication"


@pytest.mark.parametrize(
    ("previous", "new", "ratio", "passed"),
    [
        (1000, 1200, 0.2, True),  # exactly on the bound
        (1000, 800, 0.2, True),
        (1000, 1201, 0.2, False),
        (1000, 799, 0.2, False),
        (1000, 500, 0.2, False),  # a truncated export
        (0, 0, 0.2, True),
        (0, 10, 0.2, False),
        (35, 42, 0.2, True),
    ],
)
def test_bound(previous: int, new: int, ratio: float, passed: bool) -> None:
    result = check_row_count(previous, new, max_change_ratio=ratio)
    assert result.passed is passed and result.held_for_review is (not passed)
    assert str(previous) in result.reason and str(new) in result.reason


@pytest.mark.parametrize(("previous", "new", "ratio"), [(-1, 1, 0.1), (1, -1, 0.1), (1, 1, -0.1)])
def test_nonsense_inputs_raise(previous: int, new: int, ratio: float) -> None:
    with pytest.raises(ValueError):
        check_row_count(previous, new, max_change_ratio=ratio)


@given(st.integers(1, 10**9), st.integers(0, 10**9), st.floats(0, 5, allow_nan=False))
def test_verdict_matches_relative_change(previous: int, new: int, ratio: float) -> None:
    result = check_row_count(previous, new, max_change_ratio=ratio)
    exact = abs(new - previous) / previous
    if abs(exact - ratio) > 1e-9:
        assert result.passed == (exact <= ratio)
    assert result.to_dict()["held_for_review"] == (not result.passed)
