"""Dagster resources, each configured from the environment through EnvVar (nothing read at import).

Resources hand plain-Python objects (connectors, the lake, the portal store) to assets: Dagster code
never speaks HTTP or SQL to a source itself.
"""

from __future__ import annotations

import os
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


class OpenDataResource(dg.ConfigurableResource):
    """The open-data portal (Cổng dữ liệu mở): DCAT catalogue, JSON API, CSV/XLSX (HUE_OPEN_DATA_URL)."""

    base_url: str
    page_size: int = 100

    def connector(self):
        from sources.open_data import OpenDataConnector

        return OpenDataConnector(self.base_url, page_size=self.page_size)


DEFAULT_LOOKUPS_PER_RUN = 500


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
    # None: HUE_LGSP_MAX_LOOKUPS_PER_RUN, else DEFAULT_LOOKUPS_PER_RUN (the quota agreed for the province)
    max_lookups_per_run: int | None = None
    max_requests_per_second: float = 20.0

    def lookups_per_run(self) -> int:
        """How many applicants one run may look up (read when the run asks, never at import)."""
        if self.max_lookups_per_run is not None:
            return self.max_lookups_per_run
        return int(os.environ.get("HUE_LGSP_MAX_LOOKUPS_PER_RUN") or DEFAULT_LOOKUPS_PER_RUN)

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
    """The warehouse that dbt builds and checks and publication read: the embedded DuckDB file
    (HUE_WAREHOUSE_PATH, the default), or PostgreSQL when HUE_WAREHOUSE_TARGET=postgres (HUE_PG_*)."""

    path: str
    # Empty = from HUE_WAREHOUSE_TARGET / HUE_PG_* when used (not at import). Not EnvVar: EnvVar has no
    # default, and the DuckDB default must keep working with those variables unset.
    target: str = ""
    postgres_url: str = ""

    @property
    def file(self) -> Path:
        return resolve_path(self.path)

    @property
    def target_name(self) -> str:
        from orchestration.lib.warehouse.settings import warehouse_target

        return self.target or warehouse_target()

    @property
    def is_postgres(self) -> bool:
        return self.target_name == "postgres"

    def sqlalchemy_url(self) -> str:
        from orchestration.lib.warehouse.settings import postgres_url

        return self.postgres_url or postgres_url()

    def read_table(self, table: str, columns=None):
        """``schema.table`` (or some ``columns`` of it) as Arrow, from whichever warehouse is in use."""
        from orchestration.lib.warehouse.read import read_table

        url = self.sqlalchemy_url() if self.is_postgres else ""
        return read_table(self.target_name, self.file, url, table, columns)

    def count_rows(self, table: str) -> int:
        from orchestration.lib.warehouse.read import count_rows

        url = self.sqlalchemy_url() if self.is_postgres else ""
        return count_rows(self.target_name, self.file, url, table)

    def duckdb_snapshot(self, tables):
        """A read-only DuckDB connection holding ``tables`` (context manager), for DuckDB-bound readers."""
        from orchestration.lib.warehouse.read import duckdb_snapshot

        url = self.sqlalchemy_url() if self.is_postgres else ""
        return duckdb_snapshot(self.target_name, self.file, url, tables)


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


class AlertResource(dg.ConfigurableResource):
    """Where run-failure alerts (cảnh báo) go: a webhook, an SMTP mailbox, and always the local alert log.

    Every field left empty is taken from the environment when an alert is sent (``HUE_ALERT_WEBHOOK_URL``,
    ``HUE_ALERT_SMTP_HOST/PORT/USER/PASSWORD/FROM/TO/STARTTLS``, ``HUE_DAGSTER_UI_URL``, ``HUE_DATA_DIR``).
    Read then, through ``dg.EnvVar``, rather than bound with ``dg.EnvVar`` here: every channel is optional,
    and an unset variable bound at load would make the failure sensor itself fail — the one place that
    must not.
    """

    webhook_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_to: str = ""
    smtp_starttls: bool | None = None
    ui_url: str = ""
    data_dir: str = ""
    webhook_backoff_seconds: float = 2.0

    def _value(self, field: str, env: str, default: str = "") -> str:
        value = getattr(self, field)
        if value not in ("", 0, None):
            return str(value)
        return dg.EnvVar(env).get_value(default) or default

    def log_path(self) -> Path:
        from orchestration.lib.environment import setting

        data_dir = self.data_dir or setting("HUE_DATA_DIR")
        return resolve_path(data_dir) / "alerts" / "alerts.jsonl"

    def run_link(self, run_id: str) -> str:
        base = self._value("ui_url", "HUE_DAGSTER_UI_URL", "http://127.0.0.1:3000").rstrip("/")
        return f"{base}/runs/{run_id}"

    def deliver(self, alert) -> dict[str, str]:
        from orchestration.defs.alerts.channels import SmtpSettings, deliver, recipients

        smtp = None
        host = self._value("smtp_host", "HUE_ALERT_SMTP_HOST")
        if host:
            starttls = self.smtp_starttls
            if starttls is None:
                starttls = self._value("smtp_starttls", "HUE_ALERT_SMTP_STARTTLS", "true").lower() in (
                    "1",
                    "true",
                    "yes",
                )
            smtp = SmtpSettings(
                host=host,
                port=int(self._value("smtp_port", "HUE_ALERT_SMTP_PORT", "587")),
                sender=self._value("smtp_from", "HUE_ALERT_SMTP_FROM"),
                recipients=recipients(self._value("smtp_to", "HUE_ALERT_SMTP_TO")),
                user=self._value("smtp_user", "HUE_ALERT_SMTP_USER"),
                password=self._value("smtp_password", "HUE_ALERT_SMTP_PASSWORD"),
                starttls=starttls,
            )
        return deliver(
            alert,
            self.log_path(),
            webhook_url=self._value("webhook_url", "HUE_ALERT_WEBHOOK_URL"),
            smtp=smtp,
            webhook_backoff_seconds=self.webhook_backoff_seconds,
        )


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
        "open_data": OpenDataResource(base_url=dg.EnvVar("HUE_OPEN_DATA_URL")),
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
        "alerts": AlertResource(),
        "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable),
    }
