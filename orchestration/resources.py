"""Dagster resources, each configured from the environment through EnvVar (nothing read at import).

Resources hand plain-Python objects (connectors, the lake, the portal store) to assets: Dagster code
never speaks HTTP or SQL to a source itself.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import dagster as dg

from orchestration.lib.environment import resolve_path, resolve_sqlite_url


class LakeResource(dg.ConfigurableResource):
    """The lake of immutable Parquet batches (HUE_LAKE_DIR)."""

    root: str

    def lake(self):
        from sources.lake import Lake

        return Lake(resolve_path(self.root))


class OneStopResource(dg.ConfigurableResource):
    """The one-stop system (hệ thống một cửa): its database URL (HUE_ONE_STOP_DB_URL)."""

    db_url: str
    page_size: int = 5000
    overlap_minutes: int = 10

    def connector(self):
        from sources.one_stop.sql import OneStopSqlConnector

        return OneStopSqlConnector(
            resolve_sqlite_url(self.db_url),
            page_size=self.page_size,
            overlap=timedelta(minutes=self.overlap_minutes),
        )


class DigitizationResource(dg.ConfigurableResource):
    """The shared digitisation platform (HUE_DIGITIZATION_URL, HUE_DIGITIZATION_TOKEN)."""

    base_url: str
    token: str
    page_size: int = 5000

    def connector(self):
        from sources.digitization.connector import DigitizationConnector

        # strict_schema off: the lake compares each batch with the table's known schema and holds a
        # breaking batch in quarantine, which the connector alone could not do.
        return DigitizationConnector(self.base_url, self.token, page_size=self.page_size, strict_schema=False)


class PopulationResource(dg.ConfigurableResource):
    """The population service through the LGSP (HUE_LGSP_*), and the pseudonymisation key.

    Every lookup is attributed to one officer (MaCanBo) and audited; the key never reaches the warehouse.
    """

    base_url: str
    access_key: str
    secret_key: str
    integration_code: str
    officer_code: str
    officer_password: str
    pseudonym_key: str
    max_lookups_per_run: int = 500
    max_requests_per_second: float = 20.0

    def verifier(self, audit_dir: Path):
        from sources.population import ApplicantVerifier, AuditWriter

        return ApplicantVerifier(
            self.base_url,
            access_key=self.access_key,
            secret_key=self.secret_key,
            integration_code=self.integration_code,
            officers={self.officer_code: self.officer_password},
            pseudonym_key=self.pseudonym_key,
            audit=AuditWriter(audit_dir),
            default_officer=self.officer_code,
            max_requests_per_second=self.max_requests_per_second,
        )

    def statistics(self):
        from sources.population import PopulationStatisticsClient

        return PopulationStatisticsClient(
            self.base_url, access_key=self.access_key, secret_key=self.secret_key
        )


class WarehouseResource(dg.ConfigurableResource):
    """The embedded DuckDB warehouse file (HUE_WAREHOUSE_PATH) that checks and publication read."""

    path: str

    @property
    def file(self) -> Path:
        return resolve_path(self.path)


class PortalResource(dg.ConfigurableResource):
    """The open-data portal store (HUE_PORTAL_DIR): the only way into it is the publish assets."""

    root: str

    def store(self):
        from portal.store import PortalStore

        return PortalStore(resolve_path(self.root))


class QualityResource(dg.ConfigurableResource):
    """Where validation results and the offline quality report are written (HUE_QUALITY_DIR)."""

    results_dir: str

    @property
    def directory(self) -> Path:
        path = resolve_path(self.results_dir)
        path.mkdir(parents=True, exist_ok=True)
        return path


def build_resources() -> dict[str, object]:
    from dagster_dbt import DbtCliResource

    from orchestration.lib.dbt.project import dbt_project

    # The dbt beside this interpreter: the venv's dbt is the one pinned with our adapters, whatever PATH says.
    dbt_executable = str(Path(sys.executable).parent / "dbt")
    return {
        "lake": LakeResource(root=dg.EnvVar("HUE_LAKE_DIR")),
        "one_stop": OneStopResource(db_url=dg.EnvVar("HUE_ONE_STOP_DB_URL")),
        "digitization": DigitizationResource(
            base_url=dg.EnvVar("HUE_DIGITIZATION_URL"), token=dg.EnvVar("HUE_DIGITIZATION_TOKEN")
        ),
        "population": PopulationResource(
            base_url=dg.EnvVar("HUE_LGSP_URL"),
            access_key=dg.EnvVar("HUE_LGSP_ACCESS_KEY"),
            secret_key=dg.EnvVar("HUE_LGSP_SECRET_KEY"),
            integration_code=dg.EnvVar("HUE_LGSP_INTEGRATION_CODE"),
            officer_code=dg.EnvVar("HUE_LGSP_OFFICER_CODE"),
            officer_password=dg.EnvVar("HUE_LGSP_OFFICER_PASSWORD"),
            pseudonym_key=dg.EnvVar("HUE_PSEUDONYM_KEY"),
        ),
        "warehouse": WarehouseResource(path=dg.EnvVar("HUE_WAREHOUSE_PATH")),
        "portal": PortalResource(root=dg.EnvVar("HUE_PORTAL_DIR")),
        "quality": QualityResource(results_dir=dg.EnvVar("HUE_QUALITY_DIR")),
        "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable),
    }
