"""Apply the warehouse's schemas, roles and grants (postgres_roles.sql), and keep the published views.

``apply_roles`` runs as an administrator (once per deployment, and again after this file changes):
``python -m orchestration.lib.warehouse.roles apply`` with ``HUE_PG_ADMIN_URL`` and, optionally, the login
passwords ``HUE_PG_PIPELINE_PASSWORD``, ``HUE_PG_ANALYST_PASSWORD``, ``HUE_PG_PUBLISHER_PASSWORD``
(secrets: from the environment, never logged). ``refresh_published_views`` runs as the pipeline after every
dbt build: dbt replaces a mart table with ``drop ... cascade``, which takes the views over it along.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import sqlalchemy as sa

SQL_FILE = Path(__file__).with_name("postgres_roles.sql")
ROLES = ("hue_pipeline", "hue_analyst", "hue_publisher")
PUBLISHED_SCHEMA = "published"
PASSWORD_VARIABLES = {
    "hue_pipeline": "HUE_PG_PIPELINE_PASSWORD",
    "hue_analyst": "HUE_PG_ANALYST_PASSWORD",
    "hue_publisher": "HUE_PG_PUBLISHER_PASSWORD",
}


def apply_roles(admin_url: str, passwords: Mapping[str, str] | None = None) -> None:
    """Create or reset the schemas, roles, grants and the append-only audit table; set login passwords."""
    from psycopg2 import sql

    engine = sa.create_engine(admin_url)
    try:
        with engine.begin() as con:
            cursor = con.connection.dbapi_connection.cursor()
            try:
                cursor.execute(SQL_FILE.read_text(encoding="utf-8"))
                for role, password in (passwords or {}).items():
                    if role not in ROLES:
                        raise ValueError(f"unknown warehouse role {role!r}")
                    # Bound as a literal by psycopg2: the password never appears in a formatted string.
                    cursor.execute(
                        sql.SQL("alter role {} password %s").format(sql.Identifier(role)), (password,)
                    )
            finally:
                cursor.close()
    finally:
        engine.dispose()


def published_view_name(slug: str) -> str:
    """``chi-so-giai-quyet-ho-so-theo-thang`` → ``chi_so_giai_quyet_ho_so_theo_thang``."""
    return slug.replace("-", "_")


def refresh_published_views(con: sa.Connection, datasets: Iterable[tuple[str, str]]) -> list[str]:
    """(Re)create ``published.<slug>`` over each published dataset's warehouse table; returns the views.

    ``datasets`` are (slug, schema.table) pairs. Views the catalogue no longer names are dropped, so the
    publisher role never reads a dataset that is not published any more.
    """
    wanted = {published_view_name(slug): table for slug, table in datasets}
    existing = {
        r[0]
        for r in con.execute(
            sa.text("select table_name from information_schema.views where table_schema = :s"),
            {"s": PUBLISHED_SCHEMA},
        )
    }
    for stale in sorted(existing - set(wanted)):
        con.execute(sa.text(f'drop view if exists {PUBLISHED_SCHEMA}."{stale}"'))
    for view, table in sorted(wanted.items()):
        schema, name = table.split(".", 1)
        if not _exists(con, table):
            continue  # not built yet (a partial first night): its view comes with the run that builds it
        con.execute(
            sa.text(
                f'create or replace view {PUBLISHED_SCHEMA}."{view}" as select * from "{schema}"."{name}"'
            )
        )
    return sorted(view for view, table in wanted.items() if _exists(con, table))


def _exists(con: sa.Connection, table: str) -> bool:
    schema, name = table.split(".", 1)
    return con.execute(sa.text("select to_regclass(:t)"), {"t": f'"{schema}"."{name}"'}).scalar() is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["apply"])
    parser.parse_args(argv)
    admin_url = os.environ.get("HUE_PG_ADMIN_URL")
    if not admin_url:
        print("HUE_PG_ADMIN_URL is not set (an administrator's SQLAlchemy URL)", file=sys.stderr)
        return 2
    passwords = {role: os.environ[var] for role, var in PASSWORD_VARIABLES.items() if os.environ.get(var)}
    apply_roles(admin_url, passwords)
    print(f"applied {SQL_FILE.name}; passwords set for: {', '.join(sorted(passwords)) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
