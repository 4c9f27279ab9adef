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
    declared: list[str] = field(
        default_factory=list
    )  # breaking changes the connector saw against its source's declared columns

    @property
    def breaking(self) -> bool:
        return bool(self.removed or self.retyped or self.declared)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.retyped or self.declared)

    def describe(self) -> list[str]:
        out = [f"column added: {c}" for c in self.added]
        out += [f"column removed: {c}" for c in self.removed]
        out += [f"column retyped: {c}" for c in self.retyped]
        return out + [c for c in self.declared if c not in out]


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


def type_family(arrow_type: str) -> str | None:
    """The kind of value an Arrow type name holds: ``number``, ``text``, ``temporal``, ``bool``, other
    names as they are; ``None`` for ``null`` (an all-empty column says nothing about its type).

    Harvests of a file or an API infer their types from the values, so an integer column may arrive as
    ``double`` one night without anything having changed; a number arriving as text has."""
    if arrow_type == "null":
        return None
    if arrow_type.startswith(("int", "uint", "float", "double", "halffloat", "decimal")):
        return "number"
    if arrow_type in ("string", "large_string", "utf8", "large_utf8"):
        return "text"
    if arrow_type.startswith(("date", "timestamp", "time")):
        return "temporal"
    return arrow_type


def family_drift(declared: dict[str, str], schema: dict[str, str]) -> SchemaDrift:
    """Drift of a batch's ``schema`` (column → Arrow type) from ``declared`` columns (column → family)."""
    got = {name: type_family(typ) for name, typ in schema.items()}
    return SchemaDrift(
        added=[c for c in got if c not in declared],
        removed=[c for c in declared if c not in got],
        retyped=[
            f"{c}: {declared[c]} -> {got[c]}"
            for c in declared
            if got.get(c) is not None and declared[c] is not None and got[c] != declared[c]
        ],
    )
