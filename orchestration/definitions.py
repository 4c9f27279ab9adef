"""The code location: every asset, check, job, schedule and resource of the platform.

Loading is cheap by design: the dbt manifest is prepared ahead of time, connectors and Great
Expectations are imported inside the functions that use them, and no environment variable is read here.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.one_stop.assets import one_stop_ingest
from orchestration.defs.publish.assets import publish_assets
from orchestration.defs.publish.gate import gate_checks
from orchestration.defs.warehouse.assets import warehouse_dbt_assets
from orchestration.jobs import nightly_job, nightly_schedule
from orchestration.resources import build_resources


def build_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[one_stop_ingest, warehouse_dbt_assets, *publish_assets()],
        asset_checks=gate_checks(),
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        resources=build_resources(),
    )


defs = build_definitions()
