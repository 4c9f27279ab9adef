"""Append-only, hash-chained audit log of population lookups (nhật ký tra cứu dữ liệu dân cư).

Every lookup in the national population database must be attributable to an officer and a public service
(domain guide §3, Decree 13/2023). Each lookup appends one JSON line: who (``officer``), for which service
(``service_code``, MaDVC), why (``purpose``), which request (``request_id``, MaYeuCau), for which dossier
(``dossier_code``, MaHoSo), when, and the outcome. Never the person's data.

Tamper evidence: every record carries ``prev_hash`` (the previous record's ``hash``) and its own ``hash``
(SHA-256 of its canonical JSON without ``hash``), and ``seq`` counts from 1 with no gaps. A ``HEAD`` file
names the last record. Editing, reordering or deleting any line, or deleting a whole batch file, breaks
the chain and :func:`verify_chain` raises. Deleting the newest lines *and* rewriting ``HEAD`` to match can
only be caught against a head kept elsewhere: record :func:`chain_head` with the run (e.g. in the lake
manifest) and pass it back as ``expected_head``.

Each writer appends to its own batch file ``audit-<utc time>-<pid>-<random>.jsonl``; records from
concurrent writers interleave in ``seq`` order across files, serialised by an ``flock`` on ``.lock``.
Closed batch files are made read-only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

GENESIS_HASH = "0" * 64
HEAD_FILE = "HEAD"
HEAD_WIDTH = 512
LOCK_FILE = ".lock"
RECORD_FIELDS = frozenset(
    {
        "seq",
        "time",
        "officer",
        "service_code",
        "purpose",
        "request_id",
        "dossier_code",
        "outcome",
        "prev_hash",
        "hash",
    }
)


class AuditChainError(Exception):
    """The audit log was altered, truncated or cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


def record_hash(record: dict) -> str:
    """SHA-256 (hex) of the record's canonical JSON, without its own ``hash`` field."""
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


class AuditWriter:
    """Appends audit records to ``directory``; safe to share between threads and processes."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        clock: Callable[[], datetime] | None = None,
        fsync_each_record: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self._fsync_each = fsync_each_record
        self.directory.mkdir(parents=True, exist_ok=True)
        self._clock = clock or (lambda: datetime.now(UTC))
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self._path = self.directory / f"audit-{stamp}-{os.getpid()}-{secrets.token_hex(3)}.jsonl"
        self.records_written = 0
        self._closed = False

    @property
    def path(self) -> Path:
        return self._path

    def append(
        self,
        *,
        officer: str,
        service_code: str,
        purpose: str,
        request_id: str,
        outcome: str,
        dossier_code: str | None = None,
    ) -> str:
        """Append one record and return its hash. Raises :class:`AuditChainError` if the log was tampered with."""
        if self._closed:
            raise RuntimeError("audit writer is closed")
        with self._locked():
            head = self._current_head()
            record = {
                "seq": head.seq + 1,
                "time": self._clock()
                .astimezone(UTC)
                .isoformat(timespec="microseconds")
                .replace("+00:00", "Z"),
                "officer": officer,
                "service_code": service_code,
                "purpose": purpose,
                "request_id": request_id,
                "dossier_code": dossier_code,
                "outcome": outcome,
                "prev_hash": head.hash,
            }
            record["hash"] = record_hash(record)
            line = (_canonical(record) + "\n").encode("utf-8")
            fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(
                    fd, line
                )  # in the OS before the lookup's result is used: survives a crash of this process
                if self._fsync_each:
                    os.fsync(fd)  # ...and a power cut, at about 3 ms per record
                size = os.fstat(fd).st_size
            finally:
                os.close(fd)
            self._write_head(record["seq"], record["hash"], size)
            self.records_written += 1
            return record["hash"]

    def sync(self) -> None:
        """Flush this writer's records to disk (the connector calls it before handing a batch on)."""
        if self._path.exists():
            fd = os.open(self._path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def close(self) -> None:
        """Make this writer's batch file read-only: appends after a run are a sign of tampering."""
        if not self._closed and self._path.exists():
            self.sync()
            self._path.chmod(0o444)
        self._closed = True

    def __enter__(self) -> AuditWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _current_head(self) -> ChainHead:
        """The chain's head, trusting ``HEAD`` only when the file it names has not grown since."""
        if self.records_written == 0:
            # first append of this writer: check the whole chain before extending it
            return _scan(self.directory)
        head_file = self.directory / HEAD_FILE
        try:
            head = json.loads(head_file.read_text("utf-8"))
            size = (self.directory / head["file"]).stat().st_size
            if size == head["size"]:
                return ChainHead(int(head["seq"]), str(head["hash"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return _scan(self.directory)  # another writer died between its line and HEAD: rebuild from the lines

    def _write_head(self, seq: int, digest: str, size: int) -> None:
        # Overwritten in place, padded to a fixed width, in one write under the lock: a rename per record
        # cost ~10 ms on busy disks. A torn HEAD (power cut) only forces the next writer to rescan the lines.
        text = _canonical({"seq": seq, "hash": digest, "file": self._path.name, "size": size})
        data = text.encode("utf-8").ljust(HEAD_WIDTH - 1) + b"\n"
        fd = os.open(self.directory / HEAD_FILE, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.pwrite(fd, data, 0)
            os.ftruncate(fd, len(data))
        finally:
            os.close(fd)


def verify_chain(directory: str | os.PathLike[str], *, expected_head: str | None = None) -> None:
    """Raise :class:`AuditChainError` unless the audit log in ``directory`` is intact.

    ``expected_head`` is a record hash kept outside the directory (see :func:`chain_head`): the chain must
    contain it, which also catches deletion of the newest records together with a rewritten ``HEAD``.
    """
    head = _scan(Path(directory), check_head=True)
    if expected_head is not None:
        hashes = {r["hash"] for r, _, _ in _records(Path(directory))}
        if expected_head not in hashes and not (expected_head == GENESIS_HASH and head.seq == 0):
            raise AuditChainError(f"{directory}: the expected head record {expected_head[:12]}… is missing")


def chain_head(directory: str | os.PathLike[str]) -> ChainHead:
    """The last record's ``seq`` and ``hash`` after verifying the chain (``seq`` 0 for an empty log)."""
    return _scan(Path(directory), check_head=True)


def _scan(directory: Path, *, check_head: bool = False) -> ChainHead:
    records = sorted(_records(directory), key=lambda item: item[0]["seq"])
    expected_prev = GENESIS_HASH
    for position, (record, path, line_no) in enumerate(records, start=1):
        where = f"{path.name}:{line_no}"
        if record["seq"] != position:
            kind = "duplicated" if record["seq"] < position else "missing"
            raise AuditChainError(
                f"{where}: record seq {record['seq']} where {position} was expected ({kind} records)"
            )
        if record_hash(record) != record["hash"]:
            raise AuditChainError(f"{where}: record {position} was altered (hash does not match its content)")
        if record["prev_hash"] != expected_prev:
            raise AuditChainError(f"{where}: record {position} does not link to record {position - 1}")
        expected_prev = record["hash"]
    head = ChainHead(len(records), expected_prev)
    head_path = directory / HEAD_FILE
    if check_head and (records or head_path.exists()):
        try:
            stored = json.loads(head_path.read_text("utf-8"))
            stored_head = ChainHead(int(stored["seq"]), str(stored["hash"]))
        except (OSError, ValueError, KeyError, TypeError):
            raise AuditChainError(f"{directory}: {HEAD_FILE} is missing or unreadable") from None
        if stored_head != head:
            raise AuditChainError(
                f"{directory}: {HEAD_FILE} names record {stored_head.seq} but the log ends at record {head.seq}"
            )
    return head


def _records(directory: Path) -> Iterator[tuple[dict, Path, int]]:
    if not directory.exists():
        return
    for path in sorted(directory.glob("audit-*.jsonl")):
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            raise AuditChainError(f"{path.name}: last line is incomplete (truncated or a crashed write)")
        for line_no, line in enumerate(data.splitlines(), start=1):
            try:
                record = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise AuditChainError(f"{path.name}:{line_no}: not a JSON record") from None
            if (
                not isinstance(record, dict)
                or set(record) != RECORD_FIELDS
                or not isinstance(record["seq"], int)
            ):
                raise AuditChainError(f"{path.name}:{line_no}: record fields were changed")
            yield record, path, line_no


def _canonical(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
