"""Publication to the open-data portal store: the only way anything reaches it.

Each publish asset reads the gated warehouse table and hands it to the portal store, which writes the new
version's files first and then switches the catalogue pointer in one step; unchanged data publishes no
new version.
"""

from collections.abc import Sequence

import dagster as dg

from orchestration.defs.publish.catalog import PublishedDataset, published_datasets
from orchestration.defs.publish.gate import read_warehouse_table
from orchestration.resources import PortalResource, WarehouseResource
from sources.common.crash import maybe_crash


def _publish_asset(dataset: PublishedDataset) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["portal", dataset.slug]),
        deps=[dg.AssetKey([dataset.asset])],
        group_name="publish",
        kinds={"dcat", "csv", "parquet"},
        description=dataset.spec["title_vi"] + " — " + dataset.spec["title_en"],
        pool="portal",
        tags={"dataset": dataset.slug},
    )
    def _publish(context: dg.AssetExecutionContext, warehouse: WarehouseResource, portal: PortalResource):
        table = read_warehouse_table(warehouse, dataset.warehouse_table, dataset.columns)
        result = portal.store().publish(dataset.dataset_spec(), table)
        maybe_crash("publish.after_store")
        context.log.info(f"{dataset.slug}: {result.reason}")
        return dg.MaterializeResult(
            metadata={
                "published": result.published,
                "version": result.version or "",
                "previous_version": result.previous_version or "",
                "rows": result.rows,
                "content_hash": result.content_hash,
                "reason": result.reason,
            }
        )

    return _publish


def publish_assets(datasets: Sequence[PublishedDataset] | None = None) -> list[dg.AssetsDefinition]:
    return [_publish_asset(dataset) for dataset in (published_datasets() if datasets is None else datasets)]
