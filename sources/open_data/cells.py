"""Cells as files give them (ô dữ liệu): blank or filled, text or value, and Vietnamese number parsing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sources.common.vietnamese import (
    NumberFormatError,
    nfc,
    parse_date_vi,
    parse_money_vi,
    parse_number_vi,
    parse_percent_vi,
)

Cell = Any  # str | int | float | Decimal | date | datetime | bool | None

_MONEY_HINT_RE = re.compile(r"(đ|₫|vnd|vnđ|đồng|nghìn|ngàn|triệu|tỷ|tỉ|k)\.?$", re.I)


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def filled(row: Sequence[Cell]) -> int:
    return sum(1 for c in row if not blank(c))


def is_value(cell: Cell) -> bool:
    """A cell that looks like data (a number or a date), not like header text."""
    if isinstance(cell, int | float | Decimal | dt.date):
        return True
    text = str(cell).strip()
    if not text:
        return False
    try:
        parse_number_cell(text, "auto")
        return True
    except NumberFormatError:
        pass
    try:
        parse_date_vi(text)
        return True
    except ValueError:
        return False


def pad(row: Sequence[Cell], width: int) -> list[Cell]:
    return list(row) + [None] * (width - len(row))


def cell_text(cell: Cell) -> str:
    return "" if blank(cell) else " ".join(nfc(str(cell)).split())


def parse_number_cell(text: str, convention: str) -> Decimal:
    """A Vietnamese number, percentage or VND amount in ``text``."""
    stripped = text.strip()
    if stripped.endswith("%"):
        return parse_percent_vi(stripped, convention)  # type: ignore[arg-type]
    try:
        return parse_number_vi(stripped, convention)  # type: ignore[arg-type]
    except NumberFormatError:
        if _MONEY_HINT_RE.search(stripped):
            return parse_money_vi(stripped, convention)  # type: ignore[arg-type]
        raise
