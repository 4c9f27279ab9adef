"""A Dagster instance configured by orchestration/instance/dagster-postgres.yaml, on the test server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.lib.environment import temporary_environment as environment
from tests.support.postgres import PostgresServer, postgres_server  # noqa: F401  (pytest fixture)

REPO = Path(__file__).resolve().parents[2]
INSTANCE_YAML = REPO / "orchestration" / "instance" / "dagster-postgres.yaml"
DAGSTER_DB = "hue_dagster"


@pytest.fixture(scope="package")
def dagster_home(tmp_path_factory, postgres_server: PostgresServer) -> Iterator[Path]:  # noqa: F811
    import psycopg2

    con = psycopg2.connect(
        host=postgres_server.host,
        port=postgres_server.port,
        user=postgres_server.user,
        password=postgres_server.password,
        dbname="postgres",
    )
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f"drop database if exists {DAGSTER_DB}")
        cur.execute(f"create database {DAGSTER_DB}")
    con.close()
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(INSTANCE_YAML, home / "dagster.yaml")
    env = {
        "DAGSTER_HOME": str(home),
        "HUE_DAGSTER_PG_HOST": postgres_server.host,
        "HUE_DAGSTER_PG_PORT": str(postgres_server.port),
        "HUE_DAGSTER_PG_USER": postgres_server.user,
        "HUE_DAGSTER_PG_PASSWORD": postgres_server.password,
        "HUE_DAGSTER_PG_DATABASE": DAGSTER_DB,
    }
    with environment(env):
        yield home
