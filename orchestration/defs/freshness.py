"""Độ mới dữ liệu — freshness checks on every source table, from how often the source updates it.

A source table is stale when the lake has received no batch of it for longer than its update frequency
allows. The thresholds come from where the frequency is already declared — the dbt sources, whose
``freshness.warn_after`` the generator derives from the digitisation catalogue's ``update_frequency``
(daily → 2 days … yearly → 380 days) and the one-stop and open-data sources declare by hand (26 hours:
one nightly sync plus slack) — read from the prepared dbt manifest, so there is no second list here.
Two exceptions, both explained where they are set:

- the one-stop reference catalogues (procedures, agencies, fields) get the monthly bound: they change
  rarely, and an ingestion asset materialises only when a new batch landed, so the nightly bound would
  warn every morning about catalogues that simply did not change;
- tables that are not dbt sources: population verifications (nightly) and statistics (monthly), the
  applicant identifiers (nightly, with their dossiers), the platform catalogue itself (monthly).

The checks are non-blocking (WARN): staleness is something to look into, not a reason to stop the night.
``freshness_checks_sensor`` evaluates them hourly (the daemon must run: ``make ui`` starts it).

Why asset checks rather than Dagster 1.11+'s ``FreshnessPolicy``: Dagster marks these check factories as
superseded by policies, but a policy is only evaluated by the separate freshness daemon (an instance
setting) and leaves no check history; a check is evaluated by a plain sensor, shows pass/fail history on
each asset, and can be run and tested like any other check. Moving to policies is a change of this module
only (``dg.apply_freshness_policy`` over the same bounds).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from datetime import timedelta
from functools import cache

import dagster as dg

FRESHNESS_TIMEZONE = "Asia/Ho_Chi_Minh"
NIGHTLY = timedelta(hours=26)
MONTHLY = timedelta(days=35)  # the catalogue's monthly warn bound (FRESHNESS_DAYS in the generator)
ONE_STOP_REFERENCE = ("procedures", "procedure_online_levels", "agencies", "fields")
POPULATION = {
    dg.AssetKey(["population", "applicant_verifications"]): NIGHTLY,
    dg.AssetKey(["population", "population_by_commune"]): MONTHLY,
}
_PERIODS = {"minute": "minutes", "hour": "hours", "day": "days"}


def _warn_after(freshness: dict | None) -> timedelta | None:
    warn = (freshness or {}).get("warn_after") or {}
    if not warn.get("count") or warn.get("period") not in _PERIODS:
        return None
    return timedelta(**{_PERIODS[warn["period"]]: int(warn["count"])})


def source_bounds(manifest: dict | None = None) -> dict[dg.AssetKey, timedelta]:
    """Every source table's asset key → the longest it may go without a new batch."""
    if manifest is None:
        from dagster_dbt.dbt_manifest import read_manifest_path

        from orchestration.lib.dbt.project import dbt_project

        # The same cached parse dagster-dbt made of the manifest: no second 15 MB JSON in memory.
        manifest = read_manifest_path(dbt_project().manifest_path)
    bounds: dict[dg.AssetKey, timedelta] = {}
    for source in manifest["sources"].values():
        asset_key = ((source.get("meta") or {}).get("dagster") or {}).get("asset_key")
        bound = _warn_after(source.get("freshness"))
        if asset_key is None or bound is None:
            continue
        if asset_key[0] == "one_stop" and asset_key[-1] in ONE_STOP_REFERENCE:
            bound = MONTHLY
        bounds[dg.AssetKey(asset_key)] = bound
    # Lake tables the warehouse does not read as a dbt source (applicant identifiers stay in the lake)
    # are still source tables, synced with their stream each night.
    from orchestration.defs.one_stop.assets import TABLES

    for table in TABLES:
        key = dg.AssetKey(["one_stop", table])
        bounds.setdefault(key, MONTHLY if table in ONE_STOP_REFERENCE else NIGHTLY)
    # The platform's own catalogue (bảng danh mục) changes when departments reclassify or add tables.
    for name in ("catalogue_tables", "catalogue_columns"):
        bounds.setdefault(dg.AssetKey(["digitization", name]), MONTHLY)
    bounds.update(POPULATION)
    return bounds


@cache
def freshness_checks() -> tuple[dg.AssetChecksDefinition, ...]:
    """The checks of the code location, built once (the jobs exclude them, the sensor evaluates them)."""
    return tuple(build_freshness_checks())


def build_freshness_checks() -> list[dg.AssetChecksDefinition]:
    """One last-update freshness check per source table, grouped by bound (one definition per bound)."""
    by_bound: dict[timedelta, list[dg.AssetKey]] = defaultdict(list)
    for key, bound in source_bounds().items():
        by_bound[bound].append(key)
    checks: list[dg.AssetChecksDefinition] = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is superseded.*")  # see the module docstring
        for bound, keys in sorted(by_bound.items()):
            checks.extend(
                dg.build_last_update_freshness_checks(
                    assets=sorted(keys, key=str),
                    lower_bound_delta=bound,
                    timezone=FRESHNESS_TIMEZONE,
                    severity=dg.AssetCheckSeverity.WARN,
                )
            )
    return checks


def build_freshness_sensor(checks: list[dg.AssetChecksDefinition]) -> dg.SensorDefinition:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is superseded.*")
        return dg.build_sensor_for_freshness_checks(
            freshness_checks=checks,
            minimum_interval_seconds=3600,
            name="freshness_checks_sensor",
            default_status=dg.DefaultSensorStatus.RUNNING,
        )
