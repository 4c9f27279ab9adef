"""Access in the warehouse: the project's roles on a real PostgreSQL server, in a database of their own."""

from __future__ import annotations

import pytest

from tests.postgres_warehouse.conftest import Roles, warehouse_roles  # noqa: F401  (pytest fixture)
from tests.support.postgres import postgres_server  # noqa: F401  (pytest fixture)

ACCESS_DB = "hue_access"


@pytest.fixture(scope="package")
def access_db(warehouse_roles: Roles) -> Roles:  # noqa: F811
    """A fresh database with the migration applied (twice: it must be idempotent)."""
    import psycopg2

    from orchestration.lib.warehouse.roles import apply_roles

    server = warehouse_roles.server
    con = psycopg2.connect(
        host=server.host, port=server.port, user=server.user, password=server.password, dbname="postgres"
    )
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f"drop database if exists {ACCESS_DB}")
        cur.execute(f"create database {ACCESS_DB} encoding 'UTF8' template template0")
    con.close()
    for _ in range(2):
        apply_roles(warehouse_roles.url("admin", ACCESS_DB))
    return warehouse_roles
