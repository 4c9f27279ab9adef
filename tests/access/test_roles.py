"""Who reads what in the PostgreSQL warehouse, logging in as each role on a real server.

The pipeline writes and reads every layer; analysts read marts only; the publisher reads only the
published views; nobody but the pipeline reads raw, staging, restricted or the audit trail.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import ProgrammingError

from tests.access.conftest import ACCESS_DB

pytestmark = pytest.mark.postgres

PROBES = {
    "raw_one_stop.dossiers": "create table raw_one_stop.dossiers as select '000.00.11.H57-240101-0001' as mahoso",
    "staging.stg_probe": "create view staging.stg_probe as select * from raw_one_stop.dossiers",
    "marts.rpt_probe": "create table marts.rpt_probe as select 'all' as level, 106071 as received",
    "restricted.applicant_probe": (
        "create table restricted.applicant_probe as select repeat('a', 64) as personal_id_pseudonym"
    ),
}
READABLE = {
    "hue_pipeline": {*PROBES, "published.rpt_probe", "audit.population_lookups"},
    "hue_analyst": {"marts.rpt_probe"},
    "hue_publisher": {"published.rpt_probe"},
}


def _engine(roles, role: str) -> sa.Engine:
    return sa.create_engine(roles.url(role, ACCESS_DB))


@pytest.fixture(scope="module")
def probes(access_db):
    from orchestration.lib.warehouse.roles import refresh_published_views

    engine = _engine(access_db, "hue_pipeline")
    try:
        with engine.begin() as con:
            for ddl in PROBES.values():  # a fresh database (access_db): nothing to drop first
                con.execute(sa.text(ddl))
            views = refresh_published_views(con, [("rpt-probe", "marts.rpt_probe")])
    finally:
        engine.dispose()
    assert views == ["rpt_probe"]
    return access_db


def can_read(roles, role: str, relation: str) -> bool:
    engine = _engine(roles, role)
    try:
        with engine.connect() as con:
            con.execute(sa.text(f"select * from {relation} limit 1")).fetchall()
            return True
    except ProgrammingError as error:
        assert "permission denied" in str(error.orig)
        return False
    finally:
        engine.dispose()


@pytest.mark.parametrize("role", sorted(READABLE))
def test_each_role_reads_exactly_its_layers(probes, role):
    relations = [*PROBES, "published.rpt_probe", "audit.population_lookups"]
    readable = {relation for relation in relations if can_read(probes, role, relation)}
    assert readable == READABLE[role], {r: r in readable for r in relations}


def test_grants_reach_tables_the_pipeline_creates_later(probes):
    # dbt rebuilds a mart as a new table: default privileges must give analysts the new one at once.
    engine = _engine(probes, "hue_pipeline")
    try:
        with engine.begin() as con:
            con.execute(sa.text("drop table if exists marts.rpt_rebuilt"))
            con.execute(sa.text("create table marts.rpt_rebuilt as select 1 as n"))
            con.execute(sa.text("drop table if exists restricted.rebuilt"))
            con.execute(sa.text("create table restricted.rebuilt as select 1 as n"))
    finally:
        engine.dispose()
    assert can_read(probes, "hue_analyst", "marts.rpt_rebuilt")
    assert not can_read(probes, "hue_publisher", "marts.rpt_rebuilt")
    assert not can_read(probes, "hue_analyst", "restricted.rebuilt")


def test_only_the_pipeline_writes(probes):
    for role in ("hue_analyst", "hue_publisher"):
        engine = _engine(probes, role)
        try:
            with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as con:
                con.execute(sa.text("create table marts.intruder (n int)"))
        finally:
            engine.dispose()


def test_the_migration_takes_back_grants_made_by_hand(probes):
    from orchestration.lib.warehouse.roles import apply_roles

    admin = _engine(probes, "admin")
    try:
        with admin.begin() as con:
            con.execute(sa.text("grant usage on schema restricted to hue_analyst"))
            con.execute(sa.text("grant select on restricted.applicant_probe to hue_analyst"))
    finally:
        admin.dispose()
    assert can_read(probes, "hue_analyst", "restricted.applicant_probe")
    apply_roles(probes.url("admin", ACCESS_DB))
    assert not can_read(probes, "hue_analyst", "restricted.applicant_probe")
