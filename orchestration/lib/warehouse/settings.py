"""Which warehouse the platform uses (HUE_WAREHOUSE_TARGET) and how to reach PostgreSQL (HUE_PG_*).

Read when called (at run time), never at import. The same variables feed dbt_project/profiles.yml, so dbt,
the lake loader and the gate reach the same database as the same role.
"""

from __future__ import annotations

import os

import sqlalchemy as sa

TARGETS = ("duckdb", "postgres")


def warehouse_target() -> str:
    """``duckdb`` (the default) or ``postgres``."""
    target = (os.environ.get("HUE_WAREHOUSE_TARGET") or "duckdb").strip().lower()
    if target not in TARGETS:
        raise ValueError(f"HUE_WAREHOUSE_TARGET must be one of {', '.join(TARGETS)}, not {target!r}")
    return target


def postgres_url() -> str:
    """The pipeline role's SQLAlchemy URL, from the variables profiles.yml reads (same defaults)."""
    url = sa.URL.create(
        "postgresql+psycopg2",
        username=os.environ.get("HUE_PG_USER") or "hue_pipeline",
        password=os.environ.get("HUE_PG_PASSWORD") or None,
        host=os.environ.get("HUE_PG_HOST") or "127.0.0.1",
        port=int(os.environ.get("HUE_PG_PORT") or 5432),
        database=os.environ.get("HUE_PG_DATABASE") or "hue_warehouse",
    )
    # hide_password=False: the URL goes to SQLAlchemy only, never to a log (callers log nothing of it).
    return url.render_as_string(hide_password=False)
