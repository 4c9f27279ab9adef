"""Table rules Great Expectations 1.x cannot express, checked in Python on Arrow (kiểm tra bổ sung).

GE's ``expect_multicolumn_sum_to_equal`` only compares a row sum with a constant, and no expectation checks
that reporting periods follow each other without a gap. These checks are declared in a suite file under
``meta.hue_checks`` and reported exactly like expectations (``ExpectationOutcome`` with ``engine="hue_check"``).

Nulls are skipped, as GE's map expectations do: non-null rules belong to ``expect_column_values_to_not_be_null``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from expectations.results import ExpectationOutcome

SAMPLE_SIZE = 5


def required_columns(check: dict[str, Any]) -> list[str]:
    """Columns a check reads, so the runner fetches only those from the warehouse."""
    kwargs = check.get("kwargs", {})
    kind = check["type"]
    if kind == "sum_equals":
        columns = [kwargs["total"], *kwargs["parts"]]
    elif kind == "sum_at_most":
        columns = [*kwargs["parts"], kwargs["bound"]]
    elif kind == "periods_complete":
        columns = [kwargs["start"], kwargs["end"], *kwargs.get("group_by", [])]
    elif kind == "column_types":
        columns = list(kwargs["columns"])
    else:
        raise KeyError(kind)
    return list(dict.fromkeys([*kwargs.get("key", []), *columns]))


def _row_sum(table: pa.Table, columns: list[str]) -> pa.ChunkedArray:
    total = pc.cast(table[columns[0]], pa.int64())
    for name in columns[1:]:
        total = pc.add_checked(total, pc.cast(table[name], pa.int64()))
    return total


def _compare_rows(
    table: pa.Table, check: dict[str, Any], left: list[str], right: str, op: Callable[..., Any]
) -> ExpectationOutcome:
    kwargs = check["kwargs"]
    left_sum = _row_sum(table, left)
    right_values = pc.cast(table[right], pa.int64())
    valid = pc.and_(pc.is_valid(left_sum), pc.is_valid(right_values))
    bad = pc.and_(valid, pc.invert(op(left_sum, right_values)))
    bad_rows = table.filter(bad)
    checked = pc.sum(pc.cast(valid, pa.int64())).as_py() or 0
    unexpected = bad_rows.num_rows
    sample = bad_rows.slice(0, SAMPLE_SIZE).select([*dict.fromkeys([*kwargs.get("key", []), right, *left])])
    return ExpectationOutcome(
        type=check["type"],
        kwargs=kwargs,
        success=unexpected == 0,
        engine="hue_check",
        element_count=table.num_rows,
        unexpected_count=unexpected,
        unexpected_percent=round(100.0 * unexpected / checked, 4) if checked else 0.0,
        sample_values=sample.to_pylist(),
        notes=check.get("notes"),
    )


def sum_equals(table: pa.Table, check: dict[str, Any]) -> ExpectationOutcome:
    """``total = part₁ + part₂ + …`` on every row (e.g. received = in person + online + by post)."""
    kwargs = check["kwargs"]
    return _compare_rows(table, check, kwargs["parts"], kwargs["total"], pc.equal)


def sum_at_most(table: pa.Table, check: dict[str, Any]) -> ExpectationOutcome:
    """``part₁ + part₂ + … ≤ bound`` on every row (e.g. early + on time + late ≤ resolved)."""
    kwargs = check["kwargs"]
    return _compare_rows(table, check, kwargs["parts"], kwargs["bound"], pc.less_equal)


def _add_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def periods_complete(table: pa.Table, check: dict[str, Any]) -> ExpectationOutcome:
    """Within each group, periods follow each other with no gap and no overlap (kỳ báo cáo liên tục).

    ``grain: "month"`` also requires calendar months (start on the 1st, end on the month's last day);
    ``grain: "contiguous"`` only requires each start to be the day after the previous end (15th-14th periods).
    """
    kwargs = check["kwargs"]
    start, end, group_by = kwargs["start"], kwargs["end"], kwargs.get("group_by", [])
    grain = kwargs.get("grain", "month")
    if grain not in ("month", "contiguous"):
        raise ValueError(f"periods_complete: unknown grain {grain!r}")
    rows = table.select([*group_by, start, end]).to_pylist()
    groups: dict[tuple[Any, ...], list[tuple[dt.date, dt.date]]] = {}
    for row in rows:
        if row[start] is None or row[end] is None:
            continue
        groups.setdefault(tuple(row[g] for g in group_by), []).append((row[start], row[end]))
    problems: list[str] = []
    for key, periods in sorted(groups.items(), key=lambda item: [str(k) for k in item[0]]):
        label = "/".join(str(k) for k in key) or "all"
        periods.sort()
        for period_start, period_end in periods:
            if period_end < period_start:
                problems.append(f"{label}: period {period_start}..{period_end} ends before it starts")
            elif grain == "month" and (
                period_start.day != 1 or period_end != _add_month(period_start) - dt.timedelta(days=1)
            ):
                problems.append(f"{label}: {period_start}..{period_end} is not a calendar month")
        for (prev_start, prev_end), (next_start, _next_end) in itertools.pairwise(periods):
            expected = prev_end + dt.timedelta(days=1)
            if next_start > expected:
                problems.append(f"{label}: gap {expected}..{next_start - dt.timedelta(days=1)}")
            elif next_start < expected:
                problems.append(f"{label}: {next_start} overlaps the period starting {prev_start}")
    return ExpectationOutcome(
        type="periods_complete",
        kwargs=kwargs,
        success=not problems,
        engine="hue_check",
        element_count=table.num_rows,
        unexpected_count=len(problems),
        unexpected_percent=None,
        sample_values=problems[:SAMPLE_SIZE],
        observed_value={"groups": len(groups), "problems": len(problems)},
        notes=check.get("notes"),
    )


# Type families as the warehouse delivers them through Arrow (DuckDB DATE → date32, BIGINT → int64, ...).
_FAMILIES: dict[str, Callable[[pa.DataType], bool]] = {
    "text": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t),
    "integer": pa.types.is_integer,
    "decimal": lambda t: pa.types.is_decimal(t) or pa.types.is_floating(t),
    "date": pa.types.is_date,
    "timestamp": pa.types.is_timestamp,
    "boolean": pa.types.is_boolean,
}


def column_types(table: pa.Table, check: dict[str, Any]) -> ExpectationOutcome:
    """Each column has the declared type family (text, integer, decimal, date, timestamp, boolean).

    GE 1.24's type expectations raise on the DuckDB dialect (``KeyError: 'type'``), so types are checked here.
    """
    kwargs = check["kwargs"]
    problems = []
    for column, family in kwargs["columns"].items():
        if family not in _FAMILIES:
            raise ValueError(f"column_types: unknown type family {family!r}; known: {sorted(_FAMILIES)}")
        if column not in table.column_names:
            problems.append(f"{column}: missing (expected {family})")
        elif not _FAMILIES[family](table.schema.field(column).type):
            problems.append(f"{column}: {table.schema.field(column).type} is not {family}")
    return ExpectationOutcome(
        type="column_types",
        kwargs=kwargs,
        success=not problems,
        engine="hue_check",
        element_count=len(kwargs["columns"]),
        unexpected_count=len(problems),
        sample_values=problems[:SAMPLE_SIZE],
        observed_value={name: str(table.schema.field(name).type) for name in table.column_names},
        notes=check.get("notes"),
    )


CHECK_TYPES: dict[str, Callable[[pa.Table, dict[str, Any]], ExpectationOutcome]] = {
    "sum_equals": sum_equals,
    "sum_at_most": sum_at_most,
    "periods_complete": periods_complete,
    "column_types": column_types,
}


def run_check(table: pa.Table, check: dict[str, Any]) -> ExpectationOutcome:
    """Run one declared check; a missing column or a type error becomes a failed outcome, never a pass."""
    try:
        outcome = CHECK_TYPES[check["type"]](table, check)
        return ExpectationOutcome(**outcome.to_dict())  # dates and Decimals in samples → strict JSON values
    except Exception as error:
        return ExpectationOutcome(
            type=str(check.get("type")),
            kwargs=check.get("kwargs", {}),
            success=False,
            engine="hue_check",
            exception=f"{type(error).__name__}: {error}",
            notes=check.get("notes"),
        )
