"""The warehouse: every dbt model, seed and test as Dagster assets and checks, from a prepared manifest."""

import shutil
from pathlib import Path

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
    prune_run_folders(dbt_project().project_dir / "target", keep=3)
    invocation = dbt.cli(["build"], context=context)
    try:
        yield from invocation.stream()
    finally:
        # For large subsets dagster-dbt runs dbt in a temporary copy of the project and leaves it behind.
        if Path(invocation.project_dir).resolve() != Path(dbt_project().project_dir).resolve():
            shutil.rmtree(invocation.project_dir, ignore_errors=True)


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
