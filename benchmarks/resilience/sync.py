"""A digitisation sync without Dagster (đồng bộ nền tảng số hóa): the connector and the lake exactly as the
``digitization_ingest`` asset drives them, for the small resilience checks of ``make test`` — a Dagster
run costs ~25 s of definitions load per process, which a 90 s budget cannot pay for every case.

``python -m benchmarks.resilience.sync --lake DIR --tables a b`` runs it in a child process (so that
``HUE_CRASH_AT`` can kill it); environment ``HUE_DIGITIZATION_URL`` and ``HUE_DIGITIZATION_TOKEN``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Far below the asset's 5.000: tiny tables hold a few dozen rows, and page faults (truncated, repeated,
# reordered pages) need every table to span several pages.
PAGE_SIZE = 3


def sync_digitization(lake_dir: Path, base_url: str, token: str, slugs: list[str]) -> list[str]:
    """Sync ``slugs`` into the lake at ``lake_dir``; returns one message per table that failed."""
    from sources.common.errors import SchemaDriftError, SourceError
    from sources.digitization.connector import DigitizationConnector
    from sources.digitization.sync import sync_table
    from sources.lake import Lake

    lake = Lake(lake_dir)
    failures = []
    # strict_schema off, as the asset's resource: the lake holds a batch that breaks the catalogue.
    with DigitizationConnector(base_url, token, page_size=PAGE_SIZE, strict_schema=False) as connector:
        live = {table.slug: table for table in connector.catalogue.tables}
        for slug in slugs:
            try:
                sync_table(lake, connector, live[slug])
            except (SchemaDriftError, SourceError) as exc:
                failures.append(f"{slug}: {exc}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lake", required=True, type=Path)
    parser.add_argument("--tables", nargs="+", required=True)
    args = parser.parse_args(argv)
    failures = sync_digitization(
        args.lake, os.environ["HUE_DIGITIZATION_URL"], os.environ["HUE_DIGITIZATION_TOKEN"], args.tables
    )
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
