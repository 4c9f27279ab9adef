"""The committed snapshot of the open-data portal's DCAT catalogue (danh mục dữ liệu mở).

Asset definitions must load without calling the portal, so the datasets that become ingestion assets
are read from ``catalogue.json`` beside this module. Refresh it from a running portal with::

    python -m orchestration.defs.open_data.catalogue "$HUE_OPEN_DATA_URL"

The snapshot also holds each dataset's columns (tên cột → loại giá trị: number, text, temporal, bool),
read from one harvest: the agreed schema that a later harvest is checked against, so a dataset that
drops, renames or retypes a column is held even on the lake's first sync of it.

A dataset the portal adds later is reported by the ingest run (not in the snapshot) rather than
silently skipped; one the portal drops fails that asset, naming it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_FILE = Path(__file__).with_name("catalogue.json")


@dataclass(frozen=True)
class OpenDataset:
    """One dataset of the snapshot: its portal identifier, its lake table and what the UI shows."""

    identifier: str
    table: str
    title: str
    publisher: str
    theme: str
    columns: dict[str, str] | None = None  # column -> type family (sources.lake.drift.type_family)


@cache
def committed_datasets() -> tuple[OpenDataset, ...]:
    rows = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return tuple(OpenDataset(**row) for row in rows)


def declared_columns(table: str) -> dict[str, str] | None:
    """The agreed columns of the dataset whose lake table is ``table`` (None when not in the snapshot)."""
    return next((d.columns for d in committed_datasets() if d.table == table), None)


def snapshot(base_url: str) -> list[dict]:
    """The snapshot rows of the portal at ``base_url``, in identifier order, with each dataset's columns."""
    from sources.lake.drift import schema_to_dict, type_family
    from sources.open_data import OpenDataConnector
    from sources.open_data.naming import lake_table

    rows = []
    with OpenDataConnector(base_url) as connector:
        for r in connector.catalog():
            schema = schema_to_dict(connector.read_dataset(r).data.schema)
            rows.append(
                {
                    "identifier": r.identifier,
                    "table": lake_table(r.identifier),
                    "title": r.title or r.identifier,
                    "publisher": r.publisher or "",
                    "theme": r.theme or "",
                    "columns": {name: type_family(typ) for name, typ in schema.items()},
                }
            )
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m orchestration.defs.open_data.catalogue <portal base URL>", file=sys.stderr)
        return 2
    text = json.dumps(snapshot(argv[0]), ensure_ascii=False, indent=2) + "\n"
    CATALOGUE_FILE.write_text(text, encoding="utf-8")
    print(f"{CATALOGUE_FILE}: {text.count('identifier')} datasets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
