"""Schema drift between a table's known schema and a new batch.

Additive changes (new columns) flow and are recorded. Breaking changes — a column removed, or its type
changed — hold the batch back: downstream models and published datasets rely on those columns. A rename
shows up as one removal plus one addition and is therefore breaking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

# Types that may widen without breaking readers (an integer column arriving as a wider integer, a column
# that was all-null arriving typed).
_COMPATIBLE = {
    ("int32", "int64"),
    ("int16", "int64"),
    ("int16", "int32"),
    ("float", "double"),
    ("string", "large_string"),
    ("large_string", "string"),
}


@dataclass(frozen=True)
class SchemaDrift:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retyped: list[str] = field(default_factory=list)  # "col: old -> new"

    @property
    def breaking(self) -> bool:
        return bool(self.removed or self.retyped)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.retyped)

    def describe(self) -> list[str]:
        out = [f"column added: {c}" for c in self.added]
        out += [f"column removed: {c}" for c in self.removed]
        out += [f"column retyped: {c}" for c in self.retyped]
        return out


def schema_to_dict(schema: pa.Schema) -> dict[str, str]:
    """Column name → Arrow type name, ignoring the lake's own load-metadata columns."""
    return {f.name: str(f.type) for f in schema if not f.name.startswith("_")}


def compare_schemas(known: dict[str, str] | None, new: dict[str, str]) -> SchemaDrift:
    if not known:
        return SchemaDrift()
    added = [c for c in new if c not in known]
    removed = [c for c in known if c not in new]
    retyped = []
    for col, old_type in known.items():
        new_type = new.get(col)
        if new_type is None or new_type == old_type or old_type == "null" or new_type == "null":
            continue
        if (old_type, new_type) in _COMPATIBLE:
            continue
        retyped.append(f"{col}: {old_type} -> {new_type}")
    return SchemaDrift(added=added, removed=removed, retyped=retyped)
