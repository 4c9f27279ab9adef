"""One sync of the open-data portal into the lake (đồng bộ dữ liệu mở): the catalogue, then each dataset.

The catalogue (``datasets``, ``distributions``) is a snapshot keyed on every column, so an unchanged
catalogue commits nothing. Each dataset is its own stream whose cursor is the catalogue's
``dcterms:modified``: a dataset the portal has not touched since the last sync is not downloaded again.
Every harvest lands the whole dataset as one batch (no key): staging reads the newest batch.
"""

from __future__ import annotations

import dataclasses

from sources.lake import BatchRecord, Lake, TableContract
from sources.open_data.api import SYSTEM
from sources.open_data.catalog import DatasetRecord
from sources.open_data.connector import OpenDataConnector
from sources.open_data.naming import lake_table

CATALOGUE_STREAM = "catalogue"


def sync_catalogue(
    lake: Lake, connector: OpenDataConnector, records: list[DatasetRecord]
) -> list[BatchRecord]:
    batches = connector.catalog_batches(records)
    contracts = {b.table: TableContract(key=tuple(b.data.column_names)) for b in batches}
    with lake.stream(SYSTEM, CATALOGUE_STREAM, contracts) as tx:
        for batch in batches:
            tx.write(batch)
        return tx.commit()


def sync_dataset(lake: Lake, connector: OpenDataConnector, record: DatasetRecord) -> list[BatchRecord]:
    """The dataset's new harvest as one batch, or nothing when the catalogue says it has not changed.

    Raises :class:`~sources.common.errors.SourceError` when the portal cannot give it whole and
    :class:`~sources.common.errors.SchemaDriftError` when it broke its schema (the batch is held).
    """
    table = lake_table(record.identifier)
    with lake.stream(SYSTEM, table, {table: TableContract()}) as tx:
        if tx.cursor_from is not None and (record.modified or "") <= tx.cursor_from:
            return []
        batch = connector.read_dataset(record)
        tx.write(dataclasses.replace(batch, table=table))
        return tx.commit()
