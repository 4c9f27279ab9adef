"""The lake's backfill dedupe: on (key, version, content) for backfills, on (key, version) for nightly syncs."""

from __future__ import annotations

import pyarrow as pa

from sources.common.batch import SourceBatch
from sources.lake import Lake, TableContract

CONTRACTS = {"dossiers": TableContract(key=("MaHoSo",), version="NgayCapNhat")}


def _batch(status: dict[str, int], cursor: str | None = "20251202010000") -> SourceBatch:
    codes = sorted(status)
    data = pa.table(
        {
            "MaHoSo": pa.array(codes, pa.string()),
            "TrangThaiHoSo": pa.array([status[c] for c in codes], pa.int64()),
            "NgayCapNhat": pa.array(["20251202010000"] * len(codes), pa.string()),
        }
    )
    return SourceBatch("dossiers", data, cursor=cursor)


def _commit(lake: Lake, batch: SourceBatch, *, backfill: bool) -> int:
    with lake.stream("one_stop", "dossiers", CONTRACTS, backfill=backfill) as tx:
        tx.write(batch)
        return sum(r.rows for r in tx.commit())


def test_a_nightly_sync_drops_a_fix_that_kept_its_version_a_backfill_lands_it(tmp_path):
    lake = Lake(tmp_path)
    assert _commit(lake, _batch({"A": 4, "B": 4, "C": 4}), backfill=False) == 3
    fixed = {"A": 10, "B": 4, "C": 4}  # A corrected in the source, NgayCapNhat unchanged
    # The incremental path sees the same (key, version) and drops it: why a backfill needs its own rule.
    assert _commit(lake, _batch(fixed), backfill=False) == 0
    assert _commit(lake, _batch(fixed, cursor=None), backfill=True) == 1  # only A, changed, lands
    assert _commit(lake, _batch(fixed, cursor=None), backfill=True) == 0  # identical again: nothing


def test_a_backfill_dedupes_within_its_own_batch_and_keeps_the_cursor(tmp_path):
    lake = Lake(tmp_path)
    _commit(lake, _batch({"A": 4}, cursor="20251202010000"), backfill=False)
    with lake.stream("one_stop", "dossiers", CONTRACTS, backfill=True) as tx:
        tx.write(_batch({"A": 5, "B": 4}, cursor="20991231000000"))
        tx.write(_batch({"A": 5}, cursor="20991231000000"))  # a page read twice
        records = tx.commit()
    assert sum(r.rows for r in records) == 2  # A (changed) and B (new), each once
    assert lake.cursor("one_stop", "dossiers") == "20251202010000"  # a backfill never moves the cursor
