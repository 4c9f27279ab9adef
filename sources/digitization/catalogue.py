"""The digitisation platform's catalogue (danh mục bảng dữ liệu) as the connector and generator see it.

Parsed from the platform's JSON (``GET /api/catalogue``, or the committed snapshot), validated loudly:
a catalogue that names a column type the warehouse has no macro for, or a key column that does not
exist, must stop the generator rather than produce models that fail at 01:00.

:func:`diff_catalogues` is the pure comparison behind the new-catalogue-tables sensor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

SEMANTIC_TYPES = frozenset(
    {
        "text", "person_name", "place_name", "code", "date", "timestamp", "integer", "decimal", "money",
        "phone", "email", "url", "yes_no", "latitude", "longitude", "admin_unit", "personal_id",
    }
)  # fmt: skip
CLASSIFICATIONS = frozenset({"open", "internal", "restricted"})
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly")
_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class CatalogueError(ValueError):
    """The catalogue JSON is not something the platform can be generated from."""


@dataclass(frozen=True)
class CatalogueColumn:
    """A column (cột) of a catalogue table."""

    id: str
    name: str
    semantic_type: str
    nullable: bool = True
    accepted_values: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "semantic_type": self.semantic_type,
            "nullable": self.nullable,
            "accepted_values": list(self.accepted_values) if self.accepted_values else None,
        }


@dataclass(frozen=True)
class CatalogueTable:
    """A table (bảng dữ liệu) of the catalogue with its owner, classification and columns."""

    slug: str
    name: str
    domain: str
    domain_name: str
    owner_agency: str
    classification: str
    in_operation: bool
    update_frequency: str
    primary_key: tuple[str, ...]
    row_count: int
    columns: tuple[CatalogueColumn, ...]
    number: int = 0
    big_data: bool = False

    @property
    def column_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.columns)

    def column(self, column_id: str) -> CatalogueColumn:
        for c in self.columns:
            if c.id == column_id:
                return c
        raise KeyError(f"{self.slug} has no column {column_id!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "slug": self.slug,
            "name": self.name,
            "domain": self.domain,
            "domain_name": self.domain_name,
            "owner_agency": self.owner_agency,
            "classification": self.classification,
            "in_operation": self.in_operation,
            "update_frequency": self.update_frequency,
            "primary_key": list(self.primary_key),
            "row_count": self.row_count,
            "big_data": self.big_data,
            "columns": [c.to_dict() for c in self.columns],
        }


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue, tables in the platform's order."""

    tables: tuple[CatalogueTable, ...]
    format: str = "hue-digitization-catalogue/1"

    def table(self, slug: str) -> CatalogueTable:
        for t in self.tables:
            if t.slug == slug:
                return t
        raise KeyError(f"the catalogue has no table {slug!r}")

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(t.slug for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "table_count": len(self.tables),
            "tables": [t.to_dict() for t in self.tables],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Catalogue:
        """Parse and validate; every problem found is listed in one :class:`CatalogueError`."""
        if not isinstance(data, dict) or not isinstance(data.get("tables"), list):
            raise CatalogueError("catalogue must be a JSON object with a 'tables' list")
        problems: list[str] = []
        tables: list[CatalogueTable] = []
        seen: set[str] = set()
        for i, raw in enumerate(data["tables"]):
            try:
                table = _table(raw)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"table #{i + 1}: {exc}")
                continue
            if table.slug in seen:
                problems.append(f"table {table.slug}: duplicate slug")
            seen.add(table.slug)
            tables.append(table)
        if problems:
            raise CatalogueError(f"{len(problems)} problem(s) in the catalogue: " + "; ".join(problems[:20]))
        return cls(tables=tuple(tables), format=str(data.get("format", cls.format)))


def _column(raw: dict[str, Any]) -> CatalogueColumn:
    cid = raw["id"]
    if not isinstance(cid, str) or not _IDENT.match(cid):
        raise ValueError(f"column id {cid!r} is not ascii snake_case")
    stype = raw["semantic_type"]
    if stype not in SEMANTIC_TYPES:
        raise ValueError(f"column {cid}: unknown semantic type {stype!r}")
    accepted = raw.get("accepted_values")
    return CatalogueColumn(
        id=cid,
        name=str(raw.get("name") or cid),
        semantic_type=stype,
        nullable=bool(raw.get("nullable", True)),
        accepted_values=tuple(str(v) for v in accepted) if accepted else None,
    )


def _table(raw: dict[str, Any]) -> CatalogueTable:
    slug = raw["slug"]
    if not isinstance(slug, str) or not _IDENT.match(slug):
        raise ValueError(f"slug {slug!r} is not ascii snake_case")
    try:
        columns = tuple(_column(c) for c in raw["columns"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{slug}: {exc}") from None
    ids = [c.id for c in columns]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{slug}: duplicate column ids")
    pk = tuple(raw["primary_key"])
    if not pk or any(k not in ids for k in pk):
        raise ValueError(f"{slug}: primary key {list(pk)} is not among its columns")
    classification = raw["classification"]
    if classification not in CLASSIFICATIONS:
        raise ValueError(f"{slug}: unknown classification {classification!r}")
    frequency = raw["update_frequency"]
    if frequency not in FREQUENCIES:
        raise ValueError(f"{slug}: unknown update frequency {frequency!r}")
    domain = raw["domain"]
    if not _IDENT.match(domain):
        raise ValueError(f"{slug}: domain {domain!r} is not ascii snake_case")
    return CatalogueTable(
        slug=slug,
        name=str(raw["name"]),
        domain=domain,
        domain_name=str(raw.get("domain_name") or domain),
        owner_agency=str(raw.get("owner_agency") or ""),
        classification=classification,
        in_operation=bool(raw.get("in_operation", False)),
        update_frequency=frequency,
        primary_key=pk,
        row_count=int(raw.get("row_count") or 0),
        columns=columns,
        number=int(raw.get("number") or 0),
        big_data=bool(raw.get("big_data", False)),
    )


def catalogue_tables_arrow(catalogue: Catalogue) -> pa.Table:
    """One row per table: the ``catalogue_tables`` raw batch."""
    ts = catalogue.tables
    return pa.table(
        {
            "number": pa.array([t.number for t in ts], pa.int32()),
            "slug": pa.array([t.slug for t in ts], pa.string()),
            "name": pa.array([t.name for t in ts], pa.string()),
            "domain": pa.array([t.domain for t in ts], pa.string()),
            "domain_name": pa.array([t.domain_name for t in ts], pa.string()),
            "owner_agency": pa.array([t.owner_agency for t in ts], pa.string()),
            "classification": pa.array([t.classification for t in ts], pa.string()),
            "in_operation": pa.array([t.in_operation for t in ts], pa.bool_()),
            "update_frequency": pa.array([t.update_frequency for t in ts], pa.string()),
            "primary_key": pa.array([",".join(t.primary_key) for t in ts], pa.string()),
            "row_count": pa.array([t.row_count for t in ts], pa.int64()),
            "big_data": pa.array([t.big_data for t in ts], pa.bool_()),
            "column_count": pa.array([len(t.columns) for t in ts], pa.int32()),
        }
    )


def catalogue_columns_arrow(catalogue: Catalogue) -> pa.Table:
    """One row per (table, column): the ``catalogue_columns`` raw batch."""
    rows: dict[str, list] = {k: [] for k in ("table_slug", "position", "column_id", "name", "semantic_type",
                                             "nullable", "is_primary_key", "accepted_values")}  # fmt: skip
    for t in catalogue.tables:
        for pos, c in enumerate(t.columns, start=1):
            rows["table_slug"].append(t.slug)
            rows["position"].append(pos)
            rows["column_id"].append(c.id)
            rows["name"].append(c.name)
            rows["semantic_type"].append(c.semantic_type)
            rows["nullable"].append(c.nullable)
            rows["is_primary_key"].append(c.id in t.primary_key)
            rows["accepted_values"].append(list(c.accepted_values) if c.accepted_values else None)
    schema = pa.schema(
        [
            ("table_slug", pa.string()),
            ("position", pa.int32()),
            ("column_id", pa.string()),
            ("name", pa.string()),
            ("semantic_type", pa.string()),
            ("nullable", pa.bool_()),
            ("is_primary_key", pa.bool_()),
            ("accepted_values", pa.list_(pa.string())),
        ]
    )
    return pa.Table.from_pydict(rows, schema=schema)


@dataclass(frozen=True)
class ColumnChange:
    """One change to a table between two catalogue versions; ``column`` is None for table-level changes."""

    column: str | None
    kind: str  # added | removed | retyped | nullable_changed | accepted_values_changed | renamed_label | table_property
    before: Any = None
    after: Any = None
    attribute: str | None = None  # for table_property: which one (primary_key, classification, ...)

    @property
    def breaking(self) -> bool:
        """Changes that invalidate existing staging models or their data (removed/retyped columns, new key)."""
        return self.kind in ("removed", "retyped") or (
            self.kind == "table_property" and self.attribute == "primary_key"
        )


@dataclass(frozen=True)
class CatalogueDiff:
    """What changed between two catalogue versions: tables added, removed, and changed (slug → changes)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: dict[str, tuple[ColumnChange, ...]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @property
    def breaking(self) -> bool:
        return bool(self.removed) or any(c.breaking for cs in self.changed.values() for c in cs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": {
                slug: [{k: v for k, v in vars(c).items() if v is not None} for c in changes]
                for slug, changes in self.changed.items()
            },
        }


_TABLE_PROPERTIES = (
    "name",
    "domain",
    "owner_agency",
    "classification",
    "in_operation",
    "update_frequency",
    "primary_key",
)


def _as_catalogue(value: Catalogue | dict[str, Any]) -> Catalogue:
    return value if isinstance(value, Catalogue) else Catalogue.from_dict(value)


def diff_catalogues(old: Catalogue | dict[str, Any], new: Catalogue | dict[str, Any]) -> CatalogueDiff:
    """Compare two catalogue versions (pure; accepts parsed catalogues or their JSON dicts)."""
    a, b = _as_catalogue(old), _as_catalogue(new)
    old_by, new_by = {t.slug: t for t in a.tables}, {t.slug: t for t in b.tables}
    added = tuple(s for s in b.slugs if s not in old_by)
    removed = tuple(s for s in a.slugs if s not in new_by)
    changed: dict[str, tuple[ColumnChange, ...]] = {}
    for slug in b.slugs:
        if slug not in old_by:
            continue
        changes = _table_changes(old_by[slug], new_by[slug])
        if changes:
            changed[slug] = changes
    return CatalogueDiff(added=added, removed=removed, changed=changed)


def _table_changes(old: CatalogueTable, new: CatalogueTable) -> tuple[ColumnChange, ...]:
    changes: list[ColumnChange] = []
    for prop in _TABLE_PROPERTIES:
        before, after = getattr(old, prop), getattr(new, prop)
        if before != after:
            changes.append(
                ColumnChange(None, "table_property", _plain(before), _plain(after), attribute=prop)
            )
    old_cols = {c.id: c for c in old.columns}
    new_cols = {c.id: c for c in new.columns}
    for cid in old_cols:
        if cid not in new_cols:
            changes.append(ColumnChange(cid, "removed", before=old_cols[cid].semantic_type))
    for cid, col in new_cols.items():
        prev = old_cols.get(cid)
        if prev is None:
            changes.append(ColumnChange(cid, "added", after=col.semantic_type))
            continue
        if prev.semantic_type != col.semantic_type:
            changes.append(ColumnChange(cid, "retyped", prev.semantic_type, col.semantic_type))
        if prev.nullable != col.nullable:
            changes.append(ColumnChange(cid, "nullable_changed", prev.nullable, col.nullable))
        if prev.accepted_values != col.accepted_values:
            changes.append(
                ColumnChange(
                    cid, "accepted_values_changed", _plain(prev.accepted_values), _plain(col.accepted_values)
                )
            )
        if prev.name != col.name:
            changes.append(ColumnChange(cid, "renamed_label", prev.name, col.name))
    return tuple(changes)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
