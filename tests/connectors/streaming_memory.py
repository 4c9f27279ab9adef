"""Peak memory of syncing one digitisation table of N rows into the lake, for N larger than the batch size.

The sandbox platform serves one table (the catalogue's first, 16 columns, rows from the sandbox's own
generator) from this process; each sync runs in a fresh child process so that its high-water marks are
its own: Python's heap peak (``tracemalloc``), Arrow's memory pool peak, and the growth of the process's
peak RSS over its state after imports, once when every batch is staged (the streaming part) and once
after the lake's commit (DuckDB rewriting the staged parts, which ``tracemalloc`` cannot see).
Streaming means the peaks do not grow with N: the ratio between N and 4·N stays near 1.

    .venv/bin/python -m tests.connectors.streaming_memory 50000 200000 --batch-rows 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from sandbox.digitization import store
from sandbox.digitization.api import create_api
from sandbox.digitization.catalogue import build_catalogue
from sandbox.faults import FaultInjector
from sandbox.runtime import ServerHandle, serve_app

SEED = 46
TOKEN = "hue-sandbox-memory-measurement"


def build_store(data_dir: Path, rows: int) -> str:
    """A platform store holding only the catalogue's first table, with ``rows`` generated rows."""
    table = build_catalogue(1, SEED)[0]
    with closing(store.connect(data_dir)) as con, con:
        con.executemany(
            "insert into export_rows (table_slug, row_key, cursor, payload) values (?, ?, ?, ?)",
            ((table.slug, k, c, p) for k, c, p in store.initial_rows(table, SEED, rows)),
        )
        con.execute("insert or replace into table_state values (?, ?)", (table.slug, rows + 1))
        con.execute("insert or ignore into meta values ('epoch', '0')")
    return table.slug


def serve(data_dir: Path) -> ServerHandle:
    return serve_app(create_api(data_dir, SEED, 1, TOKEN, FaultInjector()), "digitization-memory")


def measure_child(url: str, slug: str, lake_dir: str, batch_rows: int, page_size: int) -> dict[str, int]:
    """One sync in this (fresh) process; its memory high-water marks."""
    import tracemalloc

    import pyarrow as pa

    from sources.digitization import DigitizationConnector
    from sources.digitization.contracts import lake_contract
    from sources.lake import Lake

    def rss() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    lake = Lake(lake_dir)
    with DigitizationConnector(url, TOKEN, page_size=page_size, batch_rows=batch_rows) as connector:
        table = connector.catalogue.table(slug)
        baseline = rss()
        tracemalloc.start()
        # sources.digitization.sync.sync_table, step by step, to tell streaming apart from the commit.
        with lake.stream("digitization", slug, {slug: lake_contract(table)}) as tx:
            for batch in connector.export(table, tx.cursor_from):
                tx.write(batch)
            streamed = rss()
            records = tx.commit()
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "rows": sum(r.rows for r in records),
        "python_peak_bytes": python_peak,
        "arrow_peak_bytes": pa.default_memory_pool().max_memory(),
        "rss_growth_streaming_bytes": streamed - baseline,
        "rss_growth_with_commit_bytes": rss() - baseline,
    }


def measure(rows: int, *, batch_rows: int, page_size: int, work_dir: Path) -> dict[str, int]:
    """Serve a table of ``rows`` rows and sync it in a child process; the child's figures."""
    data_dir = work_dir / f"platform-{rows}"
    data_dir.mkdir(parents=True)
    slug = build_store(data_dir, rows)
    handle = serve(data_dir)
    try:
        args = [handle.url, slug, str(work_dir / f"lake-{rows}"), str(batch_rows), str(page_size)]
        out = subprocess.run(
            [sys.executable, "-m", "tests.connectors.streaming_memory", "--child", *args],
            check=True,
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
    finally:
        handle.stop()
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        url, slug, lake_dir, batch_rows, page_size = argv[1:]
        print(json.dumps(measure_child(url, slug, lake_dir, int(batch_rows), int(page_size))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int, nargs="+", help="table sizes to sync, each > --batch-rows")
    parser.add_argument("--batch-rows", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=5_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            figures = measure(rows, batch_rows=args.batch_rows, page_size=args.page_size, work_dir=Path(tmp))
            mib = {k: round(v / 2**20, 1) for k, v in figures.items() if k.endswith("_bytes")}
            print(json.dumps({"rows": figures["rows"], "batch_rows": args.batch_rows, "MiB": mib}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
