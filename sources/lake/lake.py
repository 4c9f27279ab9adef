"""Exactly-once batches: stage, commit batch and cursor in one manifest transaction, then move into place.

The commit order is what makes a crash harmless:

1. each source page is staged as a Parquet part under ``_staging/<batch_id>/<table>/``;
2. at commit, DuckDB rewrites the staged parts into one file per table, dropping rows already in the lake
   (the overlap window and repeated pages re-deliver rows) — still under ``_staging``;
3. one SQLite transaction records every table's batch and the stream's new cursor;
4. the staged folders are renamed into ``raw/``.

A crash before 3 leaves only staging debris, removed on the next open, and the cursor unchanged, so the
rerun re-extracts the same rows. A crash after 3 is rolled forward on the next open (the renames are
finished). Readers glob ``raw/`` only, so they never see a half-written batch.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sources.common.batch import SourceBatch, declared_drift
from sources.common.crash import maybe_crash
from sources.common.errors import SchemaDriftError
from sources.lake.drift import SchemaDrift, compare_schemas, schema_to_dict
from sources.lake.manifest import BatchRecord, Hold, Manifest

log = logging.getLogger(__name__)

LOAD_COLUMNS = ("_batch_id", "_extracted_at", "_source")

KEY_PASS_MEMORY = "128MB"
"""Memory DuckDB may use to decide which staged rows a commit keeps (it spills to the staging folder beyond)."""
MAX_HOLD_NIGHTS = 3
"""Syncs in a row that keep a stream's cursor back for its quarantined rows. A row spoiled in transit
comes back whole on a later night; a row the source itself holds broken would otherwise make every night
re-read the table from that point, so after this many the cursor moves on and the rows stay in
``quarantine/`` (counted, with their reason) for a person to look at."""


@dataclass(frozen=True)
class TableContract:
    """How the lake recognises a row it already holds: its key and the version column (update cursor).

    With no key, every batch is taken whole (snapshot tables such as catalogues).
    """

    key: tuple[str, ...] = ()
    version: str | None = None


@dataclass
class _TableState:
    parts: int = 0
    quarantined: list[dict] = field(default_factory=list)
    schema: dict[str, str] = field(default_factory=dict)
    arrow_schema: pa.Schema | None = None
    declared_drift: list[str] = field(default_factory=list)  # breaking drift the connector saw


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_batch_id() -> str:
    # Sortable by time, unique across processes. Microseconds, because readers take the newest batch as
    # the greatest id (staging of whole-harvest tables, arg_max over versions): two syncs in one second
    # would otherwise be ordered by their random suffix. Ids of whole seconds (older lakes) still sort
    # first within their second ('-' sorts before any digit).
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:8]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Lake:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.manifest = Manifest(self.root / "_manifest.sqlite")
        self.recover()

    # ---- paths -------------------------------------------------------------------------------------
    def table_dir(self, system: str, table: str) -> Path:
        return self.root / "raw" / system / table

    def table_glob(self, system: str, table: str) -> str:
        return str(self.table_dir(system, table) / "*" / "*.parquet")

    def quarantine_dir(self, system: str, table: str) -> Path:
        return self.root / "quarantine" / system / table

    def committed_files(self, system: str, table: str) -> list[Path]:
        return sorted(self.table_dir(system, table).glob("batch=*/*.parquet"))

    # ---- state -------------------------------------------------------------------------------------
    def cursor(self, system: str, stream: str) -> str | None:
        return self.manifest.cursor(system, stream)

    def batches(self, system: str | None = None, table: str | None = None) -> list[BatchRecord]:
        return self.manifest.batches(system, table)

    def recover(self) -> None:
        """Finish committed moves and drop uncommitted staging left by a crash."""
        staging = self.root / "_staging"
        if not staging.exists():
            return
        committed = self.manifest.batch_ids()
        for batch_dir in sorted(p for p in staging.iterdir() if p.is_dir()):
            if batch_dir.name not in committed:
                log.warning("lake: dropping uncommitted staged batch %s", batch_dir.name)
                shutil.rmtree(batch_dir)
                continue
            meta = json.loads((batch_dir / "_commit.json").read_text())
            log.warning("lake: rolling forward committed batch %s", batch_dir.name)
            _move_into_place(self.root, batch_dir, meta)

    @contextmanager
    def stream(
        self,
        system: str,
        stream: str,
        contracts: dict[str, TableContract] | None = None,
        *,
        backfill: bool = False,
    ) -> Iterator[StreamWriter]:
        """Open one sync of one stream (a cursor shared by one or more tables), locked against others.

        ``backfill`` (nạp lại): a re-extraction of a date range after a source fix. Its rows are deduped
        on their whole content rather than on (key, version) — a fix that changed a row without bumping
        its version lands, an identical row does not — and it never moves the stream's cursor, so the
        nightly incremental sync carries on where it was. It takes the same lock as the nightly sync.
        """
        lock_path = self.root / "_locks" / f"{system}__{stream}.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise RuntimeError(f"another sync of {system}/{stream} is running") from exc
            self.recover()
            writer = StreamWriter(self, system, stream, contracts or {}, backfill=backfill)
            try:
                yield writer
            finally:
                writer.discard()

    def fingerprint(self, system: str, table: str, key: Sequence[str] = ()) -> str:
        """A content hash of every committed row without load metadata: equal lakes, equal hashes."""
        files = self.committed_files(system, table)
        if not files:
            return "empty"
        con = duckdb.connect()
        try:
            rel = con.read_parquet([str(f) for f in files], union_by_name=True)
            cols = [c for c in rel.columns if c not in LOAD_COLUMNS]
            col_list = ", ".join(f'"{c}"' for c in cols)
            row = con.execute(
                f"SELECT count(*), bit_xor(hash({col_list})) FROM read_parquet(?, union_by_name=true)",
                [[str(f) for f in files]],
            ).fetchone()
        finally:
            con.close()
        return f"{row[0]}:{row[1]}"


class StreamWriter:
    """Collects one sync's pages for one stream; nothing is visible until :meth:`commit`."""

    def __init__(
        self,
        lake: Lake,
        system: str,
        stream: str,
        contracts: dict[str, TableContract],
        *,
        backfill: bool = False,
    ) -> None:
        self.lake = lake
        self.backfill = backfill
        self.system = system
        self.stream = stream
        self.contracts = contracts
        self.batch_id = _new_batch_id()
        self.started_at = _now()
        self.extracted_at = datetime.now(UTC)
        self.cursor_from = lake.cursor(system, stream)
        self.cursor_to = self.cursor_from
        self.staging = lake.root / "_staging" / self.batch_id
        self._tables: dict[str, _TableState] = {}
        self.committed: list[BatchRecord] | None = None
        self.resume_from: str | None = None  # lowest position that re-delivers a quarantined row
        self.hold: Hold | None = None  # what commit recorded, for the caller's metadata

    def write(self, batch: SourceBatch) -> None:
        state = self._tables.setdefault(batch.table, _TableState())
        if (
            not self.backfill
            and batch.cursor is not None
            and (self.cursor_to is None or batch.cursor > self.cursor_to)
        ):
            self.cursor_to = batch.cursor
        for q in batch.quarantined:
            state.quarantined.append({"reason": q.reason, "raw": q.raw, "batch_id": self.batch_id})
        if (
            batch.quarantined
            and batch.resume_from is not None
            and not self.backfill
            and (self.resume_from is None or batch.resume_from < self.resume_from)
        ):
            self.resume_from = batch.resume_from
        breaking, changes = declared_drift(batch.data)
        if breaking:
            state.declared_drift.extend(c for c in changes if c not in state.declared_drift)
        if state.arrow_schema is None:
            state.arrow_schema = self._with_load_metadata(batch.table, batch.data.slice(0, 0)).schema
        if batch.data.num_rows == 0 and not state.schema:
            state.schema = schema_to_dict(batch.data.schema)
            return
        if batch.data.num_rows == 0:
            return
        table_dir = self.staging / batch.table
        table_dir.mkdir(parents=True, exist_ok=True)
        data = self._with_load_metadata(batch.table, batch.data)
        pq.write_table(data, table_dir / f"part-{state.parts:05d}.parquet", compression="zstd")
        state.parts += 1
        for name, typ in schema_to_dict(batch.data.schema).items():
            if typ != "null" or name not in state.schema:
                state.schema[name] = typ

    def _with_load_metadata(self, name: str, table: pa.Table) -> pa.Table:
        n = table.num_rows
        table = table.drop_columns([c for c in LOAD_COLUMNS if c in table.column_names])
        return (
            table.append_column("_batch_id", pa.array([self.batch_id] * n, pa.string()))
            .append_column("_extracted_at", pa.array([self.extracted_at] * n, pa.timestamp("us", tz="UTC")))
            .append_column("_source", pa.array([f"{self.system}.{name}"] * n, pa.string()))
        )

    def commit(self) -> list[BatchRecord]:
        """Make every staged table visible with the new cursor, or hold the sync back on breaking drift."""
        records: list[BatchRecord] = []
        files: dict[str, str] = {}
        quarantine_files: dict[str, str] = {}
        drift_errors: list[tuple[str, list[str]]] = []
        new_schemas: dict[str, dict[str, str]] = {}
        now = _now()
        for table, state in sorted(self._tables.items()):
            known = self.lake.manifest.known_schema(self.system, table)
            drift = compare_schemas(known, state.schema) if state.parts else None
            if state.declared_drift and state.parts:
                # The source declares its columns (a catalogue): a batch that breaks them is held even
                # when the lake has no schema of its own for the table yet (its first sync).
                drift = dataclasses.replace(drift or SchemaDrift(), declared=state.declared_drift)
            table_stage = self.staging / table
            rows = 0
            held_rows = 0
            size = 0
            status = "committed"
            if drift is not None and drift.breaking:
                status = "quarantined"
                drift_errors.append((table, drift.describe()))
                held = table_stage / "held.parquet"
                _combine_parts(table_stage, held, TableContract(), None)
                quarantine_files[table] = "held.parquet"
                held_rows = pq.read_metadata(held).num_rows
            elif state.parts:
                final = table_stage / "part-0.parquet.final"
                rows = _combine_parts(
                    table_stage,
                    final,
                    self.contracts.get(table, TableContract()),
                    self.lake.committed_files(self.system, table),
                    by_content=self.backfill,
                )
                if rows:
                    size = final.stat().st_size
                    files[table] = "part-0.parquet"
                    if known is None or (drift and drift.added):
                        new_schemas[table] = {**(known or {}), **state.schema}
                else:
                    final.unlink()
            elif state.arrow_schema is not None and not self.lake.committed_files(self.system, table):
                # A table that has never had a row still gets an empty, typed file, so that the warehouse
                # can read it (a glob with no files is an error) and its columns are known.
                table_stage.mkdir(parents=True, exist_ok=True)
                pq.write_table(state.arrow_schema.empty_table(), table_stage / "part-0.parquet.final")
                files[table] = "part-0.parquet"
                new_schemas[table] = state.schema
            if state.quarantined:
                table_stage.mkdir(parents=True, exist_ok=True)
                with open(table_stage / "quarantine.jsonl", "w", encoding="utf-8") as fh:
                    for q in state.quarantined:
                        fh.write(json.dumps(q, ensure_ascii=False) + "\n")
            if rows or held_rows or state.quarantined or table in files:
                records.append(
                    BatchRecord(
                        batch_id=self.batch_id,
                        system=self.system,
                        table=table,
                        stream=self.stream,
                        status=status,
                        rows=rows,
                        quarantined=len(state.quarantined) + held_rows,
                        bytes=size,
                        cursor_from=self.cursor_from,
                        cursor_to=self.cursor_to,
                        drift=drift.describe() if drift else [],
                        started_at=self.started_at,
                        committed_at=now,
                    )
                )
        target, hold = self._cursor_target(now)
        hold_changes = (
            hold != self.lake.manifest.hold(self.system, self.stream) if not self.backfill else False
        )
        cursor_moves = not drift_errors and target != self.cursor_from
        if not records and not cursor_moves and not hold_changes:
            self.committed = []
            return []
        meta = {
            "system": self.system,
            "files": files,
            "held": quarantine_files,
            "quarantine": [t for t, s in self._tables.items() if s.quarantined],
        }
        self.staging.mkdir(parents=True, exist_ok=True)
        (self.staging / "_commit.json").write_text(json.dumps(meta))
        for table in files:
            os.replace(self.staging / table / "part-0.parquet.final", self.staging / table / "part-0.parquet")
        _fsync_dir(self.staging)
        maybe_crash("lake.before_manifest")
        with self.lake.manifest.transaction() as con:
            for rec in records:
                Manifest.insert_batch(con, rec)
            for table, schema in new_schemas.items():
                Manifest.set_schema(con, self.system, table, schema)
            if cursor_moves:
                Manifest.set_cursor(con, self.system, self.stream, target, self.batch_id, now)
            if hold_changes and not drift_errors:
                Manifest.set_hold(con, hold, self.system, self.stream)
        maybe_crash("lake.after_manifest")
        _move_into_place(self.lake.root, self.staging, meta)
        maybe_crash("lake.after_commit")
        self.committed = records
        if drift_errors:
            changes = [f"{t}: {c}" for t, cs in drift_errors for c in cs]
            raise SchemaDriftError(", ".join(t for t, _ in drift_errors), changes)
        return records

    def _cursor_target(self, now: str) -> tuple[str | None, Hold | None]:
        """The cursor to commit, and the stream's hold after this sync.

        With rows in quarantine that the source can send again, the cursor stays where they start, for
        at most :data:`MAX_HOLD_NIGHTS` syncs in a row; rows already committed are re-read then and
        dropped as duplicates by their (key, version).
        """
        quarantined = sum(len(s.quarantined) for s in self._tables.values())
        if self.backfill or self.resume_from is None:
            return self.cursor_to, None
        previous = self.lake.manifest.hold(self.system, self.stream)
        nights = (previous.nights if previous else 0) + 1
        if nights > MAX_HOLD_NIGHTS:
            log.warning(
                "lake: %s/%s still sends %d row(s) that fail their contract after %d syncs; the cursor "
                "moves on and the rows stay in quarantine/",
                self.system,
                self.stream,
                quarantined,
                MAX_HOLD_NIGHTS,
            )
            return self.cursor_to, None
        resume = self.resume_from
        if self.cursor_from is not None and resume < self.cursor_from:
            resume = self.cursor_from
        self.hold = Hold(self.system, self.stream, resume, nights, quarantined, now)
        return resume, self.hold

    def discard(self) -> None:
        """Drop staging that was never committed (an exception inside the ``with`` block)."""
        if self.committed is None and self.staging.exists():
            shutil.rmtree(self.staging)


def _combine_parts(
    stage: Path,
    out: Path,
    contract: TableContract,
    committed: list[Path] | None,
    *,
    by_content: bool = False,
) -> int:
    """Rewrite staged parts into one file, dropping versions the lake (or this batch) already holds.

    ``by_content`` (backfills): a row is "already held" only when a committed row has the same key,
    version and content, so corrected rows under an unchanged version land as a new batch (staging keeps
    the newest batch per version) while a re-extracted identical row is dropped.

    Memory stays flat in the table's size: DuckDB decides which rows to keep reading only the key columns
    (within :data:`KEY_PASS_MEMORY`, spilling beyond), its answer (part and row numbers) is streamed one
    part at a time, and the rows themselves are copied part by part, in the order they arrived, through
    one Parquet writer. Sorting whole rows in DuckDB, or holding the whole keep list, made the commit's
    memory grow with the table (docs/benchmarks.md).
    """
    parts = sorted(stage.glob("part-*.parquet"))
    if contract.key:
        selected = _rows_to_keep(stage, parts, contract, committed, by_content)
    else:
        selected = ((part, None) for part in parts)
    schema = pa.unify_schemas(
        [pq.read_schema(p).remove_metadata() for p in parts], promote_options="permissive"
    )
    rows = 0
    pending: list[pa.Table] = []
    pending_rows = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for part, wanted in selected:
            offset = 0
            for batch in pq.ParquetFile(part).iter_batches(batch_size=_COPY_ROWS):
                table = pa.Table.from_batches([batch])
                if wanted is not None:
                    local = wanted[(wanted >= offset) & (wanted < offset + table.num_rows)] - offset
                    table = table.take(pa.array(local))
                offset += batch.num_rows
                if table.num_rows:
                    pending.append(_conform(table, schema))
                    pending_rows += table.num_rows
                if pending_rows >= _COPY_ROWS:
                    writer.write_table(pa.concat_tables(pending))
                    rows += pending_rows
                    pending, pending_rows = [], 0
        if pending:
            writer.write_table(pa.concat_tables(pending))
            rows += pending_rows
    with open(out, "rb") as fh:
        os.fsync(fh.fileno())
    return rows


_COPY_ROWS = 65_536  # rows per row group of the combined file, and per read of a staged part


def _rows_to_keep(
    stage: Path,
    parts: list[Path],
    contract: TableContract,
    committed: list[Path] | None,
    by_content: bool,
) -> Iterator[tuple[Path, np.ndarray]]:
    """``(staged part, sorted row numbers)`` of the rows to commit (first of each identity, not held), part
    by part in order, read back from a file DuckDB wrote, so only one part's numbers are held at a time."""
    keep_file = stage / "_keep.parquet"
    con = duckdb.connect()
    try:
        # DuckDB's window and anti-join over the keys spill to disk past this: without a bound their memory
        # grew with the table (~200 bytes a row, docs/benchmarks.md), the one part of a sync that did.
        con.execute(f"SET memory_limit = '{KEY_PASS_MEMORY}'")
        con.execute(f"SET temp_directory = '{stage / '_spill'}'")
        names = [str(p) for p in parts]
        src = "read_parquet(?, union_by_name = true, filename = '_f', file_row_number = true)"
        args: list = [names, names]
        ident = [*contract.key, *([contract.version] if contract.version else [])]
        committed_src = "read_parquet(?, union_by_name = true)"
        if by_content:
            ident = _content_columns(con, names)
            if committed:
                committed_src = _committed_projection(con, [str(p) for p in committed], ident)
        cols = ", ".join(f'"{c}"' for c in ident)
        query = (
            f"SELECT list_position(?::VARCHAR[], _f) AS part, file_row_number FROM (SELECT {cols}, _f, file_row_number, row_number() OVER "
            f"(PARTITION BY {cols} ORDER BY _f, file_row_number) AS _rn FROM {src}) s WHERE _rn = 1"
        )
        if committed:
            on = " AND ".join(f's."{c}" IS NOT DISTINCT FROM c."{c}"' for c in ident)
            query += f" AND NOT EXISTS (SELECT 1 FROM {committed_src} c WHERE {on})"
            args.append([str(p) for p in committed])
        # Integers only (part index, row number), written to a file in (part, row) order: DuckDB is done
        # and closed, its memory returned, before a single row is copied.
        con.execute(f"COPY ({query} ORDER BY part, file_row_number) TO '{keep_file}' (FORMAT parquet)", args)
    finally:
        con.close()
    current, chunks = 0, []
    for batch in pq.ParquetFile(keep_file).iter_batches(batch_size=_COPY_ROWS):
        index = batch.column("part").to_numpy().astype(np.int64)
        numbers = batch.column("file_row_number").to_numpy().astype(np.int64)
        for i in np.unique(index):
            if i != current and chunks:
                yield parts[current - 1], np.concatenate(chunks)
                chunks = []
            current = int(i)
            chunks.append(numbers[index == i])
    if chunks:
        yield parts[current - 1], np.concatenate(chunks)
    keep_file.unlink()


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns in its order: missing ones as nulls, others cast (a page with
    an extra column or an all-null column widens the batch's schema, as DuckDB's union by name did)."""
    if table.schema.remove_metadata() == schema:
        return table.replace_schema_metadata(None)
    columns = [
        table[f.name].cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _content_columns(con: duckdb.DuckDBPyConnection, parts: list[str]) -> list[str]:
    """Every data column of the staged parts (load metadata differs per batch, so it is not content)."""
    names = [
        row[0]
        for row in con.execute(
            "DESCRIBE SELECT * FROM read_parquet(?, union_by_name = true)", [parts]
        ).fetchall()
    ]
    return [n for n in names if n not in LOAD_COLUMNS]


def _committed_projection(con: duckdb.DuckDBPyConnection, committed: list[str], columns: list[str]) -> str:
    """The committed rows over ``columns``; a column older batches lack reads as NULL, as it would in
    the warehouse, so a backfill that only adds a value to a new column still counts as changed."""
    present = {
        row[0]
        for row in con.execute(
            "DESCRIBE SELECT * FROM read_parquet(?, union_by_name = true)", [committed]
        ).fetchall()
    }
    select = ", ".join(f'"{c}"' if c in present else f'NULL AS "{c}"' for c in columns)
    return f"(SELECT {select} FROM read_parquet(?, union_by_name = true))"


def _move_into_place(root: Path, staging: Path, meta: dict) -> None:
    system = meta["system"]
    for table in meta["files"]:
        src = staging / table / "part-0.parquet"
        dest_dir = root / "raw" / system / table / f"batch={staging.name}"
        if src.exists():
            dest_dir.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest_dir / "part-0.parquet")
            _fsync_dir(dest_dir)
    for table, name in meta.get("held", {}).items():
        src = staging / table / name
        if src.exists():
            qdir = root / "quarantine" / system / table
            qdir.mkdir(parents=True, exist_ok=True)
            os.replace(src, qdir / f"batch={staging.name}.parquet")
    for table in meta.get("quarantine", []):
        src = staging / table / "quarantine.jsonl"
        if src.exists():
            qdir = root / "quarantine" / system / table
            qdir.mkdir(parents=True, exist_ok=True)
            os.replace(src, qdir / f"batch={staging.name}.jsonl")
    shutil.rmtree(staging, ignore_errors=True)
