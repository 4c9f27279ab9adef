"""Read-only access to the marts for reports (đọc kho dữ liệu), whichever engine holds them.

A report receives a connection that its caller opened — a DuckDB connection (the embedded warehouse,
opened read-only) or a SQLAlchemy engine (PostgreSQL) — and reads through :class:`MartReader`, which
speaks to both with the same SQL: named parameters written ``:name``, results as dicts. No environment is
read here and nothing is written.
"""

from __future__ import annotations

import re
from typing import Any

_PARAM_RE = re.compile(r"(?<!:):([A-Za-z_]\w*)")
_IDENTIFIER_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


class MartReader:
    """Queries against one schema of marts (``marts`` by default)."""

    def __init__(self, connection: Any, schema: str = "marts") -> None:
        if not _IDENTIFIER_RE.match(schema):
            raise ValueError(f"schema {schema!r} is not a plain identifier")
        self.connection = connection
        self.schema = schema
        self._tables: set[str] | None = None

    @property
    def is_sqlalchemy(self) -> bool:
        return hasattr(self.connection, "dialect") and hasattr(self.connection, "connect")

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run ``sql`` (tables written ``{schema}.name``) and return its rows as dicts."""
        sql = sql.replace("{schema}", self.schema)
        params = params or {}
        if self.is_sqlalchemy:
            from sqlalchemy import text

            with self.connection.connect() as connection:
                return [dict(row) for row in connection.execute(text(sql), params).mappings()]
        # DuckDB names its parameters $name
        cursor = self.connection.execute(_PARAM_RE.sub(r"$\1", sql), params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def has_table(self, name: str) -> bool:
        """Whether ``schema.name`` exists (tables built by other models may not have landed yet)."""
        if self._tables is None:
            found = self.rows(
                "select table_name from information_schema.tables where table_schema = :schema",
                {"schema": self.schema},
            )
            self._tables = {row["table_name"] for row in found}
        return name in self._tables

    def columns(self, name: str) -> list[str]:
        found = self.rows(
            "select column_name from information_schema.columns "
            "where table_schema = :schema and table_name = :table order by ordinal_position",
            {"schema": self.schema, "table": name},
        )
        return [row["column_name"] for row in found]
