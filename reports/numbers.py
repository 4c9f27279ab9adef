"""Numbers, rates and dates for report readers (định dạng số liệu báo cáo), in Vietnamese notation.

The conventions themselves (``106.071``; ``64,89 %``; ``15/06/2024``) live in
:mod:`sources.common.vietnamese`, which also parses them back; this module only adds what a report needs
on top: a dash for missing values, signed differences, points, and the names of quarters and periods as
provincial reports write them (``Quý III/2024``, ``15/06/2024 – 15/09/2024``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sources.common.vietnamese import format_date_vi, format_number_vi, format_percent_vi

MISSING = "—"  # shown where a figure does not exist (zero denominator, table not yet built)
MINUS = "−"  # U+2212: the typographic minus, which the shared parser also reads

Number = int | float | Decimal

__all__ = [
    "MISSING",
    "fmt_count",
    "fmt_date",
    "fmt_difference",
    "fmt_month",
    "fmt_percent",
    "fmt_period",
    "fmt_points",
    "quarter_label",
    "roman",
]


def fmt_count(value: Number | None) -> str:
    """A count of dossiers: ``106071`` → ``106.071``; ``None`` → ``—``."""
    return MISSING if value is None else format_number_vi(int(value))


def fmt_percent(value: Number | None, decimals: int = 2) -> str:
    """A rate already in percent, as reports publish it: ``64.89`` → ``64,89 %``; ``None`` → ``—``."""
    return MISSING if value is None else format_percent_vi(value, decimals)


def fmt_points(value: Number | None, decimals: int = 2) -> str:
    """Decision 766 points: ``17.5`` → ``17,50``."""
    return MISSING if value is None else format_number_vi(value, decimals)


def fmt_difference(value: Number | None, decimals: int = 2) -> str:
    """A signed difference (recomputed − published): ``-5.21`` → ``−5,21``, ``3`` → ``+3``, ``0`` → ``0``."""
    if value is None:
        return MISSING
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format_number_vi(abs(number), None if number == number.to_integral_value() else decimals)
    if number > 0:
        return "+" + text
    if number < 0:
        return MINUS + text
    return text


def fmt_date(value: dt.date) -> str:
    """``15/06/2024`` (ngày/tháng/năm)."""
    return format_date_vi(value)


def fmt_period(start: dt.date, end: dt.date) -> str:
    """A reporting period as reports write it: ``15/06/2024 – 15/09/2024``."""
    return f"{fmt_date(start)} – {fmt_date(end)}"


def fmt_month(value: dt.date) -> str:
    """A month on a chart axis: ``07/2024``."""
    return f"{value.month:02d}/{value.year}"


_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """Roman numerals, as quarters are numbered in official documents (quý I … quý IV)."""
    if not 0 < number < 40:
        raise ValueError(f"roman numerals here cover 1-39, not {number}")
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def quarter_label(year: int, quarter: int) -> str:
    """``Quý III/2024``."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, not {quarter}")
    return f"Quý {roman(quarter)}/{year}"
