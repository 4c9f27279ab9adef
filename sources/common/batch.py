"""The unit a connector hands to the lake: an Arrow table, the cursor it reaches, and its rejects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa


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
    """

    table: str
    data: pa.Table
    cursor: str | None = None
    quarantined: list[QuarantinedRow] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        return self.data.num_rows
