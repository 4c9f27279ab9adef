"""The gate (cổng kiểm soát chất lượng): blocking checks on the exact table each publisher reads.

Three checks per published dataset, each ``blocking=True`` so that a failure stops the publish asset in
the same run and the previous version stays live: the dataset's Great Expectations suite, the PII scan,
and the row-count guard against the last published version.
"""

from collections.abc import Sequence

import dagster as dg

from orchestration.defs.publish.catalog import PublishedDataset, published_datasets
from orchestration.lib.environment import EXPECTATIONS_DIR
from orchestration.resources import PortalResource, QualityResource, WarehouseResource
from sources.common.crash import maybe_crash

PII_ALLOWLIST = EXPECTATIONS_DIR.parent / "pii_allowlist.yml"


def count_warehouse_rows(warehouse: WarehouseResource, table: str) -> int:
    return warehouse.count_rows(table)


def read_warehouse_table(warehouse: WarehouseResource, table: str, columns: Sequence[str] | None = None):
    """The table (or only ``columns`` of it) as Arrow, through a short read-only connection to the DuckDB
    file or PostgreSQL (HUE_WAREHOUSE_TARGET)."""
    return warehouse.read_table(table, columns)


def _expectations_check(dataset: PublishedDataset) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        name="expectations",
        asset=dg.AssetKey([dataset.asset]),
        blocking=True,
        description=f"Great Expectations suite {dataset.suite} on {dataset.warehouse_table}",
    )
    def _check(warehouse: WarehouseResource, quality: QualityResource) -> dg.AssetCheckResult:
        from expectations.results import write_result
        from expectations.runner import validate_table

        if warehouse.is_postgres:
            # GE runs on DuckDB here: validate an in-memory copy of exactly the rows PostgreSQL holds.
            with warehouse.duckdb_snapshot([dataset.warehouse_table]) as connection:
                summary = validate_table(
                    EXPECTATIONS_DIR / dataset.suite,
                    table=dataset.warehouse_table,
                    connection=connection,
                    dataset=dataset.slug,
                )
        else:
            summary = validate_table(
                EXPECTATIONS_DIR / dataset.suite,
                table=dataset.warehouse_table,
                duckdb_path=warehouse.file,
                dataset=dataset.slug,
            )
        path = write_result(summary, quality.directory)
        maybe_crash("checks.after_expectations")
        return dg.AssetCheckResult(
            passed=summary.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "expectations_run": summary.expectations_run,
                "failed": summary.failed,
                "unexpected_counts": dg.MetadataValue.json(summary.unexpected_counts),
                "rows": summary.row_count or 0,
                "result_file": dg.MetadataValue.path(str(path)),
            },
        )

    return _check


def _pii_check(dataset: PublishedDataset) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        name="pii_scan",
        asset=dg.AssetKey([dataset.asset]),
        blocking=True,
        description="No personal data may be published (Decree 47/2020, Decree 13/2023)",
    )
    def _check(warehouse: WarehouseResource, quality: QualityResource) -> dg.AssetCheckResult:
        from expectations.pii import load_allowlist, scan_table
        from expectations.results import write_gate_part

        # what would be published: the scan must see exactly the columns the publisher reads
        table = read_warehouse_table(warehouse, dataset.warehouse_table, dataset.columns)
        allowlist = load_allowlist(PII_ALLOWLIST)
        if dataset.pii_allowlist:
            allowlist = allowlist.with_dataset(dataset.slug, dataset.pii_allowlist)
        report = scan_table(
            table,
            dataset=dataset.slug,
            column_types=dataset.column_types,
            allowlist=allowlist,
        )
        write_gate_part(quality.directory, dataset.slug, "pii", report.to_dict())
        return dg.AssetCheckResult(
            passed=not report.blocked,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={**report.metadata(), "columns_scanned": table.num_columns},
        )

    return _check


def _row_count_check(dataset: PublishedDataset) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        name="row_count_guard",
        asset=dg.AssetKey([dataset.asset]),
        blocking=True,
        description=f"Held for review when the row count moves more than {dataset.max_row_change_ratio:.0%}",
    )
    def _check(
        warehouse: WarehouseResource, portal: PortalResource, quality: QualityResource
    ) -> dg.AssetCheckResult:
        from expectations.guard import check_row_count
        from expectations.results import write_gate_part

        rows = count_warehouse_rows(warehouse, dataset.warehouse_table)
        current = portal.store().current(dataset.slug)
        previous = current.rows if current is not None else None
        result = check_row_count(previous, rows, max_change_ratio=dataset.max_row_change_ratio)
        write_gate_part(quality.directory, dataset.slug, "row_count_guard", result.to_dict())
        return dg.AssetCheckResult(
            passed=result.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"previous_rows": previous or 0, "new_rows": rows, "reason": result.reason},
        )

    return _check


def gate_checks(datasets: Sequence[PublishedDataset] | None = None) -> list[dg.AssetChecksDefinition]:
    checks = []
    for dataset in published_datasets() if datasets is None else datasets:
        checks += [_expectations_check(dataset), _pii_check(dataset), _row_count_check(dataset)]
    return checks
