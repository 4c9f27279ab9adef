"""The committed snapshot of the open-data portal's DCAT catalogue (danh mục dữ liệu mở).

Asset definitions must load without calling the portal, so the datasets that become ingestion assets
are read from ``catalogue.json`` beside this module. Refresh it from a running portal with::

    python -m orchestration.defs.open_data.catalogue "$HUE_OPEN_DATA_URL"

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


@cache
def committed_datasets() -> tuple[OpenDataset, ...]:
    rows = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return tuple(OpenDataset(**row) for row in rows)


def snapshot(base_url: str) -> list[dict[str, str]]:
    """The snapshot rows of the portal at ``base_url``, in identifier order."""
    from sources.open_data import OpenDataConnector
    from sources.open_data.naming import lake_table

    with OpenDataConnector(base_url) as connector:
        records = connector.catalog()
    return [
        {
            "identifier": r.identifier,
            "table": lake_table(r.identifier),
            "title": r.title or r.identifier,
            "publisher": r.publisher or "",
            "theme": r.theme or "",
        }
        for r in records
    ]


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
