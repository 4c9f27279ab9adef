"""The operational wiring of the code location: retry per asset kind, the backfill job kept apart from the
unpartitioned jobs, and every operations sensor present."""

from __future__ import annotations

import dagster as dg
import pytest
from dagster._core.definitions.dependency import NodeHandle

from orchestration.nightly import ingest_selection

BACKFILL_KEYS = {
    dg.AssetKey(["one_stop", "dossiers_by_received_day"]),
    dg.AssetKey(["one_stop", "processing_steps_by_received_day"]),
}


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from orchestration.definitions import defs

    return defs


def _policies(job: dg.JobDefinition) -> dict[str, dg.RetryPolicy | None]:
    """Effective retry policy of every op of a job (the op's own, else the job's op_retry_policy)."""
    return {name: job.get_retry_policy_for_handle(NodeHandle(name, None)) for name in job.graph.node_dict}


@pytest.mark.parametrize("job_name", ["nightly_ingest", "nightly_verification"])
def test_ingestion_retries_with_backoff(defs, job_name):
    policies = _policies(defs.resolve_job_def(job_name))
    assert policies, f"the {job_name} job has ops"
    for name, policy in policies.items():
        assert policy is not None and policy.max_retries >= 1, name
        assert policy.backoff == dg.Backoff.EXPONENTIAL, name


def test_applicant_lookups_run_after_the_ingest_run_not_in_it(defs):
    """In the ingest run Dagster would skip them on nights the one-stop sync lands nothing new, and the
    lookups owed from earlier nights would wait for new dossiers (orchestration.nightly.VERIFICATION_KEYS)."""
    key = dg.AssetKey(["population", "applicant_verifications"])
    assert key not in defs.resolve_job_def("nightly_ingest").asset_layer.selected_asset_keys
    assert defs.resolve_job_def("nightly_verification").asset_layer.selected_asset_keys == {key}


def test_warehouse_and_publication_never_retry_blindly(defs):
    graph = defs.resolve_asset_graph()
    for job_name in ("nightly_warehouse", "full_rebuild"):
        job = defs.resolve_job_def(job_name)
        ingest_ops = {
            graph.get(key).assets_def.node_def.name
            for key in ingest_selection().resolve(graph)
            if graph.get(key).is_materializable
        }
        for name, policy in _policies(job).items():
            if name in ingest_ops:
                continue  # full_rebuild also ingests; those ops keep their network retry
            assert policy is None, f"{job_name}: {name} has {policy}"


def test_the_backfill_assets_run_only_in_their_partitioned_job(defs):
    graph = defs.resolve_asset_graph()
    for job_name in ("nightly_ingest", "nightly_warehouse", "full_rebuild"):
        keys = defs.resolve_job_def(job_name).asset_layer.selected_asset_keys
        assert not keys & BACKFILL_KEYS, job_name
    backfill = defs.resolve_job_def("one_stop_backfill")
    assert backfill.asset_layer.selected_asset_keys == BACKFILL_KEYS
    for key in BACKFILL_KEYS:
        node = graph.get(key)
        assert node.backfill_policy == dg.BackfillPolicy.single_run()
        assert node.partitions_def.timezone == "Asia/Ho_Chi_Minh"
        assert node.pools == {"one_stop"}


def test_every_operations_sensor_is_running_by_default(defs):
    names = {s.name: s for s in defs.sensors}
    for name in (
        "alert_on_run_failure",
        "digitization_catalogue_changed",
        "digitization_new_open_dataset",
        "freshness_checks_sensor",
        "verification_after_ingest",
        "warehouse_after_verification",
        "warehouse_after_failed_verification",
    ):
        assert names[name].default_status == dg.DefaultSensorStatus.RUNNING, name


def test_freshness_checks_run_on_their_sensor_not_inside_the_nightly_jobs(defs):
    for job_name in ("nightly_ingest", "nightly_verification", "nightly_warehouse", "full_rebuild"):
        ops = defs.resolve_job_def(job_name).graph.node_dict
        assert not [name for name in ops if name.startswith("freshness_check")], job_name
