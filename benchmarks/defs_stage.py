"""``python -m benchmarks.defs_stage``: how long the Dagster code location takes to load in a fresh
process — what ``dagster dev`` and the daemon pay on every reload (target: under 5 s).

Each load runs in a new interpreter with nothing imported (``--loads`` of them, median reported). The
first load of a freshly copied source tree also byte-compiles the project's modules and may meet a cold
OS file cache, so it is reported beside the median rather than hidden in it or dropped.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path


def load_once() -> dict[str, float | int]:
    """Import the code location and resolve its asset graph in this process; seconds and asset count."""
    started = time.perf_counter()
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "assets": len(list(graph.get_all_asset_keys()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--loads", type=int, default=3, help="fresh-process loads; the median is reported")
    # --one: a single load in this process, what each of the --loads child interpreters runs
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        Path(args.out).write_text(json.dumps(load_once()), encoding="utf-8")
        return 0
    loads = []
    for n in range(args.loads):
        out = Path(f"{args.out}.load{n + 1}")
        subprocess.run(
            [sys.executable, "-W", "ignore", "-m", "benchmarks.defs_stage", "--one", "--out", str(out)],
            check=True,
        )
        loads.append(json.loads(out.read_text(encoding="utf-8")))
        out.unlink()
    seconds = [load["seconds"] for load in loads]
    figures = {
        "seconds": round(statistics.median(seconds), 3),
        "first_seconds": seconds[0],
        "loads_seconds": seconds,
        "assets": loads[-1]["assets"],
    }
    Path(args.out).write_text(json.dumps(figures), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
