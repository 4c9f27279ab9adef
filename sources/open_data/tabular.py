"""From rows of cells (a CSV, a sheet, JSON records) to a typed Arrow table and its quarantined rows.

:func:`build_table` types each column from its values (kiểu dữ liệu cột): codes (``Mã ...``, numbers
with leading zeros) stay strings, columns of Vietnamese numbers (``1.234``, ``64,89``, ``86,56 %``,
``1.500.000 đ``) become int64 or float64, columns of dates (``dd/mm/yyyy``, ISO, Excel serials...) become
date32, the rest stay NFC strings. A row whose value does not fit its column's type, whose field count
is wrong, or holding a cell no column can load (longer than ``MAX_CELL_CHARS``, a NUL character, an XLSX
formula without its saved result: :func:`sources.open_data.cells.cell_problem`) goes to quarantine with the
reason and the row as it came; nothing is dropped silently.
The header itself is found by :mod:`sources.open_data.header`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import pyarrow as pa

from sources.common.batch import QuarantinedRow
from sources.common.vietnamese import (
    AmbiguousNumberError,
    NumberFormatError,
    infer_number_convention,
    nfc,
    parse_datetime_vi,
)
from sources.open_data.cells import Cell, blank, filled, parse_number_cell, row_problems
from sources.open_data.header import Header, locate_header
from sources.open_data.naming import unique_slugs

__all__ = ["Cell", "ColumnType", "Header", "build_table", "locate_header", "records_to_grid"]

ColumnType = Literal["code", "text", "int", "float", "date", "timestamp"]

# Column names that hold identifiers, whatever their values look like: commune codes such as 19750
# have no leading zero to give them away.
_CODE_NAME_RE = re.compile(
    r"^(ma|ma_.*|.*_ma|so_dien_thoai.*|dien_thoai.*|sdt|so_hieu.*|so_chung_chi.*|so_giay_phep.*|"
    r"so_cmnd.*|so_cccd.*|so_dinh_danh.*|ma_so.*|.*_code|code|id|.*_id)$"
)
_LEADING_ZERO_RE = re.compile(r"^0\d+$")
INFER_SAMPLE = 5000
TYPE_SHARE = 0.8  # a column takes a type when this share of its values parse as it; the rest are quarantined
_NOTE_RE = re.compile(r"^(nguồn|ghi chú|người lập|lưu ý|\*)", re.I)


@dataclass
class _Column:
    name: str
    title: str
    kind: ColumnType
    convention: str = "auto"


def _infer(name: str, values: list[Cell], decimal_hint: bool) -> _Column:
    present = [v for v in values if not blank(v)]
    if _CODE_NAME_RE.match(name) or any(
        isinstance(v, str) and _LEADING_ZERO_RE.match(v.strip()) for v in present
    ):
        return _Column(name, name, "code")
    if not present:
        return _Column(name, name, "text")
    if len(present) > INFER_SAMPLE:
        # an evenly spread sample decides the type; every value is still converted and checked after
        present = present[:: len(present) // INFER_SAMPLE + 1]
    numbers, dates, failures, fractional, timed = 0, 0, 0, decimal_hint, False
    number_texts: list[str] = []
    for seen, value in enumerate(present, 1):
        if failures > (1 - TYPE_SHARE) * len(present) or (seen > 100 and failures * 2 > seen):
            return _Column(name, name, "text")  # too many misfits for any type: a text column
        if isinstance(value, bool):
            failures += 1
        elif isinstance(value, dt.datetime):
            dates += 1
            timed = timed or value.time() != dt.time()
        elif isinstance(value, dt.date):
            dates += 1
        elif isinstance(value, float):
            numbers += 1
            fractional = True  # JSON and spreadsheets write a float for a decimal column
        elif isinstance(value, int | Decimal):
            numbers += 1
            fractional = fractional or (isinstance(value, Decimal) and value != value.to_integral_value())
        else:
            text = str(value).strip()
            try:
                parse_number_cell(text, "auto")
                numbers += 1
                number_texts.append(text)
                continue
            except AmbiguousNumberError:
                numbers += 1  # a number all the same; the column's convention settles it below
                number_texts.append(text)
                continue
            except NumberFormatError:
                pass
            try:
                stamp = _parse_stamp(text)
                dates += 1
                timed = timed or stamp.time() != dt.time()
            except ValueError:
                failures += 1
    convention = infer_number_convention(number_texts) or "auto"
    if convention == "mixed":
        convention = "auto"
    for text in number_texts:
        if fractional:
            break
        try:
            number = parse_number_cell(text, convention)
        except NumberFormatError:
            continue
        fractional = number != number.to_integral_value() or _has_decimal_mark(text, convention)
    # a date column may hold Excel serial numbers, which also read as numbers: dates win when present
    if dates and dates + numbers >= TYPE_SHARE * len(present) and dates >= numbers / 4:
        return _Column(name, name, "timestamp" if timed else "date")
    if numbers >= TYPE_SHARE * len(present):
        return _Column(name, name, "float" if fractional else "int", convention)
    return _Column(name, name, "text")


def _has_decimal_mark(text: str, convention: str) -> bool:
    body = text.rstrip("% ").strip()
    mark = "." if convention == "en" else ","
    if convention == "auto":
        return ("," in body and not re.search(r",\d{3}(?!\d)", body)) or bool(
            re.search(r"\.\d{1,2}$|\.\d{4,}$", body)
        )
    return mark in body


def _parse_stamp(text: str) -> dt.datetime:
    return parse_datetime_vi(text)


def _convert(column: _Column, value: Cell) -> Any:
    """The typed value, or raise ValueError with a short reason."""
    if blank(value):
        return None
    kind = column.kind
    if kind in ("code", "text"):
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)  # nested JSON stays JSON text
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        return nfc(str(value)).strip()
    if kind in ("int", "float"):
        if isinstance(value, bool):
            raise ValueError(f"invalid_number: {value!r}")
        if isinstance(value, int | float | Decimal):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        elif isinstance(value, dt.date):
            raise ValueError(f"invalid_number: {value.isoformat()!r}")
        else:
            try:
                number = parse_number_cell(str(value), column.convention)
            except NumberFormatError as exc:
                reason = "ambiguous_number" if "ambiguous" in str(exc) else "invalid_number"
                raise ValueError(f"{reason}: {exc}") from None
        if kind == "int":
            if number != number.to_integral_value():
                raise ValueError(f"invalid_integer: {value!r} has a fraction")
            return int(number)
        return float(number)
    # dates and timestamps
    if isinstance(value, bool):
        raise ValueError(f"invalid_date: {value!r}")
    try:
        stamp = value if isinstance(value, dt.datetime) else _parse_stamp_value(value)
    except ValueError as exc:
        raise ValueError(f"invalid_date: {exc}") from None
    if kind == "date":
        if stamp.time() != dt.time():
            raise ValueError(f"invalid_date: {value!r} carries a time of day")
        return stamp.date()
    return stamp


def _parse_stamp_value(value: Cell) -> dt.datetime:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, int | float):
        return parse_datetime_vi(value)
    return parse_datetime_vi(str(value))


_ARROW = {
    "code": pa.string(),
    "text": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("s"),
}


def _raw(row: Sequence[Cell], names: Sequence[str] | None = None) -> str:
    def plain(c: Cell) -> Any:
        return c.isoformat() if isinstance(c, dt.date) else (str(c) if isinstance(c, Decimal) else c)

    if names is not None:
        return json.dumps(
            {n: plain(c) for n, c in zip(names, row, strict=False)}, ensure_ascii=False, default=str
        )
    return json.dumps([plain(c) for c in row], ensure_ascii=False, default=str)


def build_table(
    titles: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    column_types: dict[str, ColumnType] | None = None,
    decimal_hints: Sequence[bool] | None = None,
    first_row_number: int = 1,
) -> tuple[pa.Table, list[QuarantinedRow]]:
    """Type the columns of ``rows`` (lists of cells under ``titles``) and split off the rows that fail.

    ``column_types`` forces a type per column slug; ``decimal_hints`` marks columns the source formats
    with decimals (an XLSX number format) so that 12.0 stays a float column; ``first_row_number`` is the
    source line of ``rows[0]``, quoted in quarantine reasons.
    """
    names = unique_slugs([nfc(t) for t in titles])
    width = len(names)
    quarantined: list[QuarantinedRow] = []
    kept: list[tuple[int, list[Cell]]] = []
    # trailing notes ("Nguồn: Sở Du lịch") under the table are not rows
    last = len(rows)
    while last > 0 and (filled(rows[last - 1]) == 0 or _is_note(rows[last - 1], width)):
        last -= 1
    for offset, row in enumerate(rows[:last]):
        number = first_row_number + offset
        cells = list(row)
        if filled(cells) == 0:
            continue
        extra = cells[width:]
        if len(cells) < width or any(not blank(c) for c in extra):
            quarantined.append(
                QuarantinedRow.of(
                    f"wrong_field_count: line {number} has {len(cells)} fields, expected {width}", _raw(cells)
                )
            )
            continue
        # Checked before typing, so that a broken cell neither shapes its column's type nor loads.
        problems = row_problems(cells[:width], names)
        if problems:
            quarantined.append(
                QuarantinedRow.of(f"line {number}: " + "; ".join(problems), _raw(cells, names))
            )
            continue
        kept.append((number, cells[:width]))
    hints = list(decimal_hints or [False] * width)
    columns = []
    for j, name in enumerate(names):
        forced = (column_types or {}).get(name)
        if forced:
            columns.append(_Column(name, titles[j], forced))
        else:
            inferred = _infer(name, [cells[j] for _, cells in kept], hints[j] if j < len(hints) else False)
            inferred.title = titles[j]
            columns.append(inferred)
    data: list[list[Any]] = [[] for _ in columns]
    # open datasets repeat values a lot (types, wards, prices): convert each distinct text once per column
    memo: list[dict[Any, Any]] = [{} for _ in columns]
    for number, cells in kept:
        typed = []
        problems = []
        for j, (column, value) in enumerate(zip(columns, cells, strict=True)):
            key = (type(value), value) if isinstance(value, str | int | float) else None
            if key is not None and key in memo[j]:
                result = memo[j][key]
            else:
                try:
                    result = _convert(column, value)
                except ValueError as exc:
                    result = exc
                if key is not None and len(memo[j]) < 100_000:
                    memo[j][key] = result
            if isinstance(result, ValueError):
                problems.append(f"{column.name}: {result}")
            else:
                typed.append(result)
        if problems:
            quarantined.append(
                QuarantinedRow.of(f"line {number}: " + "; ".join(problems), _raw(cells, names))
            )
            continue
        for j, value in enumerate(typed):
            data[j].append(value)
    fields = [
        pa.field(c.name, _ARROW[c.kind], metadata={"title": nfc(str(c.title)), "semantic": c.kind})
        for c in columns
    ]
    arrays = [pa.array(values, type=f.type) for values, f in zip(data, fields, strict=True)]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields)), quarantined


def _is_note(row: Sequence[Cell], width: int) -> bool:
    filled = [c for c in row if not blank(c)]
    return (
        width >= 2
        and len(filled) == 1
        and isinstance(filled[0], str)
        and bool(_NOTE_RE.match(filled[0].strip()))
    )


def records_to_grid(records: Sequence[Any]) -> tuple[list[str], list[list[Cell]], list[QuarantinedRow]]:
    """JSON API records (objects) to titles and rows; keys in first-seen order, non-objects quarantined."""
    keys: dict[str, None] = {}
    good = []
    bad = []
    for record in records:
        if not isinstance(record, dict):
            bad.append(QuarantinedRow.of("not_an_object: API record is not a JSON object", record))
            continue
        good.append(record)
        for key in record:
            keys.setdefault(key, None)
    titles = list(keys)
    return titles, [[r.get(k) for k in titles] for r in good], bad
