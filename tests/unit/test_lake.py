"""The lake's exactly-once guarantees: dedupe, cursor commit, crash recovery, drift, quarantine."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sources.common.batch import QuarantinedRow, SourceBatch
from sources.common.errors import SchemaDriftError
from sources.lake import Lake, TableContract

CONTRACTS = {"dossiers": TableContract(key=("MaHoSo",), version="NgayCapNhat")}


def _batch(rows: list[tuple[str, str, int]], cursor: str | None = None, quarantined=()) -> SourceBatch:
    table = pa.table(
        {
            "MaHoSo": [r[0] for r in rows],
            "NgayCapNhat": [r[1] for r in rows],
            "TrangThaiHoSo": pa.array([r[2] for r in rows], pa.int64()),
        }
    )
    cur = cursor or (max(r[1] for r in rows) if rows else None)
    return SourceBatch("dossiers", table, cursor=cur, quarantined=list(quarantined))


def _rows(lake: Lake) -> list[tuple]:
    files = lake.committed_files("one_stop", "dossiers")
    if not files:
        return []
    t = pa.concat_tables(
        [pq.read_table(f, columns=["MaHoSo", "NgayCapNhat", "TrangThaiHoSo"]) for f in files]
    )
    return sorted(zip(*[t[c].to_pylist() for c in t.column_names], strict=True))


def test_commit_writes_batch_cursor_and_load_metadata(tmp_path):
    lake = Lake(tmp_path)
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(_batch([("HS1", "20230101000000", 2), ("HS2", "20230102000000", 4)]))
        records = tx.commit()
    assert [r.rows for r in records] == [2]
    assert lake.cursor("one_stop", "dossiers") == "20230102000000"
    table = pq.read_table(lake.committed_files("one_stop", "dossiers")[0])
    assert {"_batch_id", "_extracted_at", "_source"} <= set(table.column_names)
    assert set(table["_source"].to_pylist()) == {"one_stop.dossiers"}


def test_overlap_and_repeated_pages_hold_each_version_once(tmp_path):
    lake = Lake(tmp_path)
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(_batch([("HS1", "20230101000000", 2), ("HS2", "20230102000000", 4)]))
        tx.write(_batch([("HS2", "20230102000000", 4)]))  # a repeated page
        tx.commit()
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        # the overlap window re-delivers HS2; HS1 arrives in a new version
        tx.write(_batch([("HS2", "20230102000000", 4), ("HS1", "20230103000000", 9)]))
        records = tx.commit()
    assert records[0].rows == 1
    assert _rows(lake) == [
        ("HS1", "20230101000000", 2),
        ("HS1", "20230103000000", 9),
        ("HS2", "20230102000000", 4),
    ]


def test_nothing_new_commits_nothing(tmp_path):
    lake = Lake(tmp_path)
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(_batch([("HS1", "20230101000000", 2)]))
        tx.commit()
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(_batch([("HS1", "20230101000000", 2)]))
        assert tx.commit() == []
    assert len(lake.batches()) == 1


def test_exception_before_commit_leaves_nothing(tmp_path):
    lake = Lake(tmp_path)
    with pytest.raises(RuntimeError), lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(_batch([("HS1", "20230101000000", 2)]))
        raise RuntimeError("source died mid-sync")
    assert lake.cursor("one_stop", "dossiers") is None
    assert _rows(lake) == []
    assert not (tmp_path / "_staging").exists() or not any((tmp_path / "_staging").iterdir())


def test_quarantine_is_written_and_counted(tmp_path):
    lake = Lake(tmp_path)
    bad = QuarantinedRow.of("TrangThaiHoSo not in 1..10: 'abc'", {"MaHoSo": "HS9", "TrangThaiHoSo": "abc"})
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(_batch([("HS1", "20230101000000", 2)], quarantined=[bad]))
        (record,) = tx.commit()
    assert record.quarantined == 1
    files = list((tmp_path / "quarantine" / "one_stop" / "dossiers").glob("*.jsonl"))
    assert len(files) == 1
    assert "TrangThaiHoSo not in 1..10" in files[0].read_text(encoding="utf-8")


def test_additive_drift_flows_and_breaking_drift_is_held(tmp_path):
    lake = Lake(tmp_path)
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(_batch([("HS1", "20230101000000", 2)]))
        tx.commit()
    added = _batch([("HS2", "20230102000000", 4)])
    added = SourceBatch("dossiers", added.data.append_column("KenhMoi", pa.array(["x"])), cursor=added.cursor)
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(added)
        (record,) = tx.commit()
    assert record.drift == ["column added: KenhMoi"]
    removed = SourceBatch(
        "dossiers", pa.table({"MaHoSo": ["HS3"], "NgayCapNhat": ["20230103000000"]}), cursor="20230103000000"
    )
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(removed)
        with pytest.raises(SchemaDriftError, match=r"dossiers.*column removed: TrangThaiHoSo"):
            tx.commit()
    assert lake.cursor("one_stop", "dossiers") == "20230102000000"  # not advanced past the held batch
    assert list((tmp_path / "quarantine" / "one_stop" / "dossiers").glob("*.parquet"))


_CRASH_SCRIPT = """
import sys, pyarrow as pa
from sources.common.batch import SourceBatch
from sources.lake import Lake, TableContract
lake = Lake(sys.argv[1])
contracts = {"dossiers": TableContract(key=("MaHoSo",), version="NgayCapNhat")}
with lake.stream("one_stop", "dossiers", contracts) as tx:
    tx.write(SourceBatch("dossiers", pa.table({"MaHoSo": ["HS1", "HS2"], "NgayCapNhat": ["20230101000000", "20230102000000"],
        "TrangThaiHoSo": pa.array([2, 4], pa.int64())}), cursor="20230102000000"))
    tx.commit()
"""


@pytest.mark.parametrize("point", ["lake.before_manifest", "lake.after_manifest", "lake.after_commit"])
def test_kill_9_during_commit_then_rerun_gives_clean_lake(tmp_path, point):
    clean = tmp_path / "clean"
    crashed = tmp_path / "crashed"
    env = {**os.environ, "HUE_CRASH_AT": point}
    proc = subprocess.run([sys.executable, "-c", _CRASH_SCRIPT, str(crashed)], env=env, check=False)
    assert proc.returncode == -9
    env.pop("HUE_CRASH_AT")
    subprocess.run([sys.executable, "-c", _CRASH_SCRIPT, str(crashed)], env=env, check=True)
    subprocess.run([sys.executable, "-c", _CRASH_SCRIPT, str(clean)], env=env, check=True)
    a, b = Lake(crashed), Lake(clean)
    assert a.fingerprint("one_stop", "dossiers") == b.fingerprint("one_stop", "dossiers")
    assert a.cursor("one_stop", "dossiers") == b.cursor("one_stop", "dossiers") == "20230102000000"
    assert not any((crashed / "_staging").iterdir())


# ---- quarantined rows are asked for again (giữ con trỏ cho dòng bị cách ly) ---------------------------


def _sync(lake: Lake, batch: SourceBatch) -> None:
    with lake.stream("one_stop", "dossiers", CONTRACTS) as tx:
        tx.write(batch)
        tx.commit()


def test_cursor_waits_where_a_quarantined_row_starts_until_it_arrives_whole(tmp_path):
    lake = Lake(tmp_path)
    spoiled = QuarantinedRow.of("invalid_json", '{"MaHoSo": "HS2", "NgayCa')
    _sync(
        lake,
        SourceBatch(
            "dossiers",
            _batch([("HS1", "20230101000000", 2), ("HS3", "20230103000000", 4)]).data,
            "20230103000000",
            [spoiled],
            resume_from="20230101000000",
        ),
    )
    assert lake.cursor("one_stop", "dossiers") == "20230101000000"
    hold = lake.manifest.hold("one_stop", "dossiers")
    assert (hold.cursor, hold.nights, hold.quarantined) == ("20230101000000", 1, 1)
    # The next night the source sends HS2 whole; HS3 comes again and is not stored twice.
    _sync(lake, _batch([("HS2", "20230102000000", 3), ("HS3", "20230103000000", 4)]))
    assert _rows(lake) == [
        ("HS1", "20230101000000", 2),
        ("HS2", "20230102000000", 3),
        ("HS3", "20230103000000", 4),
    ]
    assert lake.cursor("one_stop", "dossiers") == "20230103000000"
    assert lake.manifest.hold("one_stop", "dossiers") is None


def test_a_row_the_source_keeps_broken_holds_the_cursor_for_three_nights_only(tmp_path):
    from sources.lake.lake import MAX_HOLD_NIGHTS

    lake = Lake(tmp_path)
    for night in range(1, MAX_HOLD_NIGHTS + 2):
        _sync(
            lake,
            SourceBatch(
                "dossiers",
                _batch([("HS1", "20230101000000", 2)]).data,
                "20230105000000",
                [QuarantinedRow.of("not_an_object", "[1, 2]")],
                resume_from="",
            ),
        )
        hold = lake.manifest.hold("one_stop", "dossiers")
        if night <= MAX_HOLD_NIGHTS:
            assert (lake.cursor("one_stop", "dossiers"), hold.nights) == ("", night)
        else:
            assert hold is None
            assert lake.cursor("one_stop", "dossiers") == "20230105000000"
    assert _rows(lake) == [("HS1", "20230101000000", 2)]
    quarantined = sorted((tmp_path / "quarantine" / "one_stop" / "dossiers").glob("*.jsonl"))
    assert len(quarantined) == MAX_HOLD_NIGHTS + 1  # every night's reject is kept with its reason


def test_breaking_drift_a_connector_declares_is_held_on_the_first_sync(tmp_path):
    import json

    from sources.common.batch import SCHEMA_DRIFT_METADATA

    lake = Lake(tmp_path)
    data = _batch([("HS1", "20230101000000", 2)]).data
    note = {"kind": "breaking", "changes": ["column removed: TrangThaiHoSo"]}
    data = data.replace_schema_metadata({SCHEMA_DRIFT_METADATA: json.dumps(note).encode()})
    with pytest.raises(SchemaDriftError, match="column removed: TrangThaiHoSo"):
        _sync(lake, SourceBatch("dossiers", data, "20230101000000"))
    assert lake.cursor("one_stop", "dossiers") is None
    assert _rows(lake) == []
    assert list((tmp_path / "quarantine" / "one_stop" / "dossiers").glob("batch=*.parquet"))


def test_family_drift_ignores_inferred_widening_but_not_text_for_numbers():
    from sources.lake.drift import family_drift

    declared = {"ma_bai": "text", "suc_chua_xe": "number", "ngay": "temporal"}
    same = family_drift(declared, {"ma_bai": "string", "suc_chua_xe": "double", "ngay": "null"})
    assert not same.changed
    drift = family_drift(declared, {"ma_bai": "string", "suc_chua_xe": "string", "ghi_chu": "string"})
    assert drift.breaking
    assert drift.describe() == [
        "column added: ghi_chu",
        "column removed: ngay",
        "column retyped: suc_chua_xe: number -> text",
    ]


# ---- the outbox of batches not yet announced (lô chưa báo) ---------------------------------------------


def test_committed_batches_wait_in_the_outbox_until_announced(tmp_path):
    lake = Lake(tmp_path)
    _sync(lake, _batch([("HS1", "20230101000000", 2)]))
    (first,) = lake.manifest.unannounced("one_stop")
    assert (first.table, first.rows) == ("dossiers", 1) and lake.manifest.unannounced("population") == []
    _sync(lake, _batch([("HS2", "20230102000000", 2)]))
    second = lake.manifest.unannounced("one_stop")[-1]
    assert [b.batch_id for b in lake.manifest.unannounced("one_stop")] == [first.batch_id, second.batch_id]
    lake.manifest.announce([("one_stop", "dossiers", first.batch_id)], "2026-11-23T00:00:00+00:00")
    assert [b.batch_id for b in lake.manifest.unannounced("one_stop")] == [second.batch_id]
    lake.manifest.announce([("one_stop", "dossiers", second.batch_id)], "2026-11-23T00:00:00+00:00")
    assert lake.manifest.unannounced("one_stop") == []


def test_a_lake_from_before_the_outbox_counts_its_batches_as_announced(tmp_path):
    import sqlite3

    lake = Lake(tmp_path)
    _sync(lake, _batch([("HS1", "20230101000000", 2)]))
    with sqlite3.connect(tmp_path / "_manifest.sqlite") as con:
        con.execute("DROP TABLE announced")
    assert Lake(tmp_path).manifest.unannounced("one_stop") == []
