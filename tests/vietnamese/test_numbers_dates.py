"""Vietnamese numbers, percentages, money and dates: parsing and formatting back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.common.vietnamese import (
    AmbiguousNumberError,
    DateFormatError,
    NumberFormatError,
    excel_serial_to_datetime,
    format_date_vi,
    format_money_vi,
    format_number_vi,
    format_percent_vi,
    infer_number_convention,
    number_convention_of,
    parse_date_vi,
    parse_datetime_vi,
    parse_money_vi,
    parse_number_vi,
    parse_percent_vi,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("106.071", Decimal(106071)),
        ("64,89", Decimal("64.89")),
        ("1.234.567,5", Decimal("1234567.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1,234,567", Decimal(1234567)),
        ("3.5", Decimal("3.5")),
        ("0,5", Decimal("0.5")),
        (",5", Decimal("0.5")),
        ("0,500", Decimal("0.500")),
        ("-1.234", Decimal(-1234)),
        ("− 12,5", Decimal("-12.5")),
        ("90 439", Decimal(90439)),
        ("90\u00a0439", Decimal(90439)),
        ("  24.836 ", Decimal(24836)),
        ("0", Decimal(0)),
        ("046", Decimal(46)),
        (12, Decimal(12)),
        (64.89, Decimal("64.89")),
    ],
)
def test_parse_number(text, expected: Decimal) -> None:
    assert parse_number_vi(text) == expected


@pytest.mark.parametrize("text", ["1,234", "12,345", "999,999"])
def test_ambiguous_numbers_are_reported(text: str) -> None:
    with pytest.raises(AmbiguousNumberError) as info:
        parse_number_vi(text)
    vi, en = info.value.readings
    assert vi == Decimal(text.replace(",", "."))
    assert en == Decimal(text.replace(",", ""))
    assert parse_number_vi(text, "vi") == vi
    assert parse_number_vi(text, "en") == en


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1.2.3", "1,2,3", "12.34.567", "1.234,5.6", "1..2", "12a", "1.", "--1", "1 2 3,4.5.6", True],
)
def test_not_numbers(text) -> None:
    with pytest.raises(NumberFormatError):
        parse_number_vi(text)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_round_trip(n: int) -> None:
    assert parse_number_vi(format_number_vi(n)) == n


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_decimals_round_trip(d: Decimal) -> None:
    assert parse_number_vi(format_number_vi(d, 2), "vi") == d


@given(st.integers(min_value=1000, max_value=10**12))
def test_english_grouping_is_ambiguous_only_with_one_separator(n: int) -> None:
    text = f"{n:,}"
    if text.count(",") == 1:
        with pytest.raises(AmbiguousNumberError):
            parse_number_vi(text)
    else:
        assert parse_number_vi(text) == n


def test_column_convention() -> None:
    assert number_convention_of("64,89") == "vi"
    assert number_convention_of("3.5") == "en"
    assert number_convention_of("106") is None
    assert infer_number_convention(["1,234", "64,89", "12"]) == "vi"
    assert infer_number_convention(["1,234", "1,234.5"]) == "en"
    assert infer_number_convention(["1,234", "1.234,5", "3.5"]) == "mixed"
    assert infer_number_convention(["12", "13"]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("64,89 %", Decimal("64.89")),
        ("86,56%", Decimal("86.56")),
        ("100 %", Decimal(100)),
        ("0,5 %", Decimal("0.5")),
    ],
)
def test_parse_percent(text: str, expected: Decimal) -> None:
    assert parse_percent_vi(text) == expected


def test_percent_needs_the_sign() -> None:
    with pytest.raises(NumberFormatError):
        parse_percent_vi("64,89")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000 đ", Decimal(1500000)),
        ("1.500.000đ", Decimal(1500000)),
        ("1.500.000 VNĐ", Decimal(1500000)),
        ("1.500.000 ₫", Decimal(1500000)),
        ("1,5 triệu", Decimal(1500000)),
        ("1,5 triệu đồng", Decimal(1500000)),
        ("2 tỷ đồng", Decimal(2000000000)),
        ("500 nghìn", Decimal(500000)),
        ("500k", Decimal(500000)),
        ("25.000", Decimal(25000)),
        ("0 đ", Decimal(0)),
        (1500000, Decimal(1500000)),
    ],
)
def test_parse_money(text, expected: Decimal) -> None:
    value = parse_money_vi(text)
    assert value == expected
    assert str(value) == str(expected)  # no exponent notation such as 1.5E+6


@pytest.mark.parametrize("text", ["đ", "một triệu", "1.500.000 USD", "abc đ"])
def test_not_money(text: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_money_vi(text)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (106071, None, "106.071"),
        (90439, None, "90.439"),
        (64.89, 2, "64,89"),
        (Decimal("1234567.5"), None, "1.234.567,5"),
        (-1234.5, None, "-1.234,5"),
        (0, None, "0"),
        (97.365, 2, "97,37"),  # half up, as the province rounds published rates
        (5, 2, "5,00"),
    ],
)
def test_format_number(value, decimals, expected: str) -> None:
    assert format_number_vi(value, decimals) == expected


def test_format_percent_and_money() -> None:
    assert format_percent_vi(64.89) == "64,89 %"
    assert format_percent_vi(Decimal("86.5616"), 2) == "86,56 %"
    assert format_money_vi(1500000) == "1.500.000 đ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/10/2024", dt.datetime(2024, 10, 10)),
        ("1/2/2024", dt.datetime(2024, 2, 1)),
        ("01-02-2024", dt.datetime(2024, 2, 1)),
        ("15.06.2024", dt.datetime(2024, 6, 15)),
        ("15/06/2024 08:30", dt.datetime(2024, 6, 15, 8, 30)),
        ("15/06/2024 08:30:15", dt.datetime(2024, 6, 15, 8, 30, 15)),
        ("20240615083015", dt.datetime(2024, 6, 15, 8, 30, 15)),
        ("20240615", dt.datetime(2024, 6, 15)),
        ("2024-06-15", dt.datetime(2024, 6, 15)),
        ("2024-06-15T08:30:00", dt.datetime(2024, 6, 15, 8, 30)),
        ("2024-06-15T01:30:00Z", dt.datetime(2024, 6, 15, 8, 30)),  # to Asia/Ho_Chi_Minh local time
        ("2024-06-15T08:30:00+07:00", dt.datetime(2024, 6, 15, 8, 30)),
        ("45575", dt.datetime(2024, 10, 10)),
        ("45575.5", dt.datetime(2024, 10, 10, 12)),
        (45575, dt.datetime(2024, 10, 10)),
        ("ngày 10 tháng 10 năm 2024", dt.datetime(2024, 10, 10)),
        ("Huế, ngày 10 tháng 10 năm 2024", dt.datetime(2024, 10, 10)),
        ("Ngày 5 tháng 3 năm 2023", dt.datetime(2023, 3, 5)),
        (dt.date(2024, 1, 2), dt.datetime(2024, 1, 2)),
    ],
)
def test_parse_datetime(text, expected: dt.datetime) -> None:
    assert parse_datetime_vi(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31/02/2024", "2024", "13/13/2024", "10/10/24", "20241340", "hôm qua", "", "2024-02-30", True, "999999"],
)
def test_not_dates(text) -> None:
    with pytest.raises(DateFormatError):
        parse_date_vi(text)


def test_excel_serial_range_is_configurable() -> None:
    assert parse_date_vi("100", excel_serial_range=(1, 2958465)) == dt.date(1900, 4, 9)
    with pytest.raises(DateFormatError):
        parse_date_vi("45575", excel_serial_range=None)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_round_trip(d: dt.date) -> None:
    assert parse_date_vi(format_date_vi(d)) == d
    assert parse_date_vi(format_date_vi(d, "long")) == d
    assert parse_date_vi(f"{d.day}/{d.month}/{d.year}") == d
    assert parse_date_vi(d.strftime("%Y%m%d")) == d
    assert parse_date_vi(d.isoformat()) == d
    serial = (d - dt.date(1899, 12, 30)).days
    assert parse_date_vi(str(serial)) == d
    assert excel_serial_to_datetime(serial).date() == d


def test_format_date() -> None:
    assert format_date_vi(dt.date(2024, 10, 10)) == "10/10/2024"
    assert format_date_vi(dt.date(2024, 3, 5), "long") == "ngày 05 tháng 03 năm 2024"
