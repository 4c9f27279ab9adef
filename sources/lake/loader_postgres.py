"""The lake loader for PostgreSQL (nạp hồ dữ liệu vào kho PostgreSQL): committed batches → ``raw_<system>``.

DuckDB reads the lake's Parquet files in place; PostgreSQL cannot, so this loader copies every committed
batch into a table ``raw_<system>.<table>`` that dbt's sources name on the ``postgres`` target. No DuckDB
function is involved: pyarrow reads the files, psycopg2's ``COPY`` writes them.

Exactly once: each batch is loaded in one transaction that also records its id in
``raw_<system>._loaded_batches``; a crash before the commit leaves nothing, and the rerun loads the batch
again from scratch; a batch already recorded is never loaded twice (an advisory lock per table keeps two
loaders from racing). Batches are loaded in the manifest's commit order, so a table never has gaps.

Bounded memory: a batch is streamed in record batches of ``chunk_rows`` rows, each sent as one CSV
``COPY`` chunk inside the batch's transaction.

Schema drift: the lake already holds back breaking drift (a removed or retyped column), so here a new column
becomes ``ALTER TABLE ... ADD COLUMN``, a column a batch lacks stays NULL for its rows, and an integer or float
widening (int32 → int64) widens the column. Column names are folded to lower case, as PostgreSQL folds the
unquoted names the dbt models use (``MaHoSo`` → ``mahoso``).

The population audit trail (nhật ký tra cứu dân cư) is loaded too, into ``audit.population_lookups``,
continuing the hash chain: the file chain is verified first, and the first new record must link to the last
record already in the table. That table is append-only (see orchestration/lib/warehouse/postgres_roles.sql).

Plain Python, no Dagster: the warehouse asset calls :func:`load_lake` and reports what it returns.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import sqlalchemy as sa

from sources.lake.lake import Lake
from sources.lake.manifest import BatchRecord

log = logging.getLogger(__name__)

LOADED_BATCHES = "_loaded_batches"
AUDIT_SCHEMA = "audit"
AUDIT_TABLE = "population_lookups"
AUDIT_SYSTEM = "population"
CHUNK_ROWS = 50_000

# Widening that keeps every loaded value (the lake accepts the same ones, sources/lake/drift.py).
_WIDER = {
    ("smallint", "integer"),
    ("smallint", "bigint"),
    ("integer", "bigint"),
    ("real", "double precision"),
}


@dataclass(frozen=True)
class LoadedBatch:
    """One lake batch now in PostgreSQL."""

    system: str
    table: str
    batch_id: str
    rows: int
    added_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoadSummary:
    batches: list[LoadedBatch]
    audit_records: int

    @property
    def rows(self) -> int:
        return sum(b.rows for b in self.batches)


def raw_schema(system: str) -> str:
    return f"raw_{system}"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pg_type(arrow_type: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type; nested values travel as JSON (jsonb)."""
    t = arrow_type
    if pa.types.is_dictionary(t):
        return pg_type(t.value_type)
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t):
        return "smallint"
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return "integer"
    if pa.types.is_int64(t) or pa.types.is_uint32(t):
        return "bigint"
    if pa.types.is_uint64(t):
        return "numeric(20)"
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return "real"
    if pa.types.is_float64(t):
        return "double precision"
    if pa.types.is_decimal(t):
        return f"numeric({t.precision}, {t.scale})"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_time(t):
        return "time"
    if pa.types.is_duration(t):
        return "interval"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "bytea"
    if pa.types.is_nested(t):
        return "jsonb"
    # strings, and all-null columns (Arrow "null"): text, widened later if a typed batch arrives
    return "text"


def column_name(name: str) -> str:
    return name.lower()


class PostgresLakeLoader:
    """Loads committed lake batches into ``raw_<system>`` schemas of one PostgreSQL database."""

    def __init__(self, engine: sa.Engine, lake: Lake, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.engine = engine
        self.lake = lake
        self.chunk_rows = chunk_rows

    # ---- lake batches --------------------------------------------------------------------------------
    def load(
        self, systems: Iterable[str] | None = None, tables: Iterable[tuple[str, str]] | None = None
    ) -> list[LoadedBatch]:
        """Load every committed batch not loaded yet (of ``systems`` / ``(system, table)`` pairs if given)."""
        wanted_tables = set(tables) if tables is not None else None
        wanted_systems = set(systems) if systems is not None else None
        pending: dict[str, list[BatchRecord]] = {}
        for record in self.lake.batches():
            if record.status != "committed":
                continue  # held back by breaking drift: in quarantine, never in the warehouse
            if wanted_systems is not None and record.system not in wanted_systems:
                continue
            if wanted_tables is not None and (record.system, record.table) not in wanted_tables:
                continue
            pending.setdefault(record.system, []).append(record)
        loaded: list[LoadedBatch] = []
        for system, records in sorted(pending.items()):
            self._ensure_bookkeeping(system)
            done = self._loaded_ids(system)
            for record in records:
                if (record.table, record.batch_id) in done:
                    continue
                result = self._load_batch(record)
                if result is not None:
                    loaded.append(result)
        return loaded

    def _ensure_bookkeeping(self, system: str) -> None:
        schema = quote_ident(raw_schema(system))
        with self.engine.begin() as con:
            # Check first: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database,
            # which the pipeline role lacks where the schemas are managed (postgres_roles.sql).
            exists = con.execute(
                sa.text("select 1 from pg_namespace where nspname = :s"), {"s": raw_schema(system)}
            ).first()
            if not exists:
                con.execute(sa.text(f"create schema {schema}"))
            con.execute(
                sa.text(
                    f"create table if not exists {schema}.{LOADED_BATCHES} ("
                    "table_name text not null, batch_id text not null, rows bigint not null, "
                    "lake_committed_at text not null, loaded_at timestamptz not null default now(), "
                    "primary key (table_name, batch_id))"
                )
            )

    def _loaded_ids(self, system: str) -> set[tuple[str, str]]:
        schema = quote_ident(raw_schema(system))
        with self.engine.connect() as con:
            rows = con.execute(sa.text(f"select table_name, batch_id from {schema}.{LOADED_BATCHES}"))
            return {(r[0], r[1]) for r in rows}

    def _batch_file(self, record: BatchRecord) -> Path | None:
        path = (
            self.lake.table_dir(record.system, record.table) / f"batch={record.batch_id}" / "part-0.parquet"
        )
        return path if path.exists() else None

    def _load_batch(self, record: BatchRecord) -> LoadedBatch | None:
        schema_name = raw_schema(record.system)
        schema, table = quote_ident(schema_name), quote_ident(record.table)
        path = self._batch_file(record)
        with self.engine.begin() as con:
            # One loader per table at a time; the check below then sees every batch a rival committed.
            con.execute(
                sa.text("select pg_advisory_xact_lock(hashtext(:k))"),
                {"k": f"{schema_name}.{record.table}"},
            )
            already = con.execute(
                sa.text(f"select 1 from {schema}.{LOADED_BATCHES} where table_name = :t and batch_id = :b"),
                {"t": record.table, "b": record.batch_id},
            ).first()
            if already:
                return None
            rows, added = 0, ()
            if path is not None:
                parquet = pq.ParquetFile(path)
                added = self._prepare_table(con, schema_name, record.table, parquet.schema_arrow)
                rows = self._copy(con, f"{schema}.{table}", parquet)
            con.execute(
                sa.text(
                    f"insert into {schema}.{LOADED_BATCHES} (table_name, batch_id, rows, lake_committed_at) "
                    "values (:t, :b, :r, :c)"
                ),
                {"t": record.table, "b": record.batch_id, "r": rows, "c": record.committed_at},
            )
        log.info("loaded %s.%s batch %s: %d rows", schema_name, record.table, record.batch_id, rows)
        return LoadedBatch(record.system, record.table, record.batch_id, rows, tuple(added))

    def _prepare_table(
        self, con: sa.Connection, schema_name: str, table_name: str, arrow_schema: pa.Schema
    ) -> list[str]:
        """Create the table, or add and widen columns for this batch; returns the columns added."""
        wanted: dict[str, str] = {}
        for field in arrow_schema:
            name = column_name(field.name)
            if name in wanted:
                raise ValueError(f"{schema_name}.{table_name}: columns differ only by case: {field.name}")
            wanted[name] = pg_type(field.type)
        existing = {
            r[0]: r[1]
            for r in con.execute(
                sa.text(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = :s and table_name = :t"
                ),
                {"s": schema_name, "t": table_name},
            )
        }
        target = f"{quote_ident(schema_name)}.{quote_ident(table_name)}"
        if not existing:
            columns = ", ".join(f"{quote_ident(n)} {t}" for n, t in wanted.items())
            con.execute(sa.text(f"create table {target} ({columns})"))
            return []
        added = []
        for name, typ in wanted.items():
            have = existing.get(name)
            if have is None:
                con.execute(sa.text(f"alter table {target} add column {quote_ident(name)} {typ}"))
                added.append(name)
            elif _base(have) != _base(typ):
                self._widen(con, target, name, have, typ)
        return added

    def _widen(self, con: sa.Connection, target: str, name: str, have: str, typ: str) -> None:
        column = quote_ident(name)
        if (_base(have), _base(typ)) in _WIDER:
            con.execute(sa.text(f"alter table {target} alter column {column} type {typ}"))
            return
        if _base(have) == "text":
            # A column first seen all-null (Arrow type null) was created as text: type it now, if it
            # still holds nothing but NULLs.
            filled = con.execute(sa.text(f"select count({column}) from {target}")).scalar_one()
            if filled == 0:
                con.execute(sa.text(f"alter table {target} alter column {column} type {typ} using null"))
                return
        if _base(typ) == "text":
            return  # an all-null column in this batch: its NULLs fit any type
        raise ValueError(f"{target}.{name}: type {have} cannot take {typ} (breaking drift)")

    def _copy(self, con: sa.Connection, target: str, parquet: pq.ParquetFile) -> int:
        names = [column_name(f.name) for f in parquet.schema_arrow]
        column_list = ", ".join(quote_ident(n) for n in names)
        sql = f"copy {target} ({column_list}) from stdin with (format csv)"
        cursor = con.connection.dbapi_connection.cursor()
        rows = 0
        try:
            for chunk in parquet.iter_batches(batch_size=self.chunk_rows):
                buffer = io.BytesIO()
                pacsv.write_csv(
                    _csv_ready(pa.Table.from_batches([chunk])),
                    buffer,
                    pacsv.WriteOptions(include_header=False),
                )
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                rows += chunk.num_rows
        finally:
            cursor.close()
        return rows

    # ---- population audit trail ----------------------------------------------------------------------
    def load_audit(self, directory: Path | None = None) -> int:
        """Append the audit records not yet in ``audit.population_lookups``; returns how many.

        Raises :class:`sources.population.audit.AuditChainError` when the file chain is broken or does not
        continue the chain already in the table: a tampered trail is never copied into the warehouse.
        """
        from sources.population.audit import AuditChainError, _records, verify_chain

        directory = directory or self.lake.root / "audit" / AUDIT_SYSTEM
        if not directory.exists():
            return 0
        verify_chain(directory)
        target = f"{AUDIT_SCHEMA}.{AUDIT_TABLE}"
        with self.engine.begin() as con:
            con.execute(sa.text("select pg_advisory_xact_lock(hashtext(:k))"), {"k": target})
            last = con.execute(sa.text(f"select seq, hash from {target} order by seq desc limit 1")).first()
            last_seq, last_hash = (int(last[0]), last[1]) if last else (0, None)
            new = sorted(
                (r for r, _, _ in _records(directory) if r["seq"] > last_seq), key=lambda r: r["seq"]
            )
            if not new:
                return 0
            if last_hash is not None and new[0]["prev_hash"] != last_hash:
                raise AuditChainError(
                    f"{directory}: record {new[0]['seq']} does not continue the chain held in {target}"
                )
            table = pa.table(
                {
                    "seq": pa.array([r["seq"] for r in new], pa.int64()),
                    "logged_at": pa.array(
                        [_parse_time(r["time"]) for r in new], pa.timestamp("us", tz="UTC")
                    ),
                    **{
                        f: pa.array([r[f] for r in new], pa.string())
                        for f in (
                            "officer",
                            "service_code",
                            "purpose",
                            "request_id",
                            "dossier_code",
                            "outcome",
                            "prev_hash",
                            "hash",
                        )
                    },
                }
            )
            buffer = io.BytesIO()
            pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
            buffer.seek(0)
            cursor = con.connection.dbapi_connection.cursor()
            try:
                columns = ", ".join(table.column_names)
                cursor.copy_expert(f"copy {target} ({columns}) from stdin with (format csv)", buffer)
            finally:
                cursor.close()
        return len(new)


def audit_rows_to_records(rows: Iterable[sa.Row]) -> Iterator[dict]:
    """Rows of ``audit.population_lookups`` back in the file format, so their hashes can be checked."""
    for row in rows:
        m = row._mapping
        yield {
            "seq": int(m["seq"]),
            "time": m["logged_at"].astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
            **{
                f: m[f]
                for f in (
                    "officer",
                    "service_code",
                    "purpose",
                    "request_id",
                    "dossier_code",
                    "outcome",
                    "prev_hash",
                    "hash",
                )
            },
        }


def verify_audit_table(engine: sa.Engine) -> int:
    """Check the hash chain of ``audit.population_lookups`` as stored; returns the record count."""
    from sources.population.audit import GENESIS_HASH, AuditChainError, record_hash

    with engine.connect() as con:
        rows = con.execute(sa.text(f"select * from {AUDIT_SCHEMA}.{AUDIT_TABLE} order by seq"))
        expected_prev, count = GENESIS_HASH, 0
        for position, record in enumerate(audit_rows_to_records(rows), start=1):
            if record["seq"] != position or record["prev_hash"] != expected_prev:
                raise AuditChainError(f"{AUDIT_SCHEMA}.{AUDIT_TABLE}: chain broken at record {position}")
            if record_hash(record) != record["hash"]:
                raise AuditChainError(f"{AUDIT_SCHEMA}.{AUDIT_TABLE}: record {position} was altered")
            expected_prev, count = record["hash"], position
    return count


def load_lake(
    url: str,
    lake_root: Path,
    *,
    systems: Iterable[str] | None = None,
    tables: Iterable[tuple[str, str]] | None = None,
    audit: bool = True,
) -> LoadSummary:
    """Load the lake at ``lake_root`` into the database at SQLAlchemy ``url`` (the pipeline role's)."""
    engine = sa.create_engine(url, pool_pre_ping=True)
    try:
        loader = PostgresLakeLoader(engine, Lake(lake_root))
        batches = loader.load(systems=systems, tables=tables)
        records = loader.load_audit() if audit else 0
        return LoadSummary(batches=batches, audit_records=records)
    finally:
        engine.dispose()


def _base(pg: str) -> str:
    """information_schema's type name and ours, made comparable (``numeric(10, 2)`` → ``numeric``)."""
    pg = pg.split("(")[0].strip()
    return {
        "timestamp with time zone": "timestamptz",
        "timestamp without time zone": "timestamp",
        "time without time zone": "time",
        "character varying": "text",
    }.get(pg, pg)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _csv_ready(table: pa.Table) -> pa.Table:
    """Columns CSV cannot carry as they are: nested values become JSON text, binary becomes bytea hex."""
    columns = []
    for column, field in zip(table.columns, table.schema, strict=True):
        t = field.type
        if pa.types.is_dictionary(t):
            column = column.cast(t.value_type)
            t = t.value_type
        if pa.types.is_nested(t):
            values = [
                None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                for v in column.to_pylist()
            ]
            column = pa.array(values, pa.string())
        elif pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
            column = pa.array(
                [None if v is None else "\\x" + v.hex() for v in column.to_pylist()], pa.string()
            )
        columns.append(column)
    return pa.table(columns, names=table.column_names)
