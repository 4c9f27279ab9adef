"""The open-data ingestion assets against the sandbox portal: one asset per DCAT dataset, lake batches with
their metadata, nothing re-downloaded when the catalogue says nothing changed, failures held per dataset."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.defs.open_data.assets import open_data_ingest
from orchestration.defs.open_data.catalogue import CATALOGUE_FILE, committed_datasets, snapshot
from orchestration.resources import LakeResource, OpenDataResource
from sandbox.faults import Faults
from sandbox.open_data.datasets import DATASETS
from sources.lake import Lake
from sources.open_data.naming import lake_table


def _materialize(url: str, lake_dir, selection=None) -> dg.ExecuteInProcessResult:
    resources = {"lake": LakeResource(root=str(lake_dir)), "open_data": OpenDataResource(base_url=url)}
    return dg.materialize([open_data_ingest], resources=resources, selection=selection, raise_on_error=False)


def _rows(result: dg.ExecuteInProcessResult) -> dict[str, int]:
    return {
        e.asset_key.path[-1]: e.materialization.metadata["rows"].value
        for e in result.get_asset_materialization_events()
    }


def test_committed_snapshot_is_the_portals_catalogue(portal_url):
    assert snapshot(portal_url) == json.loads(CATALOGUE_FILE.read_text("utf-8"))
    assert {d.table for d in committed_datasets()} == {lake_table(d.slug) for d in DATASETS}


def test_every_dataset_lands_once_and_an_unchanged_portal_lands_nothing(portal_url, scenario, tmp_path):
    first = _materialize(portal_url, tmp_path)
    assert first.success
    expected = {lake_table(d.slug): d.row_count(scenario) for d in DATASETS}
    assert _rows(first) == {"datasets": len(DATASETS), "distributions": 3 * len(DATASETS), **expected}
    event = first.get_asset_materialization_events()[-1].materialization
    assert {"rows", "quarantined", "bytes", "cursor_to", "seconds"} <= set(event.metadata)
    lake = Lake(tmp_path)
    by_table = {d.table: d for d in committed_datasets()}
    record = next(r for r in DATASETS if r.slug == by_table["truong_hoc"].identifier)
    assert lake.cursor("open_data", "truong_hoc") == record.modified.isoformat()

    again = _materialize(portal_url, tmp_path)
    assert again.success and _rows(again) == {}


def test_a_failing_dataset_is_held_back_alone_and_named(portal, portal_url, tmp_path):
    # Every JSON page cut in half: each dataset read from the API fails after its page retries.
    portal.faults["open_data"].set(Faults(truncate_page_every=1))
    result = _materialize(
        portal_url,
        tmp_path,
        selection=[dg.AssetKey(["open_data", "datasets"]), dg.AssetKey(["open_data", "truong_hoc"])],
    )
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.error
    assert "1 open dataset(s) not synced" in failure.message and "truong_hoc" in failure.message
    assert set(_rows(result)) == {"datasets"}  # the catalogue committed all the same
    assert Lake(tmp_path).cursor("open_data", "truong_hoc") is None
