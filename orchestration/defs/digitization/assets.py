"""Ingestion of the shared digitisation platform (nền tảng số hóa dùng chung): one asset per table.

One subsettable multi-asset for all 597+ tables, because a Dagster step costs seconds and a nightly run
touches hundreds of tables; each table still commits under its own cursor, so one table's failure (a
breaking schema change, a source error) holds back that table only. The failures are raised together at
the end, naming every table and its cause, after the healthy tables' batches are committed.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotation at runtime.
import time

import dagster as dg

from orchestration.defs.digitization.catalogue import committed_catalogue
from orchestration.lib.announce import BatchAnnouncer
from orchestration.resources import DigitizationResource, LakeResource

SYSTEM = "digitization"
CATALOGUE_TABLES = ("catalogue_tables", "catalogue_columns")


def _specs() -> list[dg.AssetSpec]:
    tags = {"source_system": SYSTEM, "layer": "ingest"}
    specs = [
        dg.AssetSpec(
            [SYSTEM, name],
            description=f"Danh mục bảng dữ liệu số hóa ({name}) — the platform's catalogue",
            group_name="ingest_digitization",
            kinds={"parquet"},
            tags=tags,
            skippable=True,
        )
        for name in CATALOGUE_TABLES
    ]
    for table in committed_catalogue().tables:
        specs.append(
            dg.AssetSpec(
                [SYSTEM, table.slug],
                description=f"{table.name} — {table.domain_name}; {table.owner_agency}",
                group_name="ingest_digitization",
                kinds={"parquet"},
                tags={**tags, "classification": table.classification, "domain": table.domain},
                metadata={"update_frequency": table.update_frequency, "primary_key": list(table.primary_key)},
                skippable=True,
            )
        )
    return specs


@dg.multi_asset(
    name="digitization_ingest",
    specs=_specs(),
    can_subset=True,
    pool="digitization",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def digitization_ingest(
    context: dg.AssetExecutionContext, lake: LakeResource, digitization: DigitizationResource
):
    from sources.common.errors import SchemaDriftError, SourceError
    from sources.digitization.sync import sync_table
    from sources.lake import TableContract

    wanted = {key.path[-1] for key in context.selected_asset_keys}
    the_lake = lake.lake()
    announcer = BatchAnnouncer(context, the_lake)
    failures: list[str] = []
    transient = False  # a source that failed after its own retries may be back by the step's retry
    with digitization.connector() as connector:
        if wanted & set(CATALOGUE_TABLES):
            # Full snapshots: a row identical to one already held is dropped, so an unchanged catalogue
            # commits nothing and rebuilds nothing downstream.
            started = time.perf_counter()
            batches = list(connector.read_catalogue())
            contracts = {b.table: TableContract(key=tuple(b.data.column_names)) for b in batches}
            with the_lake.stream(SYSTEM, "catalogue", contracts) as tx:
                for batch in batches:
                    tx.write(batch)
                for record in tx.commit():
                    if record.table in wanted:
                        yield announcer.result(
                            dg.AssetKey([SYSTEM, record.table]), record, time.perf_counter() - started
                        )
        live = {table.slug: table for table in connector.catalogue.tables}
        for slug in sorted(wanted - set(CATALOGUE_TABLES)):
            table = live.get(slug)
            if table is None:
                failures.append(f"{slug}: no longer in the platform's catalogue")
                continue
            started = time.perf_counter()
            try:
                records = sync_table(the_lake, connector, table)
            except (SchemaDriftError, SourceError) as exc:
                failures.append(f"{slug}: {exc}")
                transient = transient or isinstance(exc, SourceError)
                context.log.error(f"{SYSTEM}.{slug}: {exc}")
                continue
            yield from announcer.landed(dg.AssetKey([SYSTEM, slug]), records, started)
    yield from announcer.close()
    if failures:
        raise dg.Failure(
            description=f"{len(failures)} digitisation table(s) not synced: " + "; ".join(failures[:20]),
            metadata={"failed_tables": dg.MetadataValue.json(failures)},
            # A held schema change or a table gone from the catalogue fails the same way on every retry:
            # only a source error is worth the step's RetryPolicy.
            allow_retries=transient,
        )
