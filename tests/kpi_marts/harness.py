"""Temporary dbt projects for the KPI mart tests (chỉ số giải quyết hồ sơ).

dbt is slow per invocation, and the real project holds ~600 models that other areas edit in the same tree,
so each test area builds a small temporary project holding *copies* of exactly the files under test: the
real macros, seeds and public-service models. Two shapes:

- ``lake``: the real one-stop staging models over a lake that the real SQL connector filled (the
  calibrated-scenario test);
- ``probe``: the one-stop staging models replaced by views over ``probe.*`` tables that a test fills row by
  row, and every mart materialised as a view, so a test changes the input and queries the real mart SQL
  again without another dbt run (property tests of rule 2.1, the hand-computed Decision 766 example).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from tests.dbt_semantic.harness import run_dbt  # noqa: F401  (one runner for the scratch projects)

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt_project"

# The marts this area owns (dbt_project/models/marts/public_service/), in dependency order.
PUBLIC_SERVICE_MODELS = (
    "dim_reporting_periods",
    "fct_dossiers",
    "rpt_dossier_kpis",
    "rpt_dossier_kpis_monthly",
    "rpt_dossier_kpis_quarterly",
    "rpt_dossier_kpis_by_agency",
    "rpt_reconciliation",
    "rpt_index_766_indicators",
    "rpt_index_766",
    "rpt_plan_379_progress",
)
# Read by the Decision 766 and Plan 379 marts: the procedure versions (dated online levels), owned by the
# procedure area and copied as they are.
PROCEDURE_MODELS = ("dim_procedures",)
ONE_STOP_STAGING = (
    "stg_one_stop__dossiers",
    "stg_one_stop__agencies",
    "stg_one_stop__procedures",
    "stg_one_stop__procedure_online_levels",
    "stg_one_stop__dossier_supplements",
    "stg_one_stop__dossier_fees",
    "stg_one_stop__dossier_documents",
    "stg_one_stop__dossier_results",
    "stg_one_stop__changes",
)


def _project_yml(marts_materialized: str) -> str:
    # Same schemas as dbt_project/dbt_project.yml, so relation names match the real warehouse's.
    return f"""name: hue_warehouse
version: "0.1.0"
config-version: 2
profile: hue_warehouse
model-paths: ["models"]
macro-paths: ["macros"]
seed-paths: ["seeds"]
target-path: "target"
models:
  hue_warehouse:
    staging:
      +schema: staging
      +materialized: view
    intermediate:
      +schema: intermediate
      +materialized: view
    marts:
      +schema: marts
      +materialized: {marts_materialized}
seeds:
  hue_warehouse:
    +schema: reference
"""


# Columns of the one-stop staging models the marts read (models/staging/one_stop/*.sql), for the probe.
PROBE_TABLES: dict[str, str] = {
    "dossiers": """dossier_code varchar, procedure_code varchar, procedure_name varchar, field_code varchar,
        field_name varchar, channel integer, applicant_type integer, applicant_commune_code varchar,
        submitted_at timestamp, received_at timestamp, due_at timestamp, rejected_at timestamp,
        processing_ended_at timestamp, returned_at timestamp, status integer, agency_code varchar,
        has_digitised_components boolean, is_vneid_verified boolean, online_payment_channel integer,
        is_paid_online boolean, is_synced_to_dvcqg boolean, has_complaint boolean, updated_at timestamp,
        source_version varchar""",
    "agencies": """agency_code varchar, agency_name varchar, level_number integer, level varchar,
        parent_agency_code varchar, admin_unit_code varchar, valid_from date, valid_to date""",
    "procedures": """procedure_code varchar, procedure_name varchar, field_code varchar, field_name varchar,
        levels varchar, online_level varchar, max_processing_days integer, fee_vnd bigint,
        is_fee_payable_online boolean, is_inter_agency boolean, is_postal boolean, is_vertical_sector boolean,
        valid_from date, valid_to date, updated_at timestamp, source_version varchar""",
    "procedure_online_levels": """procedure_code varchar, sequence_number integer, online_level varchar,
        valid_from date, valid_to date""",
    "dossier_supplements": """dossier_code varchar, sequence_number integer, requested_at timestamp,
        answered_at timestamp, previous_due_at timestamp, new_due_at timestamp""",
    "dossier_fees": """dossier_code varchar, sequence_number integer, fee_code varchar, fee_name varchar,
        amount_vnd bigint""",
    "dossier_documents": """dossier_code varchar, sequence_number integer, component_code varchar,
        is_digitised boolean, is_reused boolean, is_from_personal_data_store boolean""",
    "dossier_results": """dossier_code varchar, sequence_number integer, result_code varchar,
        result_name varchar, has_electronic_file boolean""",
    # the change feed the incremental facts read; the marts here are views and tables, never incremental
    "changes": "source_table varchar, batch_id varchar, dossier_code varchar",
}


def _copy_common(project: Path) -> None:
    for folder in ("macros/util", "macros/tests", "seeds/published", "seeds/config", "seeds/admin_units"):
        shutil.copytree(DBT_DIR / folder, project / folder)
    shutil.copytree(DBT_DIR / "plugins", project / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(DBT_DIR / "models/intermediate/admin_units", project / "models/intermediate/admin_units")
    core = project / "models/marts/core"
    core.mkdir(parents=True)
    for name in ("dim_admin_units.sql", "dim_admin_units.yml"):
        shutil.copy(DBT_DIR / "models/marts/core" / name, core / name)
    marts = project / "models/marts/public_service"
    marts.mkdir(parents=True)
    shutil.copy(DBT_DIR / "models/marts/public_service/_public_service__models.yml", marts)
    for model in PUBLIC_SERVICE_MODELS + PROCEDURE_MODELS:
        shutil.copy(DBT_DIR / "models/marts/public_service" / f"{model}.sql", marts)


def make_lake_project(root: Path) -> Path:
    """Real one-stop staging over the lake at $HUE_LAKE_DIR, marts as tables."""
    project = root / "project"
    _copy_common(project)
    staging = project / "models/staging/one_stop"
    staging.mkdir(parents=True)
    shutil.copy(DBT_DIR / "models/staging/one_stop/_one_stop__sources.yml", staging)
    for model in ONE_STOP_STAGING:
        shutil.copy(DBT_DIR / "models/staging/one_stop" / f"{model}.sql", staging)
    (project / "dbt_project.yml").write_text(_project_yml("table"), encoding="utf-8")
    return project


def make_probe_project(root: Path) -> Path:
    """One-stop staging as views over ``probe.<table>``, every mart a view (see the module docstring)."""
    project = root / "project"
    _copy_common(project)
    staging = project / "models/staging/one_stop"
    staging.mkdir(parents=True)
    for model in ONE_STOP_STAGING:
        table = model.removeprefix("stg_one_stop__")
        (staging / f"{model}.sql").write_text(f"select * from probe.{table}\n", encoding="utf-8")
    (project / "dbt_project.yml").write_text(_project_yml("view"), encoding="utf-8")
    return project


def create_probe_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists probe")
    for table, columns in PROBE_TABLES.items():
        con.execute(f"create or replace table probe.{table} ({columns})")
