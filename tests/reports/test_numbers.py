"""Report formatting in Vietnamese notation, checked by parsing it back with the platform's own parser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.numbers import (
    MISSING,
    fmt_count,
    fmt_date,
    fmt_difference,
    fmt_month,
    fmt_percent,
    fmt_period,
    fmt_points,
    quarter_label,
    roman,
)
from sources.common.vietnamese import parse_date_vi, parse_number_vi, parse_percent_vi

rates = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def test_the_figures_of_the_seed_report():
    assert fmt_count(106071) == "106.071"
    assert fmt_count(68832) == "68.832"
    assert fmt_percent(Decimal("64.89")) == "64,89 %"
    assert fmt_percent(96.29) == "96,29 %"
    assert fmt_percent(65, 0) == "65 %"
    assert fmt_count(433) == "433"
    assert fmt_date(dt.date(2024, 6, 15)) == "15/06/2024"
    assert fmt_period(dt.date(2024, 6, 15), dt.date(2024, 9, 15)) == "15/06/2024 – 15/09/2024"
    assert fmt_month(dt.date(2024, 7, 1)) == "07/2024"
    assert quarter_label(2024, 3) == "Quý III/2024" and quarter_label(2023, 1) == "Quý I/2023"
    assert [roman(n) for n in (1, 2, 3, 4, 9, 14)] == ["I", "II", "III", "IV", "IX", "XIV"]


def test_missing_values_and_signed_differences():
    for formatter in (fmt_count, fmt_percent, fmt_points, fmt_difference):
        assert formatter(None) == MISSING
    assert fmt_difference(Decimal("-5.21")) == "−5,21"
    assert fmt_difference(Decimal("1416.00")) == "+1.416"
    assert fmt_difference(Decimal("0.00")) == "0"
    assert fmt_points(Decimal("17.5")) == "17,50"
    with pytest.raises(ValueError):
        quarter_label(2024, 5)


@given(st.integers(min_value=0, max_value=10**12))
def test_counts_round_trip(value: int):
    text = fmt_count(value)
    assert "," not in text
    assert parse_number_vi(text, "vi") == value


@given(rates)
def test_rates_round_trip(value: Decimal):
    text = fmt_percent(value)
    assert text.endswith(" %") and "." not in text
    assert parse_percent_vi(text, "vi") == value


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_signed_differences_round_trip(value: Decimal):
    assert parse_number_vi(fmt_difference(value), "vi") == value


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_points_round_trip(value: Decimal):
    assert parse_number_vi(fmt_points(value), "vi") == value


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_round_trip(value: dt.date):
    assert parse_date_vi(fmt_date(value)) == value
