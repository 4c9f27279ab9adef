"""The unit a connector hands to the lake: an Arrow table, the cursor it reaches, and its rejects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

# The longest text one cell may hold (độ dài tối đa của một ô), in characters, shared by every reader (CSV,
# XLSX, JSON API records, digitisation export pages). The longest real values in the province's tables are
# descriptions of a few thousand characters; a megabyte in one cell is a broken export (an unclosed quote
# swallowing the rest of the file, a pasted document or image), and it would bloat every Parquet page,
# warehouse scan and published file that carries it. Such a row is quarantined whole, with its reason.
MAX_CELL_CHARS = 1 << 20  # 1,048,576 characters (1 MiB of ASCII text)

SCHEMA_DRIFT_METADATA = b"schema_drift"
"""Schema-metadata key under which a connector records how a batch drifted from the columns the source
declares (JSON with ``kind`` none | additive | breaking and ``changes``); the lake holds a breaking batch."""


@dataclass(frozen=True)
class QuarantinedRow:
    """A row that failed parsing or the table's contract, kept verbatim with the reason (lý do)."""

    reason: str
    raw: str

    @classmethod
    def of(cls, reason: str, raw: Any) -> QuarantinedRow:
        text = (
            raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str, sort_keys=True)
        )
        return cls(reason=reason, raw=text)


@dataclass(frozen=True)
class SourceBatch:
    """One page (or a few pages) of one source table.

    ``cursor`` is the high-water mark of the update cursor *after* this batch (a string so that
    ``yyyyMMddHHmmss`` timestamps, integers and opaque page tokens all fit); ``None`` means the
    source has no cursor for this table (full snapshot tables such as catalogues).

    ``resume_from`` is where a later extraction must start to be given the quarantined rows again (the
    cursor before the first page that held one; ``""`` for the table's beginning). The lake keeps the
    stream's cursor there for a bounded number of nights, so rows spoiled in transit come back once the
    source sends them whole. ``None``: the source cannot re-deliver them; they stay in quarantine only.
    """

    table: str
    data: pa.Table
    cursor: str | None = None
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    resume_from: str | None = None

    @property
    def num_rows(self) -> int:
        return self.data.num_rows


def declared_drift(data: pa.Table) -> tuple[bool, list[str]]:
    """(breaking, changes) a connector recorded on ``data`` under :data:`SCHEMA_DRIFT_METADATA`."""
    raw = (data.schema.metadata or {}).get(SCHEMA_DRIFT_METADATA)
    if not raw:
        return False, []
    note = json.loads(raw)
    return note.get("kind") == "breaking", list(note.get("changes", []))
