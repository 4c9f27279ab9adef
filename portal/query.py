"""Strict parsing of the portal's query parameters, and the data query they describe (truy vấn dữ liệu).

Nothing from a request becomes SQL text or a file path: column names are checked against the dataset's
schema, values are parsed into the column's type, and the query runs as pyarrow compute calls over the
version's Parquet file (values are bound as Arrow scalars, never spliced into an expression string).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from portal.conform import ARROW_TYPES, LOCAL_TZ
from portal.spec import DatasetSpec

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
MAX_PAGE = 1_000_000
MAX_VALUE_LENGTH = 200
MAX_SORT_KEYS = 3
FILTER_PARAM = re.compile(r"^filter\[([^\[\]]{1,64})\]$")
SORT_KEY = re.compile(r"^(-?)([A-Za-z_][A-Za-z0-9_]{0,62})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadRequest(ValueError):
    """A parameter the portal refuses; the message names the parameter and what is allowed."""


@dataclass(frozen=True)
class DataQuery:
    page: int
    page_size: int
    filters: tuple[tuple[str, object], ...]
    sort: tuple[tuple[str, str], ...]


def clean_text(name: str, value: str, *, max_length: int = MAX_VALUE_LENGTH) -> str:
    """Reject text a browser or client could not have meant; return it NFC-normalised."""
    if "\ufffd" in value:
        # Starlette decodes invalid UTF-8 percent-escapes to U+FFFD; the client sent bytes, not text.
        raise BadRequest(f"{name}: not valid UTF-8")
    if _CONTROL.search(value):
        raise BadRequest(f"{name}: control characters are not allowed")
    if len(value) > max_length:
        raise BadRequest(f"{name}: longer than {max_length} characters")
    return unicodedata.normalize("NFC", value)


def _int_param(name: str, raw: str, low: int, high: int) -> int:
    if not re.fullmatch(r"[0-9]{1,7}", raw):
        raise BadRequest(f"{name}: must be an integer between {low} and {high}")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(f"{name}: must be an integer between {low} and {high}")
    return value


def parse_value(spec: DatasetSpec, column: str, raw: str) -> object:
    """Parse a filter value into the column's type; raise :class:`BadRequest` when it does not fit."""
    kind = spec.column(column).type  # type: ignore[union-attr]  # caller checked the column exists
    try:
        match kind:
            case "string":
                return raw
            case "integer":
                if not re.fullmatch(r"-?[0-9]{1,18}", raw):
                    raise ValueError
                return int(raw)
            case "number":
                if not re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,15})?", raw):
                    raise ValueError
                return float(raw)
            case "date":
                return dt.date.fromisoformat(raw)
            case "datetime":
                value = dt.datetime.fromisoformat(raw)
                return value if value.tzinfo else value.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
            case "boolean":
                if raw not in ("true", "false"):
                    raise ValueError
                return raw == "true"
    except ValueError:
        pass
    raise BadRequest(f"filter[{column}]: {raw!r} is not a valid {kind}")


def parse_data_query(spec: DatasetSpec, params: Iterable[tuple[str, str]]) -> DataQuery:
    """Parse ``page``, ``pageSize``, ``sort`` and ``filter[col]`` (each at most once; nothing else)."""
    seen: set[str] = set()
    page, page_size = 1, DEFAULT_PAGE_SIZE
    filters: list[tuple[str, object]] = []
    sort: list[tuple[str, str]] = []
    columns = set(spec.column_names)
    for name, raw in params:
        name = clean_text("parameter name", name, max_length=80)
        if name in seen:
            raise BadRequest(f"{name}: given more than once")
        seen.add(name)
        raw = clean_text(name, raw)
        if name == "page":
            page = _int_param("page", raw, 1, MAX_PAGE)
        elif name == "pageSize":
            page_size = _int_param("pageSize", raw, 1, MAX_PAGE_SIZE)
        elif name == "sort":
            sort = parse_sort(raw, columns)
        elif match := FILTER_PARAM.match(name):
            column = match.group(1)
            if column not in columns:
                raise BadRequest(f"{name}: no column {column!r}; columns are {sorted(columns)}")
            filters.append((column, parse_value(spec, column, raw)))
        else:
            raise BadRequest(f"unknown parameter {name!r}; allowed: page, pageSize, sort, filter[<column>]")
    return DataQuery(page, page_size, tuple(filters), tuple(sort))


def parse_sort(raw: str, columns: set[str]) -> list[tuple[str, str]]:
    """``sort=col`` ascending, ``sort=-col`` descending, comma-separated, at most three keys."""
    keys = raw.split(",")
    if not raw or len(keys) > MAX_SORT_KEYS:
        raise BadRequest(f"sort: give 1 to {MAX_SORT_KEYS} keys like 'col' or '-col', comma-separated")
    result: list[tuple[str, str]] = []
    for key in keys:
        match = SORT_KEY.match(key)
        if not match or match.group(2) not in columns:
            raise BadRequest(f"sort: {key!r} is not 'col' or '-col' for a column of this dataset")
        column = match.group(2)
        if any(c == column for c, _ in result):
            raise BadRequest(f"sort: column {column!r} given twice")
        result.append((column, "descending" if match.group(1) else "ascending"))
    return result


def run_query(spec: DatasetSpec, table: pa.Table, query: DataQuery) -> tuple[pa.Table, int]:
    """Filter (equality, ANDed), sort, and cut one page; return the page and the filtered row count."""
    if query.filters:
        mask = None
        for column, value in query.filters:
            kind = spec.column(column).type  # type: ignore[union-attr]
            scalar = pa.scalar(value, type=ARROW_TYPES[kind])
            if kind == "datetime":
                scalar = pa.scalar(value, type=pa.timestamp("us", tz=LOCAL_TZ))
            condition = pc.fill_null(pc.equal(table.column(column), scalar), False)
            mask = condition if mask is None else pc.and_(mask, condition)
        table = table.filter(mask)
    total = table.num_rows
    if query.sort:
        table = table.sort_by([(c, order, "at_end") for c, order in query.sort])
    start = (query.page - 1) * query.page_size
    return table.slice(start, query.page_size), total
