"""``python -m benchmarks.defs_stage``: how long the Dagster code location takes to load, cold, in a fresh
process — what ``dagster dev`` and the daemon pay on every reload (target: under 5 s)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    seconds = time.perf_counter() - started
    figures = {"seconds": round(seconds, 3), "assets": len(list(graph.get_all_asset_keys()))}
    Path(args.out).write_text(json.dumps(figures), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
