"""The publication gate for one dataset (cổng kiểm soát trước khi công bố): suite, PII scan, row-count guard.

One call for a blocking Dagster asset check: validate the table the publisher reads, scan it for personal data,
compare its size with the last published version, write the result JSON, and return a ``DatasetQuality``
whose ``passed`` decides. Nothing here imports Dagster.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.guard import check_row_count
from expectations.pii import PiiAllowlist, scan_table
from expectations.report import DatasetQuality
from expectations.results import write_gate_part, write_result
from expectations.runner import quoted_table, split_table_name, validate_table

if TYPE_CHECKING:
    import duckdb


def run_gate(
    dataset: str,
    *,
    suite: str | Path | dict[str, Any],
    table: str,
    connection: duckdb.DuckDBPyConnection | None = None,
    duckdb_path: str | Path | None = None,
    results_dir: str | Path | None = None,
    column_types: Mapping[str, str] | None = None,
    allowlist: PiiAllowlist | None = None,
    previous_rows: int | None = None,
    max_change_ratio: float | None = None,
) -> DatasetQuality:
    """Run every gate step on ``table``; ``max_change_ratio=None`` skips the row-count guard.

    With ``results_dir`` the validation summary goes to ``<dataset>.json`` and the PII and guard results to
    ``<dataset>.gate.json`` (masked samples only).
    """
    import duckdb

    if (duckdb_path is None) == (connection is None):
        raise ValueError("give exactly one of duckdb_path or connection")
    con = duckdb.connect(str(duckdb_path), read_only=True) if connection is None else connection
    try:
        summary = validate_table(suite, connection=con, table=table, dataset=dataset)
        schema, name = split_table_name(table)
        data = con.cursor().sql(f"select * from {quoted_table(schema, name)}").to_arrow_table()
    finally:
        if connection is None:
            con.close()
    pii = scan_table(data, dataset=dataset, column_types=column_types, allowlist=allowlist)
    guard = (
        None
        if max_change_ratio is None
        else check_row_count(previous_rows, data.num_rows, max_change_ratio=max_change_ratio)
    )
    quality = DatasetQuality(dataset=dataset, validation=summary, pii=pii, guard=guard)
    if results_dir is not None:
        write_result(summary, results_dir)
        write_gate_part(results_dir, dataset, "pii", pii.to_dict())
        write_gate_part(results_dir, dataset, "row_count_guard", guard.to_dict() if guard else None)
        write_gate_part(results_dir, dataset, "passed", quality.passed)
    return quality
