"""The warehouse: every dbt model, seed and test as Dagster assets and checks, from a prepared manifest."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.lib.dbt.project import dbt_project
from orchestration.lib.dbt.translator import HueDbtTranslator


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=HueDbtTranslator(),
    pool="warehouse",
)
def warehouse_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # `build` runs models, seeds and their tests in dependency order. dagster-dbt turns the run's asset
    # selection into dbt's --select, so the nightly warehouse run builds only what its new batches touch.
    # No retry policy: a failing model or test fails the same way twice.
    yield from dbt.cli(["build"], context=context).stream()
