"""The digitisation catalogue sensors against a live platform endpoint on 127.0.0.1: a table newly
classified open is reported with its department and the to-do; a drift names the regenerate command."""

from __future__ import annotations

import copy
import json

import dagster as dg
import pytest

from orchestration.defs.digitization.catalogue import CATALOGUE_FILE
from orchestration.defs.digitization.sensors import (
    digitization_catalogue_changed,
    digitization_new_open_dataset,
)
from orchestration.resources import DigitizationResource
from tests.operations.servers import catalogue_server

API_KEY = "catalogue-test-key"
GENERATOR = ".venv/bin/python dbt_project/generator/generate_staging.py"


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def live(committed) -> tuple[dict, str, str]:
    """The committed catalogue with one internal table reclassified open and one new open table."""
    data = copy.deepcopy(committed)
    reclassified = next(t for t in data["tables"] if t["classification"] == "internal")
    reclassified["classification"] = "open"
    new = copy.deepcopy(next(t for t in data["tables"] if t["classification"] == "restricted"))
    new.update(slug="diem_sac_ky_luu_dong", name="Điểm sạc xe điện", classification="open", number=9999)
    data["tables"].append(new)
    data["table_count"] = len(data["tables"])
    return data, reclassified["slug"], new["slug"]


def _evaluate(sensor, url: str, cursor: str | None = None):
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance,
            cursor=cursor,
            resources={"digitization": DigitizationResource(base_url=url, token=API_KEY)},
        )
        return sensor(context)


def test_a_table_newly_classified_open_is_reported_with_department_and_todo(live):
    data, reclassified, new = live
    with catalogue_server(data, API_KEY) as url:
        result = _evaluate(digitization_new_open_dataset, url)
        by_slug = {e.metadata["new_open_dataset"].value: e.metadata for e in result.asset_events}
        assert set(by_slug) == {reclassified, new}
        table = next(t for t in data["tables"] if t["slug"] == reclassified)
        assert by_slug[reclassified]["department"].value == table["owner_agency"]
        todo = by_slug[reclassified]["todo"].value
        assert GENERATOR in todo and "expectation suite" in todo and "datasets.yml" in todo
        # Reported once per live catalogue: the same catalogue again is skipped.
        again = _evaluate(digitization_new_open_dataset, url, cursor=result.cursor)
        assert isinstance(again, dg.SkipReason)


def test_the_unchanged_catalogue_reports_no_new_open_dataset(committed):
    with catalogue_server(committed, API_KEY) as url:
        result = _evaluate(digitization_new_open_dataset, url)
    assert result.skip_reason and not result.asset_events


def test_the_catalogue_change_names_the_regenerate_command_and_the_classification(live):
    data, reclassified, new = live
    with catalogue_server(data, API_KEY) as url:
        result = _evaluate(digitization_catalogue_changed, url)
    (observation,) = result.asset_events
    meta = observation.metadata
    assert meta["tables_added"].value == [new]
    assert any("classification" in c for c in meta["tables_changed"].value[reclassified])
    assert meta["breaking"].value is False
    assert GENERATOR in meta["regenerate"].value
