"""The hash-chained audit log: appends, verification, and detection of every kind of tampering."""

from __future__ import annotations

import itertools
import json
import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.population.audit import AuditChainError, AuditWriter, chain_head, verify_chain


def _write(directory: Path, count: int, **fields: str) -> AuditWriter:
    writer = AuditWriter(directory)
    for i in range(count):
        writer.append(
            officer=fields.get("officer", "CB046000001"),
            service_code="1.001612",
            purpose=fields.get("purpose", "Xác minh thông tin chủ hồ sơ"),
            request_id=f"req-{i}",
            dossier_code=f"H57-{i:04d}",
            outcome="khớp",
        )
    writer.close()
    return writer


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines(keepends=True)


def _rewrite(path: Path, lines: list[str]) -> None:
    path.chmod(0o644)  # closed batches are read-only: an editor has to do this too
    path.write_text("".join(lines), "utf-8")


def test_records_chain_and_verify(tmp_path: Path) -> None:
    writer = _write(tmp_path, 5)
    verify_chain(tmp_path)
    records = [json.loads(line) for line in _lines(writer.path)]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(records))
    assert chain_head(tmp_path).seq == 5 and chain_head(tmp_path).hash == records[-1]["hash"]
    assert not os.access(writer.path, os.W_OK) or os.geteuid() == 0  # read-only once closed
    assert writer.path.stat().st_mode & 0o222 == 0


def test_chain_continues_across_writers_and_batch_files(tmp_path: Path) -> None:
    _write(tmp_path, 3)
    _write(tmp_path, 2)
    assert len(list(tmp_path.glob("audit-*.jsonl"))) == 2
    verify_chain(tmp_path)
    assert chain_head(tmp_path).seq == 5


def test_edited_line_is_detected(tmp_path: Path) -> None:
    writer = _write(tmp_path, 4)
    lines = _lines(writer.path)
    lines[1] = lines[1].replace("CB046000001", "CB046000999")
    _rewrite(writer.path, lines)
    with pytest.raises(AuditChainError, match=r":2: record 2 was altered"):
        verify_chain(tmp_path)


def test_edited_line_with_recomputed_hash_is_detected(tmp_path: Path) -> None:
    from sources.population.audit import record_hash

    writer = _write(tmp_path, 4)
    lines = _lines(writer.path)
    record = json.loads(lines[1])
    record["outcome"] = "không tìm thấy"
    record["hash"] = record_hash(record)  # a careful forger re-hashes the record...
    lines[1] = json.dumps(record, ensure_ascii=False) + "\n"
    _rewrite(writer.path, lines)
    with pytest.raises(
        AuditChainError, match="record 3 does not link to record 2"
    ):  # ...the next one betrays it
        verify_chain(tmp_path)


def test_deleted_line_is_detected(tmp_path: Path) -> None:
    writer = _write(tmp_path, 4)
    lines = _lines(writer.path)
    del lines[2]
    _rewrite(writer.path, lines)
    with pytest.raises(AuditChainError, match="missing records"):
        verify_chain(tmp_path)


def test_deleted_last_line_is_detected_by_head(tmp_path: Path) -> None:
    writer = _write(tmp_path, 4)
    _rewrite(writer.path, _lines(writer.path)[:-1])
    with pytest.raises(AuditChainError, match="HEAD names record 4 but the log ends at record 3"):
        verify_chain(tmp_path)


def test_truncated_tail_with_rewritten_head_needs_the_external_head(tmp_path: Path) -> None:
    writer = _write(tmp_path, 4)
    kept_elsewhere = chain_head(tmp_path).hash
    lines = _lines(writer.path)
    _rewrite(writer.path, lines[:-1])
    last = json.loads(lines[-2])
    (tmp_path / "HEAD").write_text(
        json.dumps({"seq": 3, "hash": last["hash"], "file": writer.path.name, "size": 0})
    )
    verify_chain(tmp_path)  # consistent on its own...
    with pytest.raises(AuditChainError, match="expected head record"):
        verify_chain(tmp_path, expected_head=kept_elsewhere)  # ...but not with the head recorded with the run


def test_deleted_batch_file_is_detected(tmp_path: Path) -> None:
    first = _write(tmp_path, 2)
    _write(tmp_path, 2)
    first.path.unlink()
    with pytest.raises(AuditChainError, match="missing records"):
        verify_chain(tmp_path)


def test_reordered_lines_and_half_written_line_are_detected(tmp_path: Path) -> None:
    writer = _write(tmp_path, 3)
    lines = _lines(writer.path)
    _rewrite(writer.path, [lines[0], lines[2], lines[1]])
    verify_chain(tmp_path)  # order inside a file does not matter: seq orders the chain
    _rewrite(writer.path, [*lines[:2], lines[2][:20]])
    with pytest.raises(AuditChainError, match="incomplete"):
        verify_chain(tmp_path)


def test_appending_to_a_tampered_log_is_refused(tmp_path: Path) -> None:
    writer = _write(tmp_path, 3)
    lines = _lines(writer.path)
    _rewrite(writer.path, [lines[0], lines[2]])
    with pytest.raises(AuditChainError):
        AuditWriter(tmp_path).append(
            officer="CB1", service_code="1", purpose="p", request_id="r", outcome="khớp"
        )


def test_concurrent_writers_keep_one_chain(tmp_path: Path) -> None:
    writers = [AuditWriter(tmp_path) for _ in range(3)]

    def work(w: AuditWriter, n: int) -> None:
        for i in range(20):
            w.append(officer=f"CB{n}", service_code="1", purpose="p", request_id=f"{n}-{i}", outcome="khớp")

    threads = [threading.Thread(target=work, args=(w, n)) for n, w in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for w in writers:
        w.close()
    verify_chain(tmp_path)
    assert chain_head(tmp_path).seq == 60


def test_empty_directory_is_an_empty_chain(tmp_path: Path) -> None:
    verify_chain(tmp_path)
    assert chain_head(tmp_path).seq == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    purposes=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=6),
    position=st.integers(min_value=0),
    byte=st.integers(min_value=1, max_value=255),
)
def test_any_single_byte_change_is_detected(tmp_path_factory, purposes, position, byte) -> None:
    directory = tmp_path_factory.mktemp("audit")
    writer = AuditWriter(directory)
    for i, purpose in enumerate(purposes):
        writer.append(officer="CB1", service_code="1", purpose=purpose, request_id=str(i), outcome="khớp")
    writer.close()
    verify_chain(directory)
    data = bytearray(writer.path.read_bytes())
    position %= len(data)
    data[position] ^= byte
    writer.path.chmod(0o644)
    writer.path.write_bytes(bytes(data))
    # records are canonical JSON without spaces, so every byte is part of a key, a value, a separator
    # or a line end: changing any of them must break parsing, a field, a hash or a link
    with pytest.raises(AuditChainError):
        verify_chain(directory)
