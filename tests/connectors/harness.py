"""One harness for "every fault knob, then compare the lake with a fault-free run" (issue 4, Done-when).

A :class:`SourceUnderTest` is a sandbox system, its fault injector and a ``sync(lake)`` that drives the
real connector into the real lake the way the ingestion asset does. :func:`check_knob` switches one
:class:`Knob` on, syncs into a fresh lake, switches it off and compares that lake with the clean one,
table by table, as multisets of rows (load metadata aside):

* ``equal`` — the knob must not change the lake at all (transport faults, token expiry, truncated,
  repeated or reordered pages, legacy encodings the connector can read, additive drift on the clean
  columns);
* ``accounted`` — the fault destroys rows (malformed rows, bytes that cannot be decoded): every row the
  lake holds is a clean row, and the missing ones are exactly the quarantined ones;
* ``held`` — breaking schema drift: the sync refuses the batch (``SchemaDriftError``) and leaves the
  cursor where it was, so the next fault-free sync reaches the clean lake.

The faulty lake starts knowing each table's schema from the clean lake (as after earlier nights) but none
of its rows or cursors, so every row is read under the fault and drift is judged against a known schema.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Literal

import duckdb

from sandbox.faults import SCHEMA_DRIFTS, FaultInjector, Faults
from sources.common.errors import SchemaDriftError
from sources.lake import BatchRecord, Lake
from sources.lake.lake import LOAD_COLUMNS
from sources.lake.manifest import Manifest

Outcome = Literal["equal", "accounted", "held"]


@dataclass(frozen=True)
class Knob:
    id: str
    faults: Faults


# Every knob of sandbox.faults.Faults, alone (companion knobs such as retry_after_s ride with their knob).
KNOBS: tuple[Knob, ...] = (
    Knob("latency_ms", Faults(latency_ms=15)),
    Knob("rate_limit_every", Faults(rate_limit_every=3, retry_after_s=0.01)),
    Knob("error_5xx_every", Faults(error_5xx_every=4)),
    Knob("timeout_every", Faults(timeout_every=8, timeout_s=2.5)),  # one hang per source at least
    # Tokens outlive a request or two, not the run: they expire mid-run and must be refreshed.
    Knob("token_ttl_s", Faults(token_ttl_s=0.5, latency_ms=25)),
    Knob("truncate_page_every", Faults(truncate_page_every=3)),
    Knob("repeat_page_every", Faults(repeat_page_every=2)),
    Knob("reorder_pages", Faults(reorder_pages=True)),
    *(Knob(f"schema_drift={drift}", Faults(schema_drift=drift)) for drift in SCHEMA_DRIFTS),
    Knob("malformed_rows_every", Faults(malformed_rows_every=7)),
    Knob("bad_encoding", Faults(bad_encoding=True)),
)
COMPANION_KNOBS = {"retry_after_s", "timeout_s"}


def uncovered_knobs() -> set[str]:
    """Knobs of :class:`Faults` no case switches on (must stay empty)."""
    default = Faults()
    on = {
        f.name for k in KNOBS for f in fields(Faults) if getattr(k.faults, f.name) != getattr(default, f.name)
    }
    return {f.name for f in fields(Faults)} - on - COMPANION_KNOBS


@dataclass
class SourceUnderTest:
    name: str
    system: str  # the lake's system folder
    injector: FaultInjector
    sync: Callable[[Lake], list[BatchRecord]]
    tables: tuple[str, ...]
    expect: dict[str, Outcome] = field(default_factory=dict)  # knob id -> outcome; default "equal"
    ignore: dict[str, tuple[str, ...]] = field(default_factory=dict)  # knob id -> columns not compared
    volatile: tuple[str, ...] = ()  # columns that differ between any two runs (a lookup's timestamp)
    snapshot: bool = False  # every sync lands whole tables: a table's content is its newest batch
    # Whether a fault-free night after a data fault must restore the clean lake. Population lookups are
    # made afresh each night (new rows by design); failed ones are retried by the pending-applicants
    # queue of the asset (tests/unit/test_pending_applicants.py), not by a cursor.
    next_night_restores: bool = True

    def outcome(self, knob: Knob) -> Outcome:
        return self.expect.get(knob.id, "equal")


def lake_rows(
    lake: Lake, system: str, table: str, columns: list[str] | None = None, *, snapshot: bool = False
) -> tuple[list[str], Counter]:
    """The committed rows of a table as a multiset of tuples over ``columns`` (default: all but load
    metadata); ``snapshot``: of its newest batch only (batch ids sort by time)."""
    files = lake.committed_files(system, table)
    if snapshot:
        files = files[-1:]
    if not files:
        return columns or [], Counter()
    data = _union(files)
    names = columns or [c for c in data.column_names if c not in LOAD_COLUMNS]
    present = [c if c in data.column_names else None for c in names]
    cols = [data[c].to_pylist() if c else [None] * data.num_rows for c in present]
    return names, Counter(zip(*cols, strict=True)) if cols else Counter()


def _union(files):
    con = duckdb.connect()
    try:
        return con.read_parquet([str(f) for f in files], union_by_name=True).fetch_arrow_table()
    finally:
        con.close()


@dataclass
class Comparison:
    missing: int = 0  # clean rows the faulty lake lacks
    foreign: int = 0  # rows the faulty lake holds that no clean lake has
    quarantined: int = 0

    @property
    def equal(self) -> bool:
        return self.missing == 0 and self.foreign == 0


def compare(
    sut: SourceUnderTest, clean: Lake, faulty: Lake, records: list[BatchRecord], knob: Knob
) -> Comparison:
    result = Comparison(quarantined=sum(r.quarantined for r in records))
    ignored = set(sut.volatile) | set(sut.ignore.get(knob.id, ()))
    for table in sut.tables:
        names, _ = lake_rows(clean, sut.system, table)
        names = [n for n in names if n not in ignored]
        _, want = lake_rows(clean, sut.system, table, names, snapshot=sut.snapshot)
        _, got = lake_rows(faulty, sut.system, table, names, snapshot=sut.snapshot)
        result.missing += sum((want - got).values())
        result.foreign += sum((got - want).values())
    return result


def prime_schemas(sut: SourceUnderTest, clean: Lake, lake: Lake) -> None:
    """Teach ``lake`` the clean lake's table schemas (no rows, no cursors)."""
    with lake.manifest.transaction() as con:
        for table in sut.tables:
            schema = clean.manifest.known_schema(sut.system, table)
            if schema is not None:
                Manifest.set_schema(con, sut.system, table, schema)


def sync_with(sut: SourceUnderTest, lake: Lake, faults: Faults) -> tuple[list[BatchRecord], Exception | None]:
    sut.injector.set(faults)
    try:
        return sut.sync(lake), None
    except SchemaDriftError as exc:
        return [], exc
    finally:
        sut.injector.reset()


def check_knob(sut: SourceUnderTest, clean: Lake, lake: Lake, knob: Knob) -> None:
    """Run ``knob`` against ``sut`` into the empty ``lake`` and assert its outcome against ``clean``."""
    prime_schemas(sut, clean, lake)
    records, error = sync_with(sut, lake, knob.faults)
    outcome = sut.outcome(knob)
    if outcome == "held":
        assert isinstance(error, SchemaDriftError), f"{sut.name}/{knob.id}: breaking drift was not refused"
        records, error = sync_with(sut, lake, Faults())  # the next fault-free night
    assert error is None, f"{sut.name}/{knob.id}: {error}"
    found = compare(sut, clean, lake, records, knob)
    if outcome == "accounted":
        assert found.foreign == 0 and found.missing > 0, f"{sut.name}/{knob.id}: {found}"
        assert found.missing == found.quarantined, f"{sut.name}/{knob.id}: rows lost unaccounted: {found}"
        if not sut.next_night_restores:
            return
        # The cursor waited where the quarantined rows start: the next fault-free night brings them whole.
        records, error = sync_with(sut, lake, Faults())
        assert error is None, f"{sut.name}/{knob.id}, next night: {error}"
        found = compare(sut, clean, lake, records, knob)
        assert found.equal, f"{sut.name}/{knob.id}: the next night did not restore the lake: {found}"
    else:
        assert found.equal, f"{sut.name}/{knob.id}: lake differs from the fault-free lake: {found}"
