"""``python -m benchmarks.profile_ingest``: profile the one-stop ingest (the slowest ingest stage after the
rate-limited population lookups) with pyinstrument, on a generated sandbox database, into a fresh lake.

    python -m benchmarks.profile_ingest --db sqlite:////tmp/.../one_stop.sqlite --out benchmarks/results/profile-one_stop.txt

Connectors only (no Dagster): the profile shows where the connector and the lake spend the time, not the
orchestration. The text report is committed beside the results; ``--html`` writes pyinstrument's page too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of a generated one-stop database")
    parser.add_argument("--out", required=True, type=Path, help="the text report")
    parser.add_argument("--html", type=Path)
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    from sources.lake import Lake
    from sources.one_stop.sql import OneStopSqlConnector
    from sources.one_stop.sync import STREAMS, sync_stream

    lake = Lake(Path(tempfile.mkdtemp(prefix="hue-profile-lake-")))
    connector = OneStopSqlConnector(args.db, page_size=5000, overlap=timedelta(minutes=10))
    profiler = Profiler(interval=0.005)
    started = time.perf_counter()
    rows = 0
    with profiler:
        for stream in STREAMS:
            rows += sum(r.rows for r in sync_stream(lake, connector, stream))
    seconds = time.perf_counter() - started
    connector.close()
    header = f"one-stop ingest: {rows} rows in {seconds:.1f} s ({rows / seconds:.0f} rows/s), database {args.db}\n\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        header + profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
    )
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    print(header.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
