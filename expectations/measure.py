"""Measure the two ways to run GE 1.24 on DuckDB (đo hiệu năng): the patched SQL path vs a pandas DataFrame.

    .venv/bin/python -m expectations.measure --rows 1000000 --workdir /tmp/ge-measure

Each path runs in its own subprocess so that peak memory (ru_maxrss) is that path's alone. The table has
10 columns (codes as text, a date, counts, a rate, Vietnamese text) and the suite 10 typical expectations.
Results go to docs/quality.md by hand: this machine is shared, so run it twice and report the range.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SUITE: dict[str, Any] = {
    "name": "measure",
    "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "dossier_code"}},
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "dossier_code"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "received", "min_value": 0}},
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "online_rate", "min_value": 0, "max_value": 100},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "level", "value_set": ["province", "district", "commune"]},
        },
        {
            "type": "expect_column_values_to_match_regex",
            "kwargs": {"column": "commune_code", "regex": "^[0-9]{5}$"},
        },
        {"type": "expect_column_value_lengths_to_equal", "kwargs": {"column": "commune_code", "value": 5}},
        {
            "type": "expect_column_pair_values_a_to_be_greater_than_b",
            "kwargs": {"column_A": "received", "column_B": "online", "or_equal": True},
        },
        {
            "type": "expect_compound_columns_to_be_unique",
            "kwargs": {"column_list": ["dossier_code", "level"]},
        },
    ],
}


def make_table(path: Path, rows: int) -> None:
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute(
            f"""
            create or replace table facts as
            select lpad(cast(i as varchar), 10, '0') as dossier_code,
                   cast(19700 + (i % 141) as varchar) as commune_code,
                   (['province', 'district', 'commune'])[1 + (i % 3)] as level,
                   date '2023-01-01' + cast(i % 700 as integer) as received_date,
                   i % 97 as received, (i % 97) // 3 as online,
                   (i % 97) - (i % 97) // 3 - (i % 97) // 5 as in_person, (i % 97) // 5 as by_post,
                   round(((i % 97) // 3) * 100.0 / greatest(i % 97, 1), 2) as online_rate,
                   'Hồ sơ đăng ký khai sinh số ' || cast(i as varchar) as title
            from range({int(rows)}) t(i)
            """
        )


def _run_one(mode: str, path: Path) -> dict[str, Any]:
    import great_expectations  # noqa: F401  (import cost excluded from both paths alike)

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if mode == "sql":
        from expectations.runner import validate_table

        summary = validate_table(SUITE, duckdb_path=path, table="facts")
        success, failed = summary.success, summary.failed
    else:
        import duckdb

        from expectations.runner import _ephemeral_context
        from expectations.suites import build_suite

        with duckdb.connect(str(path), read_only=True) as con:
            frame = con.execute("select * from facts").df()
        context = _ephemeral_context()
        asset = context.data_sources.add_pandas(name="frame").add_dataframe_asset(name="facts")
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": frame}
        )
        result = batch.validate(build_suite(SUITE), result_format="SUMMARY")
        success, failed = result.success, sum(1 for r in result.results if not r.success)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "mode": mode,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mib": round(peak / 1024),
        "added_rss_mib": round((peak - baseline) / 1024),
        "success": success,
        "failed": failed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", choices=["sql", "pandas"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = args.workdir / f"measure_{args.rows}.duckdb"
    if args.only:
        print(json.dumps(_run_one(args.only, path)))
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        make_table(path, args.rows)
    for _ in range(args.repeat):
        for mode in ("sql", "pandas"):
            command = [sys.executable, "-m", "expectations.measure", "--workdir", str(args.workdir)]
            command += ["--rows", str(args.rows), "--only", mode]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            print(output.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
