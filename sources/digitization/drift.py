"""Schema drift (thay đổi cấu trúc) between the columns the catalogue promises and a batch that arrived.

Additive drift (a new column) is harmless: the raw batch keeps it and staging ignores it until the
catalogue names it. Breaking drift (a column removed, renamed or retyped) means the staging model would
silently read NULLs or the wrong values, so the connector refuses the batch by default and nothing is
committed: the cursor stays where it was and the next run retries after the catalogue is fixed.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from sources.digitization.catalogue import CatalogueColumn

SEMANTIC_TYPE_KEY = b"semantic_type"
UNKNOWN_TYPE = "unknown"


@dataclass(frozen=True)
class SchemaDrift:
    """Drift of one batch: columns added, removed, renamed (old → new) and retyped (column, old → new)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    retyped: tuple[tuple[str, str, str], ...] = ()

    @property
    def kind(self) -> str:
        """``none``, ``additive`` (only new columns) or ``breaking``."""
        if self.removed or self.renamed or self.retyped:
            return "breaking"
        return "additive" if self.added else "none"

    @property
    def breaking(self) -> bool:
        return self.kind == "breaking"

    def changes(self) -> list[str]:
        """Readable lines for errors and run metadata."""
        return (
            [f"column added: {c}" for c in self.added]
            + [f"column removed: {c}" for c in self.removed]
            + [f"column renamed: {a} -> {b}" for a, b in self.renamed]
            + [f"column retyped: {c} {a} -> {b}" for c, a, b in self.retyped]
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "added": list(self.added),
                "removed": list(self.removed),
                "renamed": [list(p) for p in self.renamed],
                "retyped": [list(p) for p in self.retyped],
                "changes": self.changes(),
            }
        )


def _known_types(known: Iterable[CatalogueColumn | tuple[str, str] | str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for k in known:
        if isinstance(k, CatalogueColumn):
            out[k.id] = k.semantic_type
        elif isinstance(k, tuple):
            out[k[0]] = k[1]
        else:
            out[k] = None  # name only: types are not compared
    return out


def batch_types(schema: pa.Schema) -> dict[str, str]:
    """Column → declared semantic type, from the field metadata the connector sets (``unknown`` if absent)."""
    out = {}
    for f in schema:
        meta = f.metadata or {}
        declared = meta.get(SEMANTIC_TYPE_KEY, UNKNOWN_TYPE.encode()).decode()
        # A column that did not arrive as text has changed type whatever it claims.
        out[f.name] = (
            declared if pa.types.is_string(f.type) or pa.types.is_null(f.type) else f"arrow:{f.type}"
        )
    return out


def classify_drift(
    known: Sequence[CatalogueColumn | tuple[str, str] | str], batch: pa.Table | pa.Schema
) -> SchemaDrift:
    """Compare the catalogue's columns with a batch (or its schema).

    A removed column and an added one with a similar name (``ten_co_so`` → ``ten_co_so_moi``) and a
    compatible type are reported as a rename: still breaking, but the message tells the data owner what
    most probably happened.
    """
    schema = batch.schema if isinstance(batch, pa.Table) else batch
    expected = _known_types(known)
    got = batch_types(schema)
    added = [c for c in got if c not in expected]
    removed = [c for c in expected if c not in got]
    renamed: list[tuple[str, str]] = []
    for old in list(removed):
        candidates = [
            new
            for new in added
            if (
                new.startswith(old)
                or old.startswith(new)
                or difflib.SequenceMatcher(None, old, new).ratio() >= 0.8
            )
            and got[new] in (expected[old], UNKNOWN_TYPE)
        ]
        if candidates:
            renamed.append((old, candidates[0]))
            removed.remove(old)
            added.remove(candidates[0])
    retyped = [
        (c, str(t), got[c])
        for c, t in expected.items()
        if c in got and t is not None and got[c] != UNKNOWN_TYPE and got[c] != t
    ]
    retyped += [
        (c, "text", got[c])
        for c, t in expected.items()
        if c in got and t is None and got[c].startswith("arrow:")
    ]
    return SchemaDrift(tuple(added), tuple(removed), tuple(renamed), tuple(retyped))
