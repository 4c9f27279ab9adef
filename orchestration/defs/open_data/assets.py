"""Ingestion of the open-data portal (Cổng dữ liệu mở): the DCAT catalogue and one asset per dataset.

One subsettable multi-asset, as for the digitisation platform: a Dagster step costs seconds and the portal
is read through one HTTP session. How the catalogue and each dataset land in the lake is
:mod:`sources.open_data.sync` (snapshot catalogue; one stream per dataset under its ``dcterms:modified``,
so an untouched dataset is not downloaded again). One dataset's failure (an unreadable file, a page that
stays truncated, a breaking schema change) holds back that dataset only; the failures are raised together
at the end, after the healthy datasets are committed.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotation at runtime.
import time

import dagster as dg

from orchestration.defs.open_data.catalogue import committed_datasets, declared_columns
from orchestration.lib.announce import BatchAnnouncer
from orchestration.resources import LakeResource, OpenDataResource

SYSTEM = "open_data"
CATALOGUE_TABLES = ("datasets", "distributions")
TAGS = {"source_system": SYSTEM, "layer": "ingest"}


def _specs() -> list[dg.AssetSpec]:
    specs = [
        dg.AssetSpec(
            [SYSTEM, name],
            description=f"Danh mục dữ liệu mở DCAT ({name}) — the portal's catalogue",
            group_name="ingest_open_data",
            kinds={"parquet"},
            tags=TAGS,
            skippable=True,
        )
        for name in CATALOGUE_TABLES
    ]
    for dataset in committed_datasets():
        specs.append(
            dg.AssetSpec(
                [SYSTEM, dataset.table],
                description=f"{dataset.title} — {dataset.publisher} (bộ dữ liệu mở {dataset.identifier})",
                group_name="ingest_open_data",
                kinds={"parquet"},
                tags=TAGS,
                metadata={"identifier": dataset.identifier, "theme": dataset.theme},
                skippable=True,
            )
        )
    return specs


@dg.multi_asset(
    name="open_data_ingest",
    specs=_specs(),
    can_subset=True,
    pool="open_data",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def open_data_ingest(context: dg.AssetExecutionContext, lake: LakeResource, open_data: OpenDataResource):
    from sources.common.errors import SchemaDriftError, SourceError
    from sources.open_data.naming import lake_table
    from sources.open_data.sync import sync_catalogue, sync_dataset

    wanted = {key.path[-1] for key in context.selected_asset_keys}
    the_lake = lake.lake()
    announcer = BatchAnnouncer(context, the_lake)
    failures: list[str] = []
    with open_data.connector() as connector:
        started = time.perf_counter()
        records = connector.catalog()
        if wanted & set(CATALOGUE_TABLES):
            for record in sync_catalogue(the_lake, connector, records):
                if record.table in wanted:
                    yield announcer.result(
                        dg.AssetKey([SYSTEM, record.table]), record, time.perf_counter() - started
                    )
        live = {lake_table(r.identifier): r for r in records}
        unknown = sorted(set(live) - {d.table for d in committed_datasets()})
        if unknown:
            context.log.warning(
                f"{SYSTEM}: the portal lists datasets not in the committed catalogue snapshot "
                f"(refresh orchestration/defs/open_data/catalogue.json): {', '.join(unknown)}"
            )
        for table in sorted(wanted - set(CATALOGUE_TABLES)):
            dataset = live.get(table)
            if dataset is None:
                failures.append(f"{table}: no longer in the portal's DCAT catalogue")
                continue
            started = time.perf_counter()
            try:
                committed = sync_dataset(the_lake, connector, dataset, declared_columns(table))
            except (SchemaDriftError, SourceError) as exc:
                failures.append(f"{table}: {exc}")
                context.log.error(f"{SYSTEM}.{table}: {exc}")
                continue
            if not committed:
                context.log.info(f"{SYSTEM}.{table}: unchanged since the last sync ({dataset.modified})")
            yield from announcer.landed(dg.AssetKey([SYSTEM, table]), committed, started)
    yield from announcer.close()
    if failures:
        raise dg.Failure(
            description=f"{len(failures)} open dataset(s) not synced: " + "; ".join(failures[:20]),
            metadata={"failed_datasets": dg.MetadataValue.json(failures)},
            # Each page and request was already retried with backoff; a step retry would harvest the same
            # broken datasets again. The step's RetryPolicy still covers a catalogue that cannot be read.
            allow_retries=False,
        )
