"""Why the incremental dossier facts filter with a constant list (macros/util/incremental_dossiers.sql).

``python -m benchmarks.constant_list_pushdown [--lake data/lake] [--codes 1200]``: over the lake's
processing steps, the time to read the latest version of each step (the staging view's window) in full,
for a sample of dossier codes given as a semi-join, and for the same codes as a constant ``IN`` list.
DuckDB pushes only the constant list through the window into the Parquet scan.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

LATEST_STEPS = """
create view latest_steps as
select cast(MaHoSo as varchar) as dossier_code, STT, ChucDanh, _batch_id
from (
    select s.*, row_number() over (partition by MaHoSo, STT order by NgayCapNhat desc, _batch_id desc) as r
    from read_parquet('{files}') as s
)
where r = 1
"""


def measure(lake: Path, codes: int) -> dict[str, float]:
    """Seconds for the full view, the semi-join and the constant list (one run each, same connection)."""
    files = lake / "raw" / "one_stop" / "processing_steps" / "*" / "*.parquet"
    con = duckdb.connect()
    con.execute(LATEST_STEPS.format(files=files))
    con.execute(
        f"create table changed as select distinct MaHoSo as dossier_code from read_parquet('{files}') "
        f"using sample {codes} rows"
    )
    sample = [code for (code,) in con.execute("select dossier_code from changed").fetchall()]
    constant = ", ".join("'" + code.replace("'", "''") + "'" for code in sample)
    queries = {
        "full view": "select count(*), sum(length(ChucDanh)) from latest_steps",
        "semi-join": "select count(*) from latest_steps where dossier_code in (select dossier_code from changed)",
        "constant list": f"select count(*) from latest_steps where dossier_code in ({constant})",
    }
    seconds = {}
    for name, query in queries.items():
        start = time.perf_counter()
        con.execute(query).fetchall()
        seconds[name] = time.perf_counter() - start
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", type=Path, default=Path("data/lake"))
    parser.add_argument("--codes", type=int, default=1200, help="dossier codes in the changed sample")
    args = parser.parse_args()
    for name, value in measure(args.lake, args.codes).items():
        print(f"{name:>14}: {value:.3f} s")


if __name__ == "__main__":
    main()
