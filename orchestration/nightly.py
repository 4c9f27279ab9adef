"""The nightly run in two steps: ingest every source, then rebuild only what the new batches touch.

Why two runs rather than one job: Dagster skips a step when any upstream output in the run was skipped,
so a single job would either rebuild everything every night or nothing at all. Splitting lets the second
run's selection follow exactly the tables that received a batch — cost follows the changes, not the
history. The same selection logic serves the sensor (unattended nights, with the daemon) and
``make run`` (one process, no daemon).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import dagster as dg

INGEST_TAG = ("layer", "ingest")


def ingest_selection() -> dg.AssetSelection:
    return dg.AssetSelection.tag(*INGEST_TAG)


def changed_ingest_keys(events: Iterable[dg.EventLogEntry]) -> set[dg.AssetKey]:
    """Ingestion assets that committed a new batch in a run (they materialise only then)."""
    keys = set()
    for entry in events:
        event = entry.dagster_event
        if event is not None and event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            keys.add(event.event_specific_data.materialization.asset_key)
    return keys


def affected_keys(
    asset_graph: dg.AssetGraph | object,
    changed: set[dg.AssetKey],
    ingest_keys: set[dg.AssetKey],
    ever_materialized: Callable[[dg.AssetKey], bool],
) -> set[dg.AssetKey]:
    """Everything downstream of the changed sources, plus every warehouse asset never built whose sources
    all hold data.

    The second part covers a fresh warehouse: seeds and reference models (administrative units, reporting
    periods) have no source upstream, so no batch would ever select them, yet the marts read them.
    """
    if not changed:
        return set()
    downstream = dg.AssetSelection.assets(*changed).downstream().resolve(asset_graph) - ingest_keys
    everything = dg.AssetSelection.all().resolve(asset_graph) - ingest_keys
    never_built = {key for key in everything - downstream if not ever_materialized(key)}
    ready = set()
    for key in never_built:
        sources = dg.AssetSelection.assets(key).upstream().resolve(asset_graph) & ingest_keys
        if all(source in changed or ever_materialized(source) for source in sources):
            ready.add(key)
    return downstream | ready


def console_config(level: str) -> dict:
    """Run config for the console log level (the event log keeps everything whatever this says)."""
    return {"loggers": {"console": {"config": {"log_level": level}}}}


@dataclass
class NightlyResult:
    ingest: dg.ExecuteInProcessResult
    warehouse: dg.ExecuteInProcessResult | None
    selection: set[dg.AssetKey]

    @property
    def success(self) -> bool:
        return self.ingest.success and (self.warehouse is None or self.warehouse.success)

    @property
    def run_ids(self) -> list[str]:
        return [self.ingest.run_id] + ([self.warehouse.run_id] if self.warehouse else [])


def run_nightly(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    ingest_keys: list[dg.AssetKey] | None = None,
    log_level: str = "DEBUG",
) -> NightlyResult:
    """Both steps in this process (``make run``, tests): what the schedule and sensor do with a daemon.

    ``ingest_keys`` limits the sync to some source tables (a partial night, or a test at small scale).
    """
    run_config = console_config(log_level)
    ingest = defs.resolve_job_def("nightly_ingest").execute_in_process(
        instance=instance, raise_on_error=False, asset_selection=ingest_keys, run_config=run_config
    )
    graph = defs.resolve_asset_graph()
    changed = changed_ingest_keys(instance.all_logs(ingest.run_id))
    selection = affected_keys(
        graph,
        changed,
        ingest_selection().resolve(graph),
        lambda key: instance.get_latest_materialization_event(key) is not None,
    )
    warehouse = None
    if selection:
        job = defs.resolve_job_def("nightly_warehouse")
        everything = dg.AssetSelection.all().resolve(graph) - ingest_selection().resolve(graph)
        # When everything is affected (a fresh warehouse), run the whole job: dbt then builds without a
        # subset selection, which for hundreds of models is much cheaper than listing each one.
        subset = None if selection >= everything else sorted(selection, key=str)
        warehouse = job.execute_in_process(
            instance=instance, raise_on_error=False, asset_selection=subset, run_config=run_config
        )
    return NightlyResult(ingest=ingest, warehouse=warehouse, selection=selection)
