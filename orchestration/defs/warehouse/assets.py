"""The warehouse: every dbt model, seed and test as Dagster assets and checks, from a prepared manifest.

On DuckDB (the default) dbt reads the lake's Parquet files in place. With HUE_WAREHOUSE_TARGET=postgres the
same asset first loads the lake's new batches into the raw_<system> schemas (sources/lake/loader_postgres.py),
then runs dbt with the ``postgres`` target, then recreates the ``published`` views that dbt's table rebuilds
dropped (orchestration/lib/warehouse/roles.py).
"""

import os
import shutil
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from pydantic import Field

from orchestration.lib.dbt.project import dbt_project
from orchestration.lib.dbt.translator import HueDbtTranslator
from orchestration.resources import LakeResource, WarehouseResource
from sources.common.crash import maybe_crash
from sources.population.pseudonym import postgres_key_in_environment


class WarehouseBuildConfig(dg.Config):
    """Run config of the warehouse build (launchpad: ``ops: {warehouse_dbt_assets: {config: ...}}``)."""

    full_refresh: bool = Field(
        default=False,
        description=(
            "Rebuild the incremental dossier facts from the whole lake (dbt --full-refresh). Needed after "
            "changing their columns or the administrative-unit reference; a nightly run never sets it."
        ),
    )


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=HueDbtTranslator(),
    pool="warehouse",
)
def warehouse_dbt_assets(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    lake: LakeResource,
    config: WarehouseBuildConfig,
):
    # `build` runs models, seeds and their tests in dependency order. dagster-dbt turns the run's asset
    # selection into dbt's --select, so the nightly warehouse run builds only what its new batches touch.
    # No retry policy: a failing model or test fails the same way twice.
    prune_run_folders(dbt_project().project_dir / "target", keep=3)
    args = ["build"]
    if warehouse.is_postgres:
        load_lake_into_postgres(context, warehouse, lake)
        args += ["--target", "postgres"]
    if config.full_refresh:
        args.append("--full-refresh")
    maybe_crash("dbt.before_build")
    # PostgreSQL reads the pseudonymisation key from the dbt sessions' settings (PGOPTIONS), never from SQL.
    with postgres_key_in_environment(os.environ.get("HUE_PSEUDONYM_KEY") if warehouse.is_postgres else None):
        invocation = dbt.cli(args, context=context)
    try:
        yield from invocation.stream()
        maybe_crash("dbt.after_build")
    finally:
        # For large subsets dagster-dbt runs dbt in a temporary copy of the project and leaves it behind.
        if Path(invocation.project_dir).resolve() != Path(dbt_project().project_dir).resolve():
            shutil.rmtree(invocation.project_dir, ignore_errors=True)
    if warehouse.is_postgres:
        refresh_published(context, warehouse)


def load_lake_into_postgres(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, lake: LakeResource
) -> None:
    """Every committed lake batch not loaded yet, and the new population audit records (append-only)."""
    from sources.lake.loader_postgres import load_lake

    summary = load_lake(warehouse.sqlalchemy_url(), lake.lake().root)
    tables = sorted({f"{b.system}.{b.table}" for b in summary.batches})
    context.log.info(
        f"lake → PostgreSQL: {len(summary.batches)} batches, {summary.rows} rows, "
        f"{summary.audit_records} audit records ({', '.join(tables) or 'nothing new'})"
    )


def refresh_published(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
    import sqlalchemy as sa

    from orchestration.defs.publish.catalog import published_datasets
    from orchestration.lib.warehouse.roles import refresh_published_views

    engine = sa.create_engine(warehouse.sqlalchemy_url())
    try:
        with engine.begin() as con:
            views = refresh_published_views(con, [(d.slug, d.warehouse_table) for d in published_datasets()])
    finally:
        engine.dispose()
    context.log.info(f"published views: {', '.join(views) or 'none yet'}")


def prune_run_folders(target: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` per-run dbt output folders (each is tens of MB at catalogue
    scale, and dbt never removes them); returns what was removed."""
    runs = sorted(
        (p for p in target.glob("warehouse_dbt_assets-*") if p.is_dir()), key=lambda p: p.stat().st_mtime
    )
    stale = runs[:-keep] if keep else runs
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale
