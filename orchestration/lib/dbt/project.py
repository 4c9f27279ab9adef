"""The one dbt project of the warehouse, built once per process."""

from __future__ import annotations

from functools import cache

from dagster_dbt import DbtProject

from orchestration.lib.environment import DBT_PROJECT_DIR


@cache
def dbt_project() -> DbtProject:
    # The manifest is prepared ahead of time (`make prepare` runs `dbt parse`): parsing ~1,000 models at
    # every definitions load would cost 15 s and more.
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
