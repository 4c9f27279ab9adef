"""The code location: every asset, check, job, schedule and resource of the platform.

Loading is cheap by design: the dbt manifest is prepared ahead of time, connectors and Great
Expectations are imported inside the functions that use them, and no environment variable is read here.
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from orchestration.defs.alerts.sensor import alert_on_run_failure
from orchestration.defs.digitization.assets import digitization_ingest
from orchestration.defs.digitization.sensors import (
    digitization_catalogue_changed,
    digitization_new_open_dataset,
)
from orchestration.defs.freshness import build_freshness_sensor, freshness_checks
from orchestration.defs.one_stop.assets import one_stop_ingest
from orchestration.defs.one_stop.partitions import backfill_assets, backfill_job
from orchestration.defs.open_data.assets import open_data_ingest
from orchestration.defs.population.assets import applicant_verifications, population_by_commune
from orchestration.defs.population.checks import audit_chain_intact
from orchestration.defs.publish.assets import publish_assets
from orchestration.defs.publish.catalog import PublishedDataset
from orchestration.defs.publish.gate import gate_checks
from orchestration.defs.publish.report import quarterly_report
from orchestration.defs.warehouse.assets import warehouse_dbt_assets
from orchestration.jobs import (
    full_rebuild_job,
    nightly_ingest_job,
    nightly_schedule,
    nightly_verification_job,
    nightly_warehouse_job,
    verification_after_ingest,
    warehouse_after_failed_verification,
    warehouse_after_verification,
)
from orchestration.resources import build_resources


def build_definitions(datasets: Sequence[PublishedDataset] | None = None) -> dg.Definitions:
    """All definitions; ``datasets`` replaces the published-dataset catalogue (tests use it)."""
    return dg.Definitions(
        assets=[
            one_stop_ingest,
            digitization_ingest,
            open_data_ingest,
            applicant_verifications,
            population_by_commune,
            warehouse_dbt_assets,
            *publish_assets(datasets),
            quarterly_report,
            *backfill_assets,
        ],
        asset_checks=[*gate_checks(datasets), *freshness_checks(), audit_chain_intact],
        jobs=[
            nightly_ingest_job,
            nightly_verification_job,
            nightly_warehouse_job,
            full_rebuild_job,
            backfill_job,
        ],
        schedules=[nightly_schedule],
        sensors=[
            verification_after_ingest,
            warehouse_after_verification,
            warehouse_after_failed_verification,
            digitization_catalogue_changed,
            digitization_new_open_dataset,
            alert_on_run_failure,
            build_freshness_sensor(list(freshness_checks())),
        ],
        resources=build_resources(),
    )


defs = build_definitions()
