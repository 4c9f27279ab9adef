"""Cells as files give them (ô dữ liệu): blank or filled, text or value, and Vietnamese number parsing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sources.common.batch import MAX_CELL_CHARS
from sources.common.vietnamese import (
    NumberFormatError,
    nfc,
    parse_date_vi,
    parse_money_vi,
    parse_number_vi,
    parse_percent_vi,
)

Cell = Any  # str | int | float | Decimal | date | datetime | bool | FormulaWithoutValue | None


@dataclass(frozen=True)
class FormulaWithoutValue:
    """An XLSX cell holding a formula whose result was never saved (a script wrote the file, Excel never
    recalculated it): the value is unknown, so the row must not load with a silent NULL there."""

    formula: str

    def __str__(self) -> str:
        return self.formula


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


def row_problems(cells: Sequence[Cell], names: Sequence[str]) -> list[str]:
    """``"<column>: <reason>"`` for every cell of the row that :func:`cell_problem` refuses.

    Every row of every file passes here, so the usual row is cleared in C: a row of text cells (all of a
    CSV) is joined once and searched in C, and only a row that might hold a problem is looked at cell by
    cell (a long row of short cells is one of those, and passes).
    """
    joined: str | None
    try:
        joined = "".join(cells)
    except TypeError:
        # numbers, dates and None (XLSX, JSON records) can hold neither problem: only the text is searched
        kinds = set(map(type, cells))
        joined = None if FormulaWithoutValue in kinds else "".join([c for c in cells if isinstance(c, str)])
    if joined is not None and len(joined) <= MAX_CELL_CHARS and "\x00" not in joined:
        return []
    return [
        f"{name}: {problem}"
        for name, cell in zip(names, cells, strict=False)
        if (problem := cell_problem(cell)) is not None
    ]


def cell_problem(cell: Cell) -> str | None:
    """Why a cell cannot load whatever its column's type, or None: ``cell_too_large`` (over
    :data:`MAX_CELL_CHARS`), ``nul_character`` (U+0000, which PostgreSQL ``text`` cannot store) or
    ``formula_without_value``."""
    if isinstance(cell, FormulaWithoutValue):
        return f"formula_without_value: {cell.formula!r} has no saved result (never recalculated in Excel)"
    if not isinstance(cell, str):
        return None
    if len(cell) > MAX_CELL_CHARS:
        return f"cell_too_large: {_grouped(len(cell))} characters, more than the {_grouped(MAX_CELL_CHARS)} allowed"
    position = cell.find("\x00")
    if position >= 0:
        return (
            f"nul_character: U+0000 at character {position + 1} "
            f"(PostgreSQL text cannot store it): {cell[:60]!r}"
        )
    return None


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Vietnamese digit grouping: 1.048.576
