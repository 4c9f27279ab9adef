"""The batch manifest: which batches are committed, the cursor each stream has reached, known schemas.

SQLite, because a batch and its new cursor must become visible in one transaction, and SQLite gives that
with a single local file that needs no server.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    batch_id      TEXT NOT NULL,
    system        TEXT NOT NULL,
    table_name    TEXT NOT NULL,
    stream        TEXT NOT NULL,
    status        TEXT NOT NULL,          -- committed | quarantined
    rows          INTEGER NOT NULL,
    quarantined   INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    cursor_from   TEXT,
    cursor_to     TEXT,
    drift         TEXT NOT NULL,          -- JSON list of drift descriptions
    started_at    TEXT NOT NULL,
    committed_at  TEXT NOT NULL,
    PRIMARY KEY (batch_id, table_name)
);
CREATE TABLE IF NOT EXISTS cursors (
    system     TEXT NOT NULL,
    stream     TEXT NOT NULL,
    cursor     TEXT,
    batch_id   TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (system, stream)
);
CREATE TABLE IF NOT EXISTS holds (        -- a cursor kept back so that quarantined rows are fetched again
    system      TEXT NOT NULL,
    stream      TEXT NOT NULL,
    cursor      TEXT NOT NULL,            -- where the next sync starts ('' = the beginning)
    nights      INTEGER NOT NULL,         -- consecutive syncs that ended with rows in quarantine
    quarantined INTEGER NOT NULL,         -- rows quarantined by the last of them
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (system, stream)
);
CREATE TABLE IF NOT EXISTS announced (    -- committed batches whose consumer has told the world (an outbox)
    batch_id     TEXT NOT NULL,
    table_name   TEXT NOT NULL,
    announced_at TEXT NOT NULL,
    PRIMARY KEY (batch_id, table_name)
);
CREATE TABLE IF NOT EXISTS schemas (
    system     TEXT NOT NULL,
    table_name TEXT NOT NULL,
    schema     TEXT NOT NULL,             -- JSON column -> Arrow type
    PRIMARY KEY (system, table_name)
);
"""


@dataclass(frozen=True)
class Hold:
    """A stream whose cursor is kept at ``cursor`` so its quarantined rows are asked for again
    (giữ con trỏ để lấy lại dòng bị cách ly), for the ``nights``-th sync in a row."""

    system: str
    stream: str
    cursor: str
    nights: int
    quarantined: int
    updated_at: str


@dataclass(frozen=True)
class BatchRecord:
    batch_id: str
    system: str
    table: str
    stream: str
    status: str
    rows: int
    quarantined: int
    bytes: int
    cursor_from: str | None
    cursor_to: str | None
    drift: list[str]
    started_at: str
    committed_at: str


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            fresh_outbox = not con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'announced'"
            ).fetchone()
            con.executescript(_SCHEMA)
            if fresh_outbox:
                # A lake from before the outbox: its batches were announced by the code that committed them.
                con.execute(
                    "INSERT OR IGNORE INTO announced SELECT batch_id, table_name, committed_at FROM batches"
                )

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        return con

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def cursor(self, system: str, stream: str) -> str | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT cursor FROM cursors WHERE system = ? AND stream = ?", (system, stream)
            ).fetchone()
        return row[0] if row else None

    def hold(self, system: str, stream: str) -> Hold | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT * FROM holds WHERE system = ? AND stream = ?", (system, stream)
            ).fetchone()
        return Hold(*row) if row else None

    def holds(self, system: str | None = None) -> list[Hold]:
        sql, args = "SELECT * FROM holds", []
        if system is not None:
            sql, args = sql + " WHERE system = ?", [system]
        with self._connect() as con:
            return [Hold(*row) for row in con.execute(sql + " ORDER BY system, stream", args)]

    def known_schema(self, system: str, table: str) -> dict[str, str] | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT schema FROM schemas WHERE system = ? AND table_name = ?", (system, table)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def batch_ids(self) -> set[str]:
        with self._connect() as con:
            return {r[0] for r in con.execute("SELECT DISTINCT batch_id FROM batches")}

    def batches(self, system: str | None = None, table: str | None = None) -> list[BatchRecord]:
        sql = "SELECT * FROM batches WHERE 1=1"
        args: list[str] = []
        if system is not None:
            sql += " AND system = ?"
            args.append(system)
        if table is not None:
            sql += " AND table_name = ?"
            args.append(table)
        sql += " ORDER BY committed_at, batch_id, table_name"
        with self._connect() as con:
            rows = con.execute(sql, args).fetchall()
        return [_record(r) for r in rows]

    def unannounced(self, system: str) -> list[BatchRecord]:
        """Committed batches of ``system`` that no consumer has announced yet (:meth:`announce`), oldest
        first: what a run that died between its commit and its report left behind."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT b.* FROM batches b LEFT JOIN announced a "
                "ON a.batch_id = b.batch_id AND a.table_name = b.table_name "
                "WHERE b.system = ? AND b.status = 'committed' AND a.batch_id IS NULL "
                "ORDER BY b.batch_id, b.table_name",
                (system,),
            ).fetchall()
        return [_record(r) for r in rows]

    def announce(self, done: list[tuple[str, str, str]], at: str) -> None:
        """Record, for each ``(system, table, up_to)``, that every committed batch of the table up to batch
        ``up_to`` was announced (one transaction)."""
        with self.transaction() as con:
            con.executemany(
                "INSERT OR IGNORE INTO announced SELECT batch_id, table_name, ? FROM batches "
                "WHERE system = ? AND table_name = ? AND status = 'committed' AND batch_id <= ?",
                [(at, system, table, up_to) for system, table, up_to in done],
            )

    @staticmethod
    def insert_batch(con: sqlite3.Connection, rec: BatchRecord) -> None:
        con.execute(
            "INSERT INTO batches VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                rec.batch_id,
                rec.system,
                rec.table,
                rec.stream,
                rec.status,
                rec.rows,
                rec.quarantined,
                rec.bytes,
                rec.cursor_from,
                rec.cursor_to,
                json.dumps(rec.drift, ensure_ascii=False),
                rec.started_at,
                rec.committed_at,
            ),
        )

    @staticmethod
    def set_cursor(
        con: sqlite3.Connection, system: str, stream: str, cursor: str | None, batch_id: str, at: str
    ) -> None:
        con.execute(
            "INSERT INTO cursors VALUES (?,?,?,?,?) ON CONFLICT(system, stream) DO UPDATE SET "
            "cursor = excluded.cursor, batch_id = excluded.batch_id, updated_at = excluded.updated_at",
            (system, stream, cursor, batch_id, at),
        )

    @staticmethod
    def set_hold(con: sqlite3.Connection, hold: Hold | None, system: str, stream: str) -> None:
        """Record ``hold`` for the stream, or clear it (``None``: the quarantined rows came back)."""
        con.execute("DELETE FROM holds WHERE system = ? AND stream = ?", (system, stream))
        if hold is not None:
            con.execute(
                "INSERT INTO holds VALUES (?,?,?,?,?,?)",
                (hold.system, hold.stream, hold.cursor, hold.nights, hold.quarantined, hold.updated_at),
            )

    @staticmethod
    def set_schema(con: sqlite3.Connection, system: str, table: str, schema: dict[str, str]) -> None:
        con.execute(
            "INSERT INTO schemas VALUES (?,?,?) ON CONFLICT(system, table_name) DO UPDATE SET schema = excluded.schema",
            (system, table, json.dumps(schema, ensure_ascii=False, sort_keys=True)),
        )


def _record(r: tuple) -> BatchRecord:
    return BatchRecord(
        batch_id=r[0],
        system=r[1],
        table=r[2],
        stream=r[3],
        status=r[4],
        rows=r[5],
        quarantined=r[6],
        bytes=r[7],
        cursor_from=r[8],
        cursor_to=r[9],
        drift=json.loads(r[10]),
        started_at=r[11],
        committed_at=r[12],
    )
