"""The sandbox platform's table store (kho dữ liệu bảng): one SQLite file holding every table's rows.

Rows are kept as the JSON text the export answers (one object per row, every value a string), keyed by
(table, primary key) and ordered by an update cursor ``<ngay_cap_nhat>.<primary key>``: the platform's
own change timestamp (``yyyyMMddHHmmss``) made unique by the key, so paging by "cursor greater than"
never skips or repeats a row even when many rows share a timestamp.

Time moves in epochs (one epoch = one day after 1/10/2025): :func:`advance` applies the next epoch's
changes (updated rows get a new ``ngay_cap_nhat``, new rows are appended) to the tables whose update
frequency says they change that day, so an incremental export from an old cursor returns exactly the new
and changed rows. Everything is deterministic for (seed, epoch).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import pathlib
import random
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from functools import lru_cache

from sandbox.digitization import values
from sandbox.digitization.catalogue import TableSpec, build_catalogue, rows_for_scenario
from sandbox.digitization.templates import TEMPLATES
from sandbox.people import MAX_POPULATION, people_at

DB_NAME = "digitization.sqlite"
EPOCH_ZERO = dt.datetime(2025, 10, 1)
HISTORY_START = dt.datetime(2021, 1, 1)
_PK_PREFIX = {t.key: t.pk_prefix for t in TEMPLATES}
_FREQUENCY_DAYS = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91, "yearly": 365}
_SCHEMA = """
create table if not exists meta (key text primary key, value text not null);
-- Clustered by (table, cursor): a page is one sequential range scan, not 10,000 index lookups.
create table if not exists export_rows (
    table_slug text not null,
    cursor text not null,
    row_key text not null,
    payload text not null,
    primary key (table_slug, cursor)
) without rowid;
create unique index if not exists export_rows_key on export_rows (table_slug, row_key);
create table if not exists table_state (table_slug text primary key, next_row integer not null);
"""


def db_path(data_dir: pathlib.Path) -> pathlib.Path:
    return pathlib.Path(data_dir) / DB_NAME


def connect(data_dir: pathlib.Path) -> sqlite3.Connection:
    con = sqlite3.connect(db_path(data_dir), check_same_thread=False)
    con.executescript(_SCHEMA)
    return con


def _rng(*parts: object) -> random.Random:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def row_key(table: TableSpec, row_no: int) -> str:
    """The primary key the platform assigns: template prefix + 7 digits, leading zeros kept."""
    return f"{_PK_PREFIX[table.template]}{row_no:07d}"


_PERSON_TYPES = frozenset({"person_name", "personal_id", "phone", "email"})


def _person_index(table: TableSpec, row_no: int) -> int:
    return (table.number * 100_003 + row_no) % MAX_POPULATION


def persons_for(table: TableSpec, seed: int, row_nos: list[int]) -> list:
    """The people behind rows ``row_nos`` (vectorised), or Nones when the table names nobody."""
    if not any(c.semantic_type in _PERSON_TYPES for c in table.columns):
        return [None] * len(row_nos)
    return people_at(seed, [_person_index(table, r) for r in row_nos])


@lru_cache(maxsize=1024)
def _row_plan(table: TableSpec) -> tuple[tuple[object, str, str], ...]:
    """(column, role, label) per column, worked out once per table rather than once per cell: the
    generator writes millions of rows at the province-year tier."""
    plan = []
    for col in table.columns:
        if col.id == table.primary_key[0]:
            plan.append((col, "key", ""))
        elif col.id == "ngay_cap_nhat":
            plan.append((col, "updated", ""))
        else:
            plan.append((col, "cell", col.name.removeprefix("Tên ").capitalize()))
    return tuple(plan)


def make_row(
    table: TableSpec, seed: int, row_no: int, updated: dt.datetime, who=None
) -> dict[str, str | None]:
    """Row ``row_no`` of ``table`` as first entered (``who``: its person from :func:`persons_for`)."""
    rng = _rng(seed, table.slug, row_no)
    if who is None:
        who = persons_for(table, seed, [row_no])[0]
    ctx = {
        "person": who,
        "personal": table.classification == "restricted",
        "lat_lon": values.lat_lon(rng),
        "table_name": table.name,
        "day": updated.date(),
    }
    row: dict[str, str | None] = {}
    for col, role, label in _row_plan(table):
        if role == "key":
            row[col.id] = row_key(table, row_no)
        elif role == "updated":
            row[col.id] = _ts(updated)
        else:
            ctx["label"] = label
            row[col.id] = _cell(col, rng, ctx)
    return row


def _cell(col, rng: random.Random, ctx: dict) -> str | None:
    if col.nullable and rng.random() < 0.08:
        return None if rng.random() < 0.7 else ""
    if col.accepted_values:
        choice = rng.choice(col.accepted_values)
        return values.mess_text(choice, rng) if col.semantic_type == "text" else choice
    return values.value(col.semantic_type, col.id, rng, ctx)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps builds one per call


def _dump(row: dict) -> str:
    return _ENCODER.encode(row)


CHUNK_ROWS = 5_000  # rows generated per unit of work: one vectorised people lookup, ~2.5 MB of payloads
PARALLEL_FROM_ROWS = 50_000  # below this, starting worker processes costs more than it saves
_SPAN_S = int((EPOCH_ZERO - HISTORY_START).total_seconds())


def _rows_between(table: TableSpec, seed: int, first: int, last: int) -> list[tuple[str, str, str]]:
    """(row_key, cursor, payload) of rows ``first..last``: a pure function of (table, seed, row number),
    so chunks can be generated in any process and in any order."""
    row_nos = list(range(first, last + 1))
    out = []
    for row_no, who in zip(row_nos, persons_for(table, seed, row_nos), strict=True):
        moment = HISTORY_START + dt.timedelta(seconds=_rng(seed, table.slug, row_no, "t").randrange(_SPAN_S))
        row = make_row(table, seed, row_no, moment, who)
        key = row[table.primary_key[0]]
        out.append((key, f"{row['ngay_cap_nhat']}.{key}", _dump(row)))
    return out


def _chunks(count: int) -> Iterator[tuple[int, int]]:
    for first in range(1, count + 1, CHUNK_ROWS):
        yield first, min(count, first + CHUNK_ROWS - 1)


def initial_rows(table: TableSpec, seed: int, count: int) -> Iterator[tuple[str, str, str]]:
    """(row_key, cursor, payload) for the table's first ``count`` rows, entered between 2021 and epoch 0."""
    for first, last in _chunks(count):
        yield from _rows_between(table, seed, first, last)


def _chunk_task(task: tuple[TableSpec, int, int, int]) -> tuple[str, list[tuple[str, str, str]]]:
    table, seed, first, last = task
    return table.slug, _rows_between(table, seed, first, last)


def fill(
    data_dir: pathlib.Path,
    tables: Iterable[TableSpec],
    seed: int,
    scenario_name: str,
    *,
    workers: int = 1,
) -> dict[str, int]:
    """Create the store with every table's initial rows; returns rows per table.

    With ``workers`` > 1 (and enough rows to be worth it) the rows are generated by that many processes,
    chunk by chunk, and written in the same order as one process would: the same store, faster. Memory
    stays bounded: chunks are consumed as they arrive, never a whole table at once.
    """
    tables = list(tables)
    counts = {t.slug: rows_for_scenario(t, scenario_name) for t in tables}
    tasks = ((t, seed, first, last) for t in tables for first, last in _chunks(counts[t.slug]))
    insert = "insert into export_rows (table_slug, row_key, cursor, payload) values (?, ?, ?, ?)"
    with closing(connect(data_dir)) as con, con:
        if workers > 1 and sum(counts.values()) >= PARALLEL_FROM_ROWS:
            # spawn, not fork: the caller may be a threaded server (uvicorn) or a test session.
            with multiprocessing.get_context("spawn").Pool(workers) as pool:
                for slug, rows in pool.imap(_chunk_task, tasks, chunksize=1):
                    con.executemany(insert, ((slug, k, c, p) for k, c, p in rows))
        else:
            for task in tasks:
                slug, rows = _chunk_task(task)
                con.executemany(insert, ((slug, k, c, p) for k, c, p in rows))
        con.executemany(
            "insert or replace into table_state values (?, ?)", ((s, n + 1) for s, n in counts.items())
        )
        con.execute("insert or ignore into meta values ('epoch', '0')")  # growing keeps the clock
    return counts


def current_epoch(con: sqlite3.Connection) -> int:
    row = con.execute("select value from meta where key = 'epoch'").fetchone()
    return int(row[0]) if row else 0


def changes_on(table: TableSpec, epoch: int) -> bool:
    """Whether ``table`` changes on day ``epoch``: daily tables every day, yearly ones once a year."""
    return (epoch + table.number) % _FREQUENCY_DAYS[table.update_frequency] == 0


def advance(data_dir: pathlib.Path, seed: int, n_tables: int, epochs: int = 1) -> int:
    """Apply the next ``epochs`` days of changes; returns the new epoch number."""
    tables = build_catalogue(n_tables, seed)
    with closing(connect(data_dir)) as con, con:
        epoch = current_epoch(con)
        for _ in range(epochs):
            epoch += 1
            for table in tables:
                if changes_on(table, epoch):
                    _apply_epoch(con, table, seed, epoch)
            con.execute("insert or replace into meta values ('epoch', ?)", (str(epoch),))
    return epoch


def _apply_epoch(con: sqlite3.Connection, table: TableSpec, seed: int, epoch: int) -> None:
    (next_row,) = con.execute(
        "select next_row from table_state where table_slug = ?", (table.slug,)
    ).fetchone()
    existing = next_row - 1
    rng = _rng(seed, table.slug, "epoch", epoch)
    day = EPOCH_ZERO + dt.timedelta(days=epoch - 1)
    moments = sorted(day + dt.timedelta(seconds=rng.randrange(3_600, 86_000)) for _ in range(3))
    editable = [c for c in table.columns if c.id not in (table.primary_key[0], "ngay_cap_nhat")]
    n_updates = min(existing, max(1, existing // 30))
    pk = table.primary_key[0]
    for row_no in rng.sample(range(1, existing + 1), n_updates):
        key = row_key(table, row_no)
        found = con.execute(
            "select payload from export_rows where table_slug = ? and row_key = ?", (table.slug, key)
        ).fetchone()
        if found is None:
            continue
        row = json.loads(found[0])
        col = rng.choice(editable)
        ctx = {
            "person": persons_for(table, seed, [row_no])[0],
            "personal": table.classification == "restricted",
            "lat_lon": values.lat_lon(rng),
            "table_name": table.name,
            "label": col.name.removeprefix("Tên ").capitalize(),
            "day": moments[0].date(),
        }
        row[col.id] = _cell(col, rng, ctx)
        row["ghi_chu"] = f"Cập nhật ngày {day:%d/%m/%Y}"
        row["ngay_cap_nhat"] = _ts(moments[0])
        con.execute(
            "update export_rows set cursor = ?, payload = ? where table_slug = ? and row_key = ?",
            (f"{row['ngay_cap_nhat']}.{key}", _dump(row), table.slug, key),
        )
    n_new = max(1, existing // 100)
    for row_no in range(next_row, next_row + n_new):
        row = make_row(table, seed, row_no, moments[1])
        con.execute(
            "insert into export_rows (table_slug, row_key, cursor, payload) values (?, ?, ?, ?)",
            (table.slug, row[pk], f"{row['ngay_cap_nhat']}.{row[pk]}", _dump(row)),
        )
    con.execute("update table_state set next_row = ? where table_slug = ?", (next_row + n_new, table.slug))


def page(
    con: sqlite3.Connection, table_slug: str, cursor: str, limit: int
) -> tuple[list[tuple[str, str]], bool]:
    """Up to ``limit`` (cursor, payload) pairs after ``cursor``, and whether more follow."""
    rows = con.execute(
        "select cursor, payload from export_rows where table_slug = ? and cursor > ? order by cursor limit ?",
        (table_slug, cursor, limit + 1),
    ).fetchall()
    return rows[:limit], len(rows) > limit


def count_rows(con: sqlite3.Connection, table_slug: str) -> int:
    return con.execute("select count(*) from export_rows where table_slug = ?", (table_slug,)).fetchone()[0]
