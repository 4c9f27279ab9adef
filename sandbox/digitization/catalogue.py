"""The digitisation catalogue (danh mục bảng dữ liệu số hóa): N tables, deterministic for a seed.

Table ``i`` depends only on ``(seed, i)``: growing the catalogue from 597 to 950 tables appends tables and
leaves the first 597 byte-identical, which is what the platform's catalogue-growth sensor relies on.

Among the first 597 tables exactly 43 are open (công khai, published on the open-data portal) and 128
are in operation (đang vận hành), as in the province's 2023 figures (domain guide §0). Registers about
private persons are never open and are classified restricted (hạn chế).

``row_count`` is the table's expected volume at province scale (quy mô dữ liệu, about 3 M rows over the
597 tables); the sandbox scales it down per scenario (:func:`rows_for_scenario`), but the catalogue
itself never depends on the scenario, so the committed snapshot and the staging models generated from it
do not change with the test tier.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sandbox.digitization.templates import DISTRICT_SCOPES, DOMAIN_BY_SLUG, TEMPLATES, Template

CATALOGUE_FORMAT = "hue-digitization-catalogue/1"
BASE_TABLES = 597
OPEN_TABLES = 43
IN_OPERATION_TABLES = 128
FIRST_YEAR_SCOPE = 2024
LAST_YEAR_SCOPE = 1976  # civil-status books are digitised back to the 1970s

# Scenario scale factors on the province-scale row counts; bounds keep tiny runs fast and the biggest
# tier within what one machine can generate.
_SCALE = {
    "tiny": (0.002, 2, 40),
    "calibrated": (0.05, 5, 5_000),
    "province-quarter": (0.25, 10, None),
    "province-year": (1.0, 10, None),
    "province-3y": (1.0, 10, None),  # as province-year: only the one-stop history is longer
    "national-year": (10.0, 10, None),
}


@dataclass(frozen=True)
class ColumnSpec:
    """A column (cột): ascii id, Vietnamese name, semantic type, nullability, accepted values."""

    id: str
    name: str
    semantic_type: str
    nullable: bool
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
class TableSpec:
    """A catalogue table (bảng dữ liệu) with everything the platform publishes about it."""

    number: int  # 1-based position in the catalogue (số thứ tự)
    slug: str
    name: str
    domain: str
    domain_name: str
    owner_agency: str
    classification: str  # open | internal | restricted
    in_operation: bool
    update_frequency: str
    primary_key: tuple[str, ...]
    row_count: int
    big_data: bool
    template: str
    scope: str | None  # district slug, year, or None
    columns: tuple[ColumnSpec, ...]

    def column(self, column_id: str) -> ColumnSpec:
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


def _parse_column(spec: str) -> ColumnSpec:
    parts = spec.split("|")
    accepted = tuple(parts[4].split(";")) if len(parts) > 4 else None
    return ColumnSpec(
        id=parts[0], name=parts[1], semantic_type=parts[2], nullable=parts[3] == "1", accepted_values=accepted
    )


def _slots() -> Iterator[tuple[Template, str | None, str]]:
    """(template, scope id, scope label) in catalogue order: every template once, then scopes round by round."""
    rnd = 0
    while True:
        emitted = False
        for t in TEMPLATES:
            if t.scope == "none":
                if rnd == 0:
                    emitted = True
                    yield t, None, ""
            elif t.scope == "district":
                if rnd < len(DISTRICT_SCOPES):
                    slug, label = DISTRICT_SCOPES[rnd]
                    emitted = True
                    yield t, slug, f" trên địa bàn {label}"
            else:
                year = FIRST_YEAR_SCOPE - rnd
                if year >= LAST_YEAR_SCOPE:
                    emitted = True
                    yield t, str(year), f" năm {year}"
        if not emitted:
            return
        rnd += 1


@lru_cache(maxsize=4)
def _slot_list() -> tuple[tuple[Template, str | None, str], ...]:
    return tuple(_slots())


def max_tables() -> int:
    """How many distinct tables the templates can describe."""
    return len(_slot_list())


def _rng(seed: int, *parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@lru_cache(maxsize=8)
def _flags_first(seed: int) -> tuple[frozenset[int], frozenset[int]]:
    """Open and in-operation table indices among the first 597 (exact counts, personal registers never open)."""
    slots = _slot_list()[:BASE_TABLES]
    eligible = [i for i, (t, _, _) in enumerate(slots) if not t.personal]
    rng = _rng(seed, "classification")
    open_ = set(rng.sample(eligible, OPEN_TABLES))
    rest = [i for i in range(BASE_TABLES) if i not in open_]
    operating = open_ | set(rng.sample(rest, IN_OPERATION_TABLES - OPEN_TABLES))
    return frozenset(open_), frozenset(operating)


def _row_count(seed: int, index: int, template: Template, first_of_template: bool) -> tuple[int, bool]:
    if template.big and first_of_template:
        return _rng(seed, "rows", index).randint(700_000, 900_000), True
    # Log-normal around ~1,000 rows: most registers are small, a few reach tens of thousands.
    value = _rng(seed, "rows", index).lognormvariate(math.log(1_000), 1.3)
    return int(min(max(value, 20), 80_000)), False


def table_spec(index: int, seed: int = 46) -> TableSpec:
    """Table ``index`` (0-based) of the catalogue for ``seed``: a pure function of both."""
    slots = _slot_list()
    if not 0 <= index < len(slots):
        raise ValueError(
            f"the catalogue describes at most {len(slots)} tables; index {index} is out of range"
        )
    template, scope, label = slots[index]
    domain = DOMAIN_BY_SLUG[template.domain]
    first_of_template = index < len(TEMPLATES)  # round 0 of the slots holds every template once
    rows, big = _row_count(seed, index, template, first_of_template)
    if index < BASE_TABLES:
        open_set, operating = _flags_first(seed)
        is_open, in_op = index in open_set, index in operating
    else:
        rng = _rng(seed, "growth", index)
        is_open = not template.personal and rng.random() < 0.07
        in_op = is_open or rng.random() < 0.2
    classification = "open" if is_open else ("restricted" if template.personal else "internal")
    slug = template.key if scope is None else f"{template.key}_{scope}"
    return TableSpec(
        number=index + 1,
        slug=slug,
        name=template.name + label,
        domain=domain.slug,
        domain_name=domain.name,
        owner_agency=domain.agency,
        classification=classification,
        in_operation=in_op,
        update_frequency=template.frequency,
        primary_key=(template.pk,),
        row_count=rows,
        big_data=big,
        template=template.key,
        scope=scope,
        columns=tuple(_parse_column(c) for c in template.columns),
    )


def build_catalogue(n_tables: int = BASE_TABLES, seed: int = 46) -> tuple[TableSpec, ...]:
    """The first ``n_tables`` tables of the catalogue for ``seed``."""
    if n_tables < 1:
        raise ValueError(f"n_tables must be at least 1, got {n_tables}")
    return tuple(table_spec(i, seed) for i in range(n_tables))


def catalogue_dict(n_tables: int = BASE_TABLES, seed: int = 46) -> dict[str, Any]:
    """The catalogue as the platform's API answers it (GET /api/catalogue)."""
    tables = build_catalogue(n_tables, seed)
    return {"format": CATALOGUE_FORMAT, "table_count": len(tables), "tables": [t.to_dict() for t in tables]}


def rows_for_scenario(table: TableSpec, scenario_name: str) -> int:
    """Rows the sandbox generates for ``table`` at scenario tier ``scenario_name`` (before updates)."""
    try:
        factor, low, high = _SCALE[scenario_name]
    except KeyError:
        raise ValueError(f"unknown scenario {scenario_name!r}") from None
    rows = max(low, round(table.row_count * factor))
    return rows if high is None else min(rows, high)
