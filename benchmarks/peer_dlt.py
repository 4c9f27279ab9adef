"""``python -m benchmarks.peer_dlt``: the peer on the same work — dlt loading the same sandbox sources into
DuckDB, on the same machine in the same benchmark run.

* the one-stop database (cơ sở dữ liệu một cửa) through dlt's ``sql_database`` source (pyarrow backend,
  its fastest), every table of the replica;
* the digitisation platform's export API through dlt's ``rest_api`` source, the same tables the platform
  synced in that run, paged with the platform's own cursor (``next_cursor`` / ``has_more``).

Environment: the sandbox's ``HUE_ONE_STOP_DB_URL``, ``HUE_DIGITIZATION_URL`` and ``HUE_DIGITIZATION_TOKEN``.
Writes ``{"rows": ..., "seconds": ..., "rows_per_s": ..., "tables": {...}}`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PAGE_LIMIT = 10_000  # the platform's connector asks for the API's largest page too


def digitization_source(base_url: str, token: str, slugs: list[str]) -> Any:
    """dlt's declarative REST source over the export route of each table in ``slugs``."""
    from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
    from dlt.sources.rest_api import rest_api_source

    return rest_api_source(
        {
            "client": {
                "base_url": base_url.rstrip("/") + "/",
                "auth": {"type": "bearer", "token": token},
            },
            "resource_defaults": {"write_disposition": "append"},
            "resources": [
                {
                    "name": slug,
                    "endpoint": {
                        "path": f"api/tables/{slug}/export",
                        "params": {"format": "json", "limit": PAGE_LIMIT},
                        "data_selector": "rows",
                        "paginator": JSONResponseCursorPaginator(
                            cursor_path="next_cursor", cursor_param="cursor", has_more_path="has_more"
                        ),
                    },
                }
                for slug in slugs
            ],
        },
        name="digitization",
    )


def load(workdir: Path, slugs: list[str]) -> dict[str, Any]:
    """Load both sources into ``workdir/peer.duckdb``; rows per table and wall seconds of the loads."""
    import dlt
    from dlt.sources.sql_database import sql_database

    started = time.perf_counter()
    destination = dlt.destinations.duckdb(str(workdir / "peer.duckdb"))
    tables: dict[str, int] = {}
    jobs = [("one_stop", sql_database(os.environ["HUE_ONE_STOP_DB_URL"], backend="pyarrow"))]
    if slugs:
        jobs.append(
            (
                "digitization",
                digitization_source(
                    os.environ["HUE_DIGITIZATION_URL"], os.environ["HUE_DIGITIZATION_TOKEN"], slugs
                ),
            )
        )
    for dataset, source in jobs:
        pipeline = dlt.pipeline(
            pipeline_name=f"peer_{dataset}",
            destination=destination,
            dataset_name=dataset,
            pipelines_dir=str(workdir / "pipelines"),
        )
        pipeline.run(source)
        counts = pipeline.last_trace.last_normalize_info.row_counts
        tables.update({f"{dataset}.{t}": n for t, n in counts.items() if not t.startswith("_dlt")})
    seconds = time.perf_counter() - started
    rows = sum(tables.values())
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds, 1),
        "tables": tables,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workdir", required=True, help="a fresh folder for dlt's pipelines and DuckDB file")
    parser.add_argument("--tables", nargs="*", default=[], help="digitisation table slugs to load")
    args = parser.parse_args(argv)
    # No telemetry from a benchmark run, and dlt's state kept inside the workspace.
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("DLT_DATA_DIR", str(Path(args.workdir) / "dlt_home"))
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    figures = load(workdir, args.tables)
    Path(args.out).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
