"""One sync of the open-data portal into the lake (đồng bộ dữ liệu mở): the catalogue, then each dataset.

The catalogue (``datasets``, ``distributions``) is a snapshot keyed on every column, so an unchanged
catalogue commits nothing. Each dataset is its own stream whose cursor is the catalogue's
``dcterms:modified``: a dataset the portal has not touched since the last sync is not downloaded again.
Every harvest lands the whole dataset as one batch (no key): staging reads the newest batch.
"""

from __future__ import annotations

import dataclasses
import json

from sources.common.batch import SCHEMA_DRIFT_METADATA
from sources.lake import BatchRecord, Lake, TableContract
from sources.lake.drift import family_drift, schema_to_dict
from sources.open_data.api import SYSTEM
from sources.open_data.catalog import DatasetRecord
from sources.open_data.connector import OpenDataConnector
from sources.open_data.naming import lake_table

CATALOGUE_STREAM = "catalogue"
CATALOGUE_TABLES = ("datasets", "distributions")


def is_snapshot_table(table: str) -> bool:
    """A dataset's table holds whole harvests: its content is its newest batch (how staging reads it)."""
    return table not in CATALOGUE_TABLES


def sync_catalogue(
    lake: Lake, connector: OpenDataConnector, records: list[DatasetRecord]
) -> list[BatchRecord]:
    batches = connector.catalog_batches(records)
    contracts = {b.table: TableContract(key=tuple(b.data.column_names)) for b in batches}
    with lake.stream(SYSTEM, CATALOGUE_STREAM, contracts) as tx:
        for batch in batches:
            tx.write(batch)
        return tx.commit()


def sync_dataset(
    lake: Lake,
    connector: OpenDataConnector,
    record: DatasetRecord,
    declared: dict[str, str] | None = None,
) -> list[BatchRecord]:
    """The dataset's new harvest as one batch, or nothing when the catalogue says it has not changed.

    ``declared``: the dataset's columns as the platform agreed them (column → type family, from the
    committed snapshot); a harvest that removes, renames or retypes one is held even on a first sync.
    Raises :class:`~sources.common.errors.SourceError` when the portal cannot give it whole and
    :class:`~sources.common.errors.SchemaDriftError` when it broke its schema (the batch is held).
    """
    table = lake_table(record.identifier)
    with lake.stream(SYSTEM, table, {table: TableContract()}) as tx:
        if tx.cursor_from is not None and (record.modified or "") <= tx.cursor_from:
            return []
        batch = connector.read_dataset(record)
        # Rows quarantined in this harvest come back with the next whole harvest: keep the cursor where
        # it was (bounded by the lake) so the dataset is read again although the portal did not touch it.
        data = batch.data
        if declared:
            drift = family_drift(declared, schema_to_dict(data.schema))
            if drift.changed:
                note = {"kind": "breaking" if drift.breaking else "additive", "changes": drift.describe()}
                meta = {**(data.schema.metadata or {}), SCHEMA_DRIFT_METADATA: json.dumps(note).encode()}
                data = data.replace_schema_metadata(meta)
        tx.write(dataclasses.replace(batch, table=table, data=data, resume_from=tx.cursor_from or ""))
        return tx.commit()
