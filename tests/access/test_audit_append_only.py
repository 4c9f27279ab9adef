"""The population audit trail is append-only, on PostgreSQL and in the lake.

PostgreSQL: the pipeline appends through the loader (INSERT and SELECT are all it holds); its UPDATE, DELETE
and TRUNCATE fail, and even the table's owner is stopped by the trigger. Lake (the DuckDB deployment): the
hash chain check on the verification asset fails on any edited record.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from sources.lake import Lake
from sources.lake.loader_postgres import PostgresLakeLoader, verify_audit_table
from sources.population.audit import AuditChainError, AuditWriter
from tests.access.conftest import ACCESS_DB

pytestmark = pytest.mark.postgres

CHANGES = (
    "update audit.population_lookups set outcome = 'khớp' where seq = 1",
    "delete from audit.population_lookups where seq = 1",
    "delete from audit.population_lookups where seq = -1",  # matches nothing: refused all the same
    "truncate audit.population_lookups",
)


def write_lookups(audit_dir: Path, count: int) -> None:
    with AuditWriter(audit_dir) as writer:
        for i in range(count):
            writer.append(
                officer="CB046000001",
                service_code="1.001001",
                purpose="Xác minh thông tin người nộp hồ sơ thủ tục hành chính (Nghị định 104/2022/NĐ-CP)",
                request_id=f"req-{i}",
                outcome="không khớp" if i % 3 else "khớp",
                dossier_code=f"000.00.11.H57-240101-{i:04d}",
            )


@pytest.fixture(scope="module")
def loaded(access_db, tmp_path_factory):
    lake_root = tmp_path_factory.mktemp("lake")
    audit_dir = lake_root / "audit" / "population"
    write_lookups(audit_dir, 3)
    engine = sa.create_engine(access_db.url("hue_pipeline", ACCESS_DB))
    loader = PostgresLakeLoader(engine, Lake(lake_root))
    assert loader.load_audit() == 3
    yield access_db, loader, audit_dir
    engine.dispose()


def _rows(roles) -> list[tuple]:
    engine = sa.create_engine(roles.url("admin", ACCESS_DB))
    try:
        with engine.connect() as con:
            return con.execute(
                sa.text("select seq, outcome, hash from audit.population_lookups order by seq")
            ).all()
    finally:
        engine.dispose()


@pytest.mark.parametrize("statement", CHANGES)
@pytest.mark.parametrize("role", ["hue_pipeline", "admin"])
def test_nobody_changes_audit_rows(loaded, role, statement):
    roles, _, _ = loaded
    before = _rows(roles)
    engine = sa.create_engine(roles.url(role, ACCESS_DB))
    try:
        with pytest.raises(DBAPIError) as raised, engine.begin() as con:
            con.execute(sa.text(statement))
    finally:
        engine.dispose()
    message = str(raised.value.orig)
    # the pipeline lacks the privilege; the owner (a superuser here) is stopped by the trigger
    assert ("permission denied" if role == "hue_pipeline" else "append-only") in message
    assert _rows(roles) == before and len(before) >= 3


def test_appending_continues_the_chain(loaded):
    roles, loader, audit_dir = loaded
    write_lookups(audit_dir, 2)
    assert loader.load_audit() == 2
    assert loader.load_audit() == 0  # idempotent: nothing twice
    assert verify_audit_table(loader.engine) == len(_rows(roles)) == 5


def test_a_tampered_trail_is_not_loaded(loaded, tmp_path):
    roles, loader, _ = loaded
    tampered = tmp_path / "audit"
    write_lookups(tampered, 2)
    path = next(tampered.glob("audit-*.jsonl"))
    path.chmod(0o644)
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["officer"] = "CB046999999"
    lines[0] = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _rows(roles)
    with pytest.raises(AuditChainError, match="altered"):
        loader.load_audit(tampered)
    assert _rows(roles) == before


def test_the_pipeline_cannot_unlock_the_table(loaded):
    roles, _, _ = loaded
    engine = sa.create_engine(roles.url("hue_pipeline", ACCESS_DB))
    try:
        for statement in (
            "alter table audit.population_lookups disable trigger population_lookups_append_only",
            "drop table audit.population_lookups",
            "create table audit.shadow (n int)",
        ):
            with pytest.raises(DBAPIError, match=r"must be owner|permission denied"), engine.begin() as con:
                con.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_lake_audit_chain_check(tmp_path):
    """DuckDB deployment: the asset check on population/applicant_verifications verifies the file chain."""
    from orchestration.defs.population.checks import audit_chain_intact
    from orchestration.resources import LakeResource

    audit_dir = tmp_path / "lake" / "audit" / "population"
    write_lookups(audit_dir, 4)
    lake = LakeResource(root=str(tmp_path / "lake"))
    result = audit_chain_intact(dg.build_asset_check_context(), lake=lake)
    assert result.passed and result.metadata["records"].value == 4

    path = next(audit_dir.glob("audit-*.jsonl"))
    os.chmod(path, 0o644)  # closed batch files are read-only: tampering starts by undoing that
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")  # delete record 2
    result = audit_chain_intact(dg.build_asset_check_context(), lake=lake)
    assert not result.passed
    assert "missing" in result.metadata["error"].value
