"""Make Great Expectations 1.24's SQL path work on DuckDB (kiểm định dữ liệu trực tiếp trên DuckDB).

GE 1.24 has no DuckDB datasource. Through duckdb-engine its SQL path fails in two places:

1. GE reads query results after the pooled connection has been closed; duckdb-engine then returns no rows
   and every expectation fails with ``IndexError`` (upstream GE issues #10738, #11579). GE already keeps
   one persistent connection for SQLite, SQL Server, BigQuery and Databricks; we add ``duckdb`` to that list.
2. Regex expectations raise ``NotImplementedError: Regex is not supported for dialect duckdb``; we map them
   to DuckDB's ``regexp_matches`` (search semantics, like GE's pandas ``str.contains``).

This is the only module that touches GE internals. ``apply()`` is idempotent and checks that the internals it
patches still look as expected, so a GE upgrade fails here loudly (and in
``tests/quality/test_gx_duckdb_patch.py``) instead of silently validating nothing.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

PINNED_GE_VERSION = "1.24.1"

# Modules that did ``from ...metrics.util import get_dialect_regex_expression``: each holds its own reference.
_REGEX_MODULES = (
    "great_expectations.expectations.metrics.util",
    "great_expectations.expectations.metrics.column_map_metrics.column_values_match_regex",
    "great_expectations.expectations.metrics.column_map_metrics.column_values_not_match_regex",
    "great_expectations.expectations.metrics.column_map_metrics.column_values_match_regex_list",
    "great_expectations.expectations.metrics.column_map_metrics.column_values_not_match_regex_list",
    "great_expectations.expectations.metrics.column_aggregate_metrics.column_values_match_regex_values",
    "great_expectations.expectations.metrics.column_aggregate_metrics.column_values_not_match_regex_values",
)

_lock = threading.Lock()
_applied = False


class GxPatchError(RuntimeError):
    """The pinned GE internals changed: re-check the DuckDB patch before upgrading GE."""


class _DialectName(str):
    # GE compares ``dialect_name in _PERSISTED_CONNECTION_DIALECTS`` (a str) and elsewhere reads ``.value``
    # of each entry (an Enum): a str with a ``value`` property satisfies both.
    @property
    def value(self) -> str:
        return str(self)


def _dialect_name(dialect: Any) -> str:
    inner = getattr(dialect, "dialect", dialect)
    return str(getattr(inner, "name", "") or getattr(dialect, "name", "") or "").lower()


def apply() -> None:
    """Patch GE once per process; raise ``GxPatchError`` when the pinned internals are not as expected."""
    global _applied
    with _lock:
        if _applied:
            return
        import great_expectations as gx
        import sqlalchemy as sa
        from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_mod

        if gx.__version__ != PINNED_GE_VERSION:
            raise GxPatchError(
                f"great_expectations {gx.__version__} is installed but expectations/_gx_duckdb.py was written "
                f"and tested for {PINNED_GE_VERSION}: re-run tests/quality/test_gx_duckdb_patch.py and update it"
            )
        dialects = getattr(engine_mod, "_PERSISTED_CONNECTION_DIALECTS", None)
        if not isinstance(dialects, tuple) or not hasattr(
            engine_mod.SqlAlchemyExecutionEngine, "get_connection"
        ):
            raise GxPatchError("GE no longer has _PERSISTED_CONNECTION_DIALECTS / get_connection")
        if "duckdb" not in [str(getattr(d, "value", d)) for d in dialects]:
            engine_mod._PERSISTED_CONNECTION_DIALECTS = (*dialects, _DialectName("duckdb"))

        util = importlib.import_module(_REGEX_MODULES[0])
        original = getattr(util, "get_dialect_regex_expression", None)
        if original is None:
            raise GxPatchError("GE no longer has metrics.util.get_dialect_regex_expression")

        def get_dialect_regex_expression(column, regex, dialect, positive=True):  # type: ignore[no-untyped-def]
            if _dialect_name(dialect) == "duckdb":
                expression = sa.func.regexp_matches(column, sa.literal(regex))
                return expression if positive else sa.not_(expression)
            return original(column, regex, dialect, positive=positive)

        for name in _REGEX_MODULES:
            module = importlib.import_module(name)
            if getattr(module, "get_dialect_regex_expression", None) is not original:
                raise GxPatchError(f"{name} no longer imports get_dialect_regex_expression from metrics.util")
            module.get_dialect_regex_expression = get_dialect_regex_expression
        _applied = True
