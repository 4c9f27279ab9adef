"""Fixtures: one tiny one-stop database, its lake and a warehouse built from it, once per test session.

The warehouse is built by dbt itself (real DuckDB) from the lake the SQL connector lands, so the marts are
checked against the database they came from, end to end.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt.cli.main import dbtRunner, dbtRunnerResult

from sandbox.one_stop.generate import build_database
from sandbox.scenario import Scenario
from sources.lake import Lake
from sources.one_stop.sql import OneStopSqlConnector
from sources.one_stop.sync import sync_one_stop

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
MODELS = ("rpt_procedure_kpis", "dim_procedures", "dim_agencies", "fct_dossier_steps")


@pytest.fixture(scope="session")
def tiny_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('procedures_db') / 'one_stop.sqlite'}"
    build_database(url, Scenario.named("tiny"))
    return url


def sync_lake(url: str, root: Path) -> None:
    """One sync of the one-stop database at `url` into the lake at `root`, with the real SQL connector."""
    connector = OneStopSqlConnector(url, page_size=20_000)
    try:
        sync_one_stop(Lake(root), connector)
    finally:
        connector.close()


@pytest.fixture(scope="session")
def lake_dir(tiny_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("procedures_lake")
    sync_lake(tiny_url, root)
    return root


# What the procedure marts need from the repository's dbt project. A scratch project with only these keeps
# `dbt build` to seconds (the full project parses ~600 generated models first) and independent of models
# that have nothing to do with procedures.
PROJECT_PARTS = (
    "macros/util",
    "seeds/admin_units",
    "seeds/published",
    "models/staging/one_stop",
    "models/intermediate/admin_units",
    "models/marts/core",
)
PUBLIC_SERVICE = (
    "dim_reporting_periods.sql",
    "fct_dossiers.sql",
    "dim_procedures.sql",
    "dim_agencies.sql",
    "fct_dossier_steps.sql",
    "rpt_procedure_kpis.sql",
    "_procedures__models.yml",
)
PROFILES = """hue_warehouse:
  target: duckdb
  outputs:
    duckdb:
      type: duckdb
      path: "{{ env_var('HUE_WAREHOUSE_PATH') }}"
      schema: main
      threads: 1
"""


def scratch_project(root: Path) -> Path:
    project = root / "dbt_project"
    project.mkdir()
    # The repository's project settings (schemas, materialisations) without its run hooks, which belong to
    # models this scratch project leaves out.
    settings = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    for hook in ("on-run-start", "on-run-end"):
        settings.pop(hook, None)
    (project / "dbt_project.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    (project / "profiles.yml").write_text(PROFILES, encoding="utf-8")
    for part in PROJECT_PARTS:
        shutil.copytree(DBT_DIR / part, project / part)
    marts = project / "models" / "marts" / "public_service"
    marts.mkdir(parents=True)
    for name in PUBLIC_SERVICE:
        shutil.copy(DBT_DIR / "models" / "marts" / "public_service" / name, marts)
    return project


def run_dbt(project: Path, env: dict[str, str], *args: str, check: bool = True) -> dbtRunnerResult:
    """dbt in this process with `env` set for the call; asserts success unless `check` is false."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = dbtRunner().invoke(
            [*args, "--project-dir", str(project), "--profiles-dir", str(project), "--target-path",
             str(project / "target"), "--log-path", str(project / "logs"), "--quiet"]
        )  # fmt: skip
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    if check:
        assert result.success, result.exception or [
            (r.node.name, r.status, r.message)
            for r in (result.result or [])
            if r.status not in ("success", "pass", "warn")
        ]
    return result


@pytest.fixture(scope="session")
def warehouse(lake_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The procedure marts and everything upstream of them, built and tested by dbt."""
    root = tmp_path_factory.mktemp("procedures_warehouse")
    project = scratch_project(root)
    path = root / "warehouse.duckdb"
    env = {"HUE_LAKE_DIR": str(lake_dir), "HUE_WAREHOUSE_PATH": str(path)}
    run_dbt(project, env, "build", "--select", *(f"+{m}" for m in MODELS))
    return path


@pytest.fixture(scope="session")
def marts(warehouse: Path):
    # dbt-duckdb keeps its in-process connection open: connect with the same (default) configuration
    con = duckdb.connect(str(warehouse))
    try:
        yield con
    finally:
        con.close()
