"""The sensors that chain a night under the daemon (ingest → applicant verification → warehouse), evaluated
against a real Dagster instance: what each requests, and when the warehouse sensor skips.

``make run`` drives the same steps in one process (``orchestration.nightly.run_nightly``); these are the
sensors a deployment with ``dagster-daemon`` relies on, so their requests are checked here.
"""

from __future__ import annotations

import uuid

import dagster as dg
import pytest

from orchestration.nightly import ingest_selection

DOSSIERS = dg.AssetKey(["one_stop", "dossiers"])


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from orchestration.definitions import defs

    return defs


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def _evaluate(defs: dg.Definitions, instance: dg.DagsterInstance, sensor_name: str, job_name: str, status):
    """Evaluate ``sensor_name`` as the daemon would when a run of ``job_name`` has just ended in ``status``."""
    sensor = defs.resolve_sensor_def(sensor_name)
    run = dg.DagsterRun(job_name=job_name, run_id=str(uuid.uuid4()), status=status)
    instance.add_run(run)
    event_type = "PIPELINE_SUCCESS" if status == dg.DagsterRunStatus.SUCCESS else "PIPELINE_FAILURE"
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor_name,
        dagster_event=dg.DagsterEvent(event_type_value=event_type, job_name=job_name),
        dagster_instance=instance,
        dagster_run=run,
        repository_def=defs.get_repository_def(),
    )
    return run, sensor(context)


def test_a_finished_ingest_run_requests_the_verification_run_once(defs, instance):
    sensor = defs.resolve_sensor_def("verification_after_ingest")
    assert sensor.job_name == "nightly_verification"
    run, request = _evaluate(
        defs, instance, "verification_after_ingest", "nightly_ingest", dg.DagsterRunStatus.SUCCESS
    )
    # keyed on the ingest run: the daemon launches one verification run per ingest run, never two
    assert isinstance(request, dg.RunRequest) and request.run_key == run.run_id


WAREHOUSE_SENSORS = [
    ("warehouse_after_verification", dg.DagsterRunStatus.SUCCESS),
    # the population service being down must not hold back the rest of the night's data
    ("warehouse_after_failed_verification", dg.DagsterRunStatus.FAILURE),
]


@pytest.fixture(scope="module")
def built_before_tonight(defs):
    """An instance where every source has data and every warehouse asset was built after it."""
    graph = defs.resolve_asset_graph()
    ingest = ingest_selection().resolve(graph)
    warehouse = {k for k in graph.get_all_asset_keys() - ingest if graph.get(k).is_materializable}
    with dg.instance_for_test() as instance:
        for key in [*sorted(ingest, key=str), *sorted(warehouse, key=str)]:
            instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))
        yield instance


@pytest.mark.parametrize(("sensor_name", "status"), WAREHOUSE_SENSORS)
def test_the_warehouse_runs_what_the_night_made_stale_and_then_rests(
    defs, built_before_tonight, sensor_name, status
):
    instance = built_before_tonight
    ingest = ingest_selection().resolve(defs.resolve_asset_graph())
    _, skipped = _evaluate(defs, instance, sensor_name, "nightly_verification", status)
    assert isinstance(skipped, dg.SkipReason) and "nothing to rebuild" in skipped.skip_message

    # tonight only the one-stop dossiers table receives a batch
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=DOSSIERS))
    run, request = _evaluate(defs, instance, sensor_name, "nightly_verification", status)
    assert isinstance(request, dg.RunRequest) and request.run_key == run.run_id
    assert defs.resolve_sensor_def(sensor_name).job_name == "nightly_warehouse"
    selected = set(request.asset_selection or [])
    stale = {key for key in selected if key.path[-1] in ("stg_one_stop__dossiers", "fct_dossiers")}
    assert len(stale) == 2, sorted(map(str, selected))[:20]
    # downstream of the dossiers only: no digitisation staging model, nothing from the ingest itself
    assert not selected & ingest
    assert not any(key.path[-1].startswith("stg_digitization__") for key in selected)
    # and what it selects reaches publication: the dossier KPIs feed the portal
    assert any(key.path[0] == "portal" for key in selected), sorted(map(str, selected))

    # the warehouse run builds its selection: the next evaluation has nothing left to do
    for key in sorted(selected, key=str):
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))
    _, rested = _evaluate(defs, instance, sensor_name, "nightly_verification", status)
    assert isinstance(rested, dg.SkipReason)
