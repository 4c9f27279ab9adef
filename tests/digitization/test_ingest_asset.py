"""The digitisation ingestion multi-asset against the sandbox platform: a held schema change fails its table
at once (no step retries: the same change would be refused again), names it, and lets the next clean night in."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.digitization.assets import digitization_ingest
from orchestration.defs.digitization.catalogue import committed_catalogue
from orchestration.resources import DigitizationResource, LakeResource
from sandbox.faults import Faults
from sources.lake import Lake


def _committed_slugs() -> set[str]:
    return {t.slug for t in committed_catalogue().tables}


def _materialize(live, lake_dir, slug: str, instance=None) -> dg.ExecuteInProcessResult:
    resources = {
        "lake": LakeResource(root=str(lake_dir)),
        "digitization": DigitizationResource(base_url=live.url, token=live.token),
    }
    return dg.materialize(
        [digitization_ingest],
        resources=resources,
        selection=[dg.AssetKey(["digitization", slug])],
        instance=instance,
        raise_on_error=False,
    )


def test_a_held_schema_change_fails_its_table_without_step_retries(live, tmp_path):
    with live.connector() as connector:
        served = {t.slug for t in connector.catalogue.tables}
    slug = next(t.slug for t in committed_catalogue().tables if t.slug in served)

    # The platform drops a column the catalogue declares: even a first sync holds the batch.
    live.faults.set(Faults(schema_drift="remove_column"))
    held = _materialize(live, tmp_path, slug)
    assert not held.success
    types = [e.event_type_value for e in held.all_events]
    assert "STEP_UP_FOR_RETRY" not in types and types.count("STEP_FAILURE") == 1
    message = held.get_step_failure_events()[0].step_failure_data.error.message
    assert "1 digitisation table(s) not synced" in message and slug in message and "removed" in message
    lake = Lake(tmp_path)
    assert lake.cursor("digitization", slug) is None and lake.committed_files("digitization", slug) == []

    live.faults.reset()
    assert _materialize(live, tmp_path, slug).success
    assert lake.cursor("digitization", slug) is not None and lake.committed_files("digitization", slug)


def test_a_batch_committed_by_a_killed_run_is_announced_by_the_rerun(live, tmp_path):
    """A run killed after the lake's commit and before its Dagster event (crash point ``lake.after_commit``)
    leaves a batch no materialisation names; the rerun finds nothing new at the source, and announces it."""
    from sources.digitization.sync import sync_table

    with live.connector() as connector:
        table = next(t for t in connector.catalogue.tables if t.slug in _committed_slugs())
        (landed,) = sync_table(Lake(tmp_path), connector, table)  # the killed run's commit
    with dg.instance_for_test() as instance:
        rerun = _materialize(live, tmp_path, table.slug, instance)
        (event,) = rerun.get_asset_materialization_events()
        metadata = event.materialization.metadata
        assert metadata["recovered_batches"].value == [landed.batch_id]
        assert (metadata["batch_id"].value, metadata["rows"].value) == (landed.batch_id, landed.rows)
        assert _materialize(live, tmp_path, table.slug, instance).get_asset_materialization_events() == []
