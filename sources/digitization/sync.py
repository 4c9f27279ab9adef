"""One sync of a digitisation table into the lake (đồng bộ một bảng số hóa): its export since the committed
cursor, under the table's contract (primary key, update cursor), committed alone."""

from __future__ import annotations

from sources.digitization.catalogue import CatalogueTable
from sources.digitization.connector import SYSTEM, DigitizationConnector
from sources.digitization.contracts import lake_contract
from sources.lake import BatchRecord, Lake


def sync_table(lake: Lake, connector: DigitizationConnector, table: CatalogueTable) -> list[BatchRecord]:
    """Raises :class:`~sources.common.errors.SourceError` when the platform cannot give the rows and
    :class:`~sources.common.errors.SchemaDriftError` when a batch broke the table's schema (held, cursor
    unchanged)."""
    with lake.stream(SYSTEM, table.slug, {table.slug: lake_contract(table)}) as tx:
        for batch in connector.export(table, tx.cursor_from):
            tx.write(batch)
        return tx.commit()
