"""``python -m benchmarks.limit_stage``: the physical limit of ingestion on this machine — DuckDB reading the
very rows the platform committed to the lake straight from their Parquet files into a DuckDB database.

The platform's ingest does far more (HTTP or SQL paging, contracts, quarantine, deduplication, manifest);
the ratio says how much of the machine's raw speed the connectors keep.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def read_lake(lake: Path, database: Path) -> dict:
    """Copy every lake table (all its committed batches) into ``database``; rows and wall seconds."""
    import duckdb

    raw = lake / "raw"
    tables = sorted({p.parent.parent for p in raw.glob("*/*/batch=*/part-0.parquet")})
    started = time.perf_counter()
    con = duckdb.connect(str(database))
    rows = {}
    try:
        for folder in tables:
            name = f"{folder.parent.name}__{folder.name}"
            glob = str(folder / "batch=*" / "part-0.parquet")
            con.execute(
                f'create table "{name}" as select * from read_parquet(?, union_by_name = true, hive_partitioning = false)',
                [glob],
            )
            rows[name] = con.execute(f'select count(*) from "{name}"').fetchone()[0]
    finally:
        con.close()
    seconds = time.perf_counter() - started
    total = sum(rows.values())
    return {
        "rows": total,
        "seconds": round(seconds, 3),
        "rows_per_s": round(total / seconds, 1),
        "tables": len(rows),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--database", required=True, help="a DuckDB file that does not exist yet")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    figures = read_lake(Path(args.lake), Path(args.database))
    Path(args.out).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
