"""The nightly run in two steps: ingest every source, then rebuild only what the new batches touch.

Why two runs rather than one job: Dagster skips a step when any upstream output in the run was skipped,
so a single job would either rebuild everything every night or nothing at all. Splitting lets the second
run's selection follow exactly the tables that received a batch — cost follows the changes, not the
history. The same selection logic serves the sensor (unattended nights, with the daemon) and
``make run`` (one process, no daemon).
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

INGEST_TAG = ("layer", "ingest")
LAUNCHER_TAG = "hue/in_process_host"
"""Tag of the runs this process-based launcher starts (``make run``, ``orchestration.run``), naming the host."""
_UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


VERIFICATION_KEYS = (dg.AssetKey(["population", "applicant_verifications"]),)
"""The applicant lookups (xác minh người nộp hồ sơ): an ingestion asset that runs as its own step of the night.

In the ingest run, Dagster would skip it on every night the one-stop sync lands nothing new: a step whose
upstream output was not produced is skipped (dagster-io/dagster#9408). Its queue of lookups owed from earlier
nights (unreadable answers, asked again) must not wait for new dossiers, so it runs after the ingest run."""


def ingest_selection() -> dg.AssetSelection:
    return dg.AssetSelection.tag(*INGEST_TAG)


def verification_selection() -> dg.AssetSelection:
    return dg.AssetSelection.assets(*VERIFICATION_KEYS)


def affected_keys(
    asset_graph: dg.AssetGraph | object,
    ingest_keys: set[dg.AssetKey],
    last_materialized: Mapping[dg.AssetKey, float | None],
) -> set[dg.AssetKey]:
    """Every warehouse and publication asset that is stale: one of its sources committed a batch after
    the asset's own last materialisation, or it was never built and all its sources hold data.

    Staleness rather than "downstream of what changed tonight" because a night can crash after the ingest
    (in dbt, in a check, mid-publication): the rerun ingests nothing new, yet what the crashed run did not
    finish must still be built. A failed or blocked asset stays stale, and is retried, until it succeeds.
    The never-built rule covers a fresh warehouse: seeds and reference models (administrative units,
    reporting periods) have no source upstream, so no batch would ever select them, yet the marts read them.

    ``last_materialized`` holds the latest materialisation time (epoch seconds) of every asset, None for
    never; one pass over the graph in topological order, so it stays cheap at thousands of assets.
    """
    newest_source: dict[dg.AssetKey, float] = {}  # latest batch among each asset's upstream sources
    missing_source: dict[dg.AssetKey, bool] = {}  # some upstream source has never had a batch
    selected = set()
    for key in asset_graph.toposorted_asset_keys:
        newest, missing = 0.0, False
        for parent in asset_graph.get(key).parent_keys:
            if parent in ingest_keys:
                when = last_materialized.get(parent)
                newest, missing = max(newest, when or 0.0), missing or when is None
            else:
                newest = max(newest, newest_source.get(parent, 0.0))
                missing = missing or missing_source.get(parent, False)
        newest_source[key], missing_source[key] = newest, missing
        if key in ingest_keys:
            continue
        built = last_materialized.get(key)
        if (built is None and not missing) or (built is not None and newest > built):
            selected.add(key)
    return selected


def latest_materializations(
    instance: dg.DagsterInstance, keys: Iterable[dg.AssetKey]
) -> dict[dg.AssetKey, float | None]:
    """Latest materialisation time of each asset, in one event-log query."""
    events = instance.get_latest_materialization_events(list(keys))
    return {key: (event.timestamp if event is not None else None) for key, event in events.items()}


def console_config(level: str) -> dict:
    """Run config for the console log level (the event log keeps everything whatever this says)."""
    return {"loggers": {"console": {"config": {"log_level": level}}}}


@dataclass
class NightlyResult:
    ingest: dg.ExecuteInProcessResult
    verification: dg.ExecuteInProcessResult | None
    warehouse: dg.ExecuteInProcessResult | None
    selection: set[dg.AssetKey]

    @property
    def runs(self) -> list[dg.ExecuteInProcessResult]:
        return [r for r in (self.ingest, self.verification, self.warehouse) if r is not None]

    @property
    def success(self) -> bool:
        return all(r.success for r in self.runs)

    @property
    def run_ids(self) -> list[str]:
        return [r.run_id for r in self.runs]


@contextmanager
def in_process_launch(instance: dg.DagsterInstance) -> Iterator[dict[str, str]]:
    """Hold this instance's launcher lock for runs executed in this process; yield the tags they carry.

    A run executed in process and killed (kill -9, power cut, OOM) never writes its end: the instance keeps
    it STARTED and its pool slots claimed, and the next night's steps in those pools would wait forever
    ("blocked by limit for pool"). With a daemon, run monitoring reclaims them; without one, this does.
    The lock (``flock``, released by the kernel when its holder dies) means no other launcher of this
    instance is alive, so every unfinished run it tagged on this host is a dead one: it is marked failed,
    saying why, and its slots are freed before anything new starts.
    """
    host = socket.gethostname()
    lock_path = Path(instance.root_directory) / "in_process_launcher.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"another run of this Dagster instance is executing in process ({lock_path} is held): "
                "wait for it to end"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{host} {os.getpid()}\n")
        lock.flush()
        reclaim_abandoned_runs(instance, host)
        try:
            yield {LAUNCHER_TAG: host}
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def reclaim_abandoned_runs(instance: dg.DagsterInstance, host: str) -> list[str]:
    """Mark failed, and free the pool slots of, the unfinished runs launched in process on ``host``.

    Only call it holding the launcher lock (:func:`in_process_launch`): then none of them is alive.
    """
    records = instance.get_run_records(filters=dg.RunsFilter(statuses=_UNFINISHED, tags={LAUNCHER_TAG: host}))
    for record in records:
        run = record.dagster_run
        instance.report_run_failed(
            run,
            message=(
                "The process running this run stopped without recording its end (killed or lost power); "
                "marked failed by the next in-process launch, which reruns what it did not finish."
            ),
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return [r.dagster_run.run_id for r in records]


def run_nightly(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    ingest_keys: list[dg.AssetKey] | None = None,
    log_level: str = "DEBUG",
) -> NightlyResult:
    """Both steps in this process (``make run``, tests): what the schedule and sensor do with a daemon.

    ``ingest_keys`` limits the sync to some source tables (a partial night, or a test at small scale).
    """
    with in_process_launch(instance) as tags:
        return _run_nightly(defs, instance, ingest_keys, console_config(log_level), tags)


def _run_nightly(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    ingest_keys: list[dg.AssetKey] | None,
    run_config: dict,
    tags: dict[str, str],
) -> NightlyResult:
    graph = defs.resolve_asset_graph()
    wanted = set(ingest_keys) if ingest_keys is not None else ingest_selection().resolve(graph)
    verify = sorted(wanted & set(VERIFICATION_KEYS), key=str)

    def execute(job: str, keys: list[dg.AssetKey] | None) -> dg.ExecuteInProcessResult:
        return defs.resolve_job_def(job).execute_in_process(
            instance=instance, raise_on_error=False, asset_selection=keys, run_config=run_config, tags=tags
        )

    sync = None if ingest_keys is None else [k for k in ingest_keys if k not in VERIFICATION_KEYS]
    ingest = execute("nightly_ingest", sync)
    verification = execute("nightly_verification", verify) if verify else None
    selection = affected_keys(
        graph,
        ingest_selection().resolve(graph),
        latest_materializations(instance, graph.get_all_asset_keys()),
    )
    warehouse = None
    if selection:
        everything = dg.AssetSelection.all().resolve(graph) - ingest_selection().resolve(graph)
        # When everything is affected (a fresh warehouse), run the whole job: dbt then builds without a
        # subset selection, which for hundreds of models is much cheaper than listing each one.
        subset = None if selection >= everything else sorted(selection, key=str)
        warehouse = execute("nightly_warehouse", subset)
    return NightlyResult(ingest=ingest, verification=verification, warehouse=warehouse, selection=selection)
