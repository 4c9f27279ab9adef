"""The tiny nightly run on PostgreSQL beside the same run on DuckDB, over one lake.

Reuses the e2e platform (sandbox up, every path in a temporary directory) and the throwaway PostgreSQL
server; the roles and grants are applied as the server's superuser, as a DBA would, and the pipeline then
works as ``hue_pipeline``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import dagster as dg
import pytest
import sqlalchemy as sa

from tests.e2e.conftest import Platform, ingest_keys, platform  # noqa: F401  (pytest fixture)
from tests.support.postgres import PostgresServer, postgres_server  # noqa: F401  (pytest fixture)

KPI_MODELS = ("rpt_dossier_kpis", "rpt_dossier_kpis_monthly", "rpt_reconciliation")
PUBLISHED = ("chi-so-giai-quyet-ho-so-theo-thang", "doi-chieu-so-lieu-cong-bo")
DIGITIZATION_TABLES = 2  # a handful: enough to cover the generated models, cheap to build twice


@dataclass
class Roles:
    server: PostgresServer
    passwords: dict[str, str]

    def url(self, role: str, dbname: str | None = None) -> str:
        if role == "admin":
            user, password = self.server.user, self.server.password
        else:
            user, password = role, self.passwords[role]
        return sa.URL.create(
            "postgresql+psycopg2",
            username=user,
            password=password,
            host=self.server.host,
            port=self.server.port,
            database=dbname or self.server.dbname,
        ).render_as_string(hide_password=False)

    def pipeline_env(self) -> dict[str, str]:
        return {
            **self.server.dbt_env(),
            "HUE_PG_USER": "hue_pipeline",
            "HUE_PG_PASSWORD": self.passwords["hue_pipeline"],
        }


@pytest.fixture(scope="session")
def warehouse_roles(postgres_server: PostgresServer) -> Roles:  # noqa: F811
    from orchestration.lib.warehouse.roles import ROLES, apply_roles

    roles = Roles(postgres_server, {role: secrets.token_urlsafe(12) for role in ROLES})
    apply_roles(roles.url("admin"), roles.passwords)
    return roles


def small_ingest_keys() -> list[dg.AssetKey]:
    """The e2e night with fewer digitisation tables and no applicant verification (500 SOAP lookups that
    no KPI reads; the audit trail's loading is tested in tests/access)."""
    keys, kept = [], 0
    for key in ingest_keys():
        if key == dg.AssetKey(["population", "applicant_verifications"]):
            continue
        if key.path[0] == "digitization" and not key.path[1].startswith("catalogue_"):
            if kept >= DIGITIZATION_TABLES:
                continue
            kept += 1
        keys.append(key)
    return keys
