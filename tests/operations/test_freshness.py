"""Freshness checks: one per source table, bounds from the catalogue's update frequency and the one-stop
dbt source, evaluated for real against a Dagster instance (a fresh table passes, a silent one fails)."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import pytest

from orchestration.defs.digitization.catalogue import committed_catalogue
from orchestration.defs.freshness import build_freshness_checks, build_freshness_sensor, source_bounds
from orchestration.defs.one_stop.assets import TABLES

DOSSIERS = dg.AssetKey(["one_stop", "dossiers"])
FEES = dg.AssetKey(["one_stop", "dossier_fees"])


@pytest.fixture(scope="module")
def checks() -> list[dg.AssetChecksDefinition]:
    return build_freshness_checks()


def test_every_source_table_has_a_freshness_check(checks):
    checked = {key.asset_key for c in checks for key in c.check_keys}
    expected = {dg.AssetKey(["one_stop", t]) for t in TABLES}
    expected |= {dg.AssetKey(["population", "applicant_verifications"])}
    expected |= {dg.AssetKey(["population", "population_by_commune"])}
    expected |= {dg.AssetKey(["digitization", t.slug]) for t in committed_catalogue().tables}
    assert expected <= checked
    assert dg.AssetKey(["open_data", "datasets"]) in checked  # every dbt source with a freshness
    assert all(spec.blocking is False for c in checks for spec in c.check_specs)


def test_bounds_follow_the_declared_update_frequency():
    bounds = source_bounds()
    assert bounds[DOSSIERS] == timedelta(hours=26)  # the one-stop dbt source's warn_after
    assert bounds[dg.AssetKey(["one_stop", "dossier_identifiers"])] == timedelta(hours=26)
    assert bounds[dg.AssetKey(["one_stop", "fields"])] == timedelta(days=35)
    by_frequency = {"daily": 2, "weekly": 9, "monthly": 35, "quarterly": 100, "yearly": 380}
    for table in committed_catalogue().tables:
        expected = timedelta(days=by_frequency[table.update_frequency])
        assert bounds[dg.AssetKey(["digitization", table.slug])] == expected, table.slug


@pytest.fixture(scope="module")
def nightly(checks) -> tuple[dg.AssetChecksDefinition, list[dg.AssetSpec]]:
    """The checks of the nightly-bound tables (dossiers, fees, ...) with their assets: small and real."""
    (definition,) = [c for c in checks if any(k.asset_key == DOSSIERS for k in c.check_keys)]
    assert FEES in {k.asset_key for k in definition.check_keys}
    return definition, [dg.AssetSpec(k.asset_key) for k in definition.check_keys]


def test_a_fresh_table_passes_and_a_silent_one_fails(nightly):
    definition, specs = nightly
    defs = dg.Definitions(
        assets=specs,
        asset_checks=[definition],
        jobs=[dg.define_asset_job("freshness", selection=dg.AssetSelection.checks(definition))],
    )
    with dg.instance_for_test() as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization(DOSSIERS))
        result = defs.resolve_job_def("freshness").execute_in_process(instance=instance, raise_on_error=False)
        outcome = {e.asset_key: e for e in result.get_asset_check_evaluations()}
    assert outcome[DOSSIERS].passed
    assert not outcome[FEES].passed and outcome[FEES].severity == dg.AssetCheckSeverity.WARN


def test_the_sensor_asks_for_checks_never_evaluated(nightly):
    definition, specs = nightly
    sensor = build_freshness_sensor([definition])
    defs = dg.Definitions(assets=specs, asset_checks=[definition], sensors=[sensor])
    with dg.instance_for_test() as instance:
        result = sensor(dg.build_sensor_context(instance=instance, definitions=defs))
    asked = {key.asset_key for key in (result.asset_check_keys or [])}
    assert asked == {spec.key for spec in specs}
