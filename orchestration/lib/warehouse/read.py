"""Read the warehouse, whichever it is: the DuckDB file, or PostgreSQL as the pipeline role.

Checks and publication read small marts (published KPI tables: hundreds of rows), so PostgreSQL rows are
fetched through SQLAlchemy into Arrow. Readers written against DuckDB (the Great Expectations runner, the
quarterly report) get :func:`duckdb_snapshot`: on PostgreSQL, an in-memory DuckDB holding copies of exactly
the tables they name, so they validate the very rows that will be published.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import sqlalchemy as sa


def _quoted(table: str) -> str:
    return ".".join(f'"{part}"' for part in table.split("."))


def _columns_sql(columns: Sequence[str] | None) -> str:
    return ", ".join(f'"{c}"' for c in columns) if columns else "*"


def postgres_arrow(url: str, sql: str) -> pa.Table:
    """A query's result as Arrow; numeric columns keep their declared scale (numeric(5,2) → decimal)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            result = con.execute(sa.text(sql))
            names = list(result.keys())
            rows = result.fetchall()
            description = result.cursor.description if result.cursor is not None else None
    finally:
        engine.dispose()
    arrays = []
    for i in range(len(names)):
        values = [row[i] for row in rows]
        arrow_type = None
        if any(isinstance(v, Decimal) for v in values) and description is not None:
            scale = description[i].scale
            precision = description[i].precision
            if scale is not None and scale >= 0 and precision:
                arrow_type = pa.decimal128(precision, scale)
        arrays.append(pa.array(values, type=arrow_type))
    return pa.Table.from_arrays(arrays, names=names) if names else pa.table({})


def read_table(
    target: str, duckdb_file: Path, postgres_url: str, table: str, columns: Sequence[str] | None = None
) -> pa.Table:
    if target == "postgres":
        return postgres_arrow(postgres_url, f"select {_columns_sql(columns)} from {_quoted(table)}")
    import duckdb

    con = duckdb.connect(str(duckdb_file), read_only=True)
    try:
        return con.sql(f"select {_columns_sql(columns)} from {table}").to_arrow_table()
    finally:
        con.close()


def count_rows(target: str, duckdb_file: Path, postgres_url: str, table: str) -> int:
    if target == "postgres":
        return int(
            postgres_arrow(postgres_url, f"select count(*) as n from {_quoted(table)}")["n"][0].as_py()
        )
    import duckdb

    con = duckdb.connect(str(duckdb_file), read_only=True)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


@contextlib.contextmanager
def duckdb_snapshot(
    target: str, duckdb_file: Path, postgres_url: str, tables: Sequence[str]
) -> Iterator[object]:
    """A read-only DuckDB connection that holds ``tables`` (schema.table): the file itself on DuckDB, an
    in-memory copy of just those tables on PostgreSQL."""
    import duckdb

    if target != "postgres":
        con = duckdb.connect(str(duckdb_file), read_only=True)
        try:
            yield con
        finally:
            con.close()
        return
    con = duckdb.connect()
    try:
        for table in tables:
            schema, name = table.split(".", 1)
            data = postgres_arrow(postgres_url, f"select * from {_quoted(table)}")
            con.execute(f'create schema if not exists "{schema}"')
            con.register("_snapshot", data)
            con.execute(f'create table "{schema}"."{name}" as select * from _snapshot')
            con.unregister("_snapshot")
        yield con
    finally:
        con.close()
