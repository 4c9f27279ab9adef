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
    retry_policy=dg.RetryPolicy(max_retries=1, delay=10),
)
def warehouse_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # `build` runs models, seeds and their tests in dependency order; in a subset run only the selected
    # models are built, which is how the nightly run follows its new batches.
    yield from dbt.cli(["build"], context=context).stream()
