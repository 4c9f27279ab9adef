"""Session fixtures: one dbt build per adapter (DuckDB file, throwaway PostgreSQL), shared by all tests here."""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sources.population.pseudonym import (
    postgres_session_options,
    pseudonymise_personal_id,
    register_duckdb_function,
)
from tests.dbt_semantic.cases import ALL, Pseudonym
from tests.dbt_semantic.harness import DBT_DIR, PSEUDONYM_KEY, make_project, run_dbt
from tests.support.postgres import PostgresServer, postgres_server  # noqa: F401  (pytest fixture)

SEED_DIR = DBT_DIR / "seeds" / "admin_units"


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEED_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def seed_name_cases() -> list[tuple[str, str, str, object, str | None]]:
    """Every commune name of every vintage, looked up at its first valid day: its own code, or ambiguous."""
    units = [u for u in read_seed("admin_units.csv") if u["unit_tier"] == "commune"]
    out = []
    for unit in units:
        same = [
            u
            for u in units
            if u["valid_from"] == unit["valid_from"]
            and u["match_key"] == unit["match_key"]
            and u["level"] == unit["level"]
        ]
        if len(same) == 1:
            out.append(("admin_unit", unit["name"], unit["valid_from"], unit["code"], None))
        else:
            out.append(("admin_unit", unit["name"], unit["valid_from"], None, "ambiguous_admin_unit"))
    return out


def expected_value(value: object) -> str | None:
    if isinstance(value, Pseudonym):
        # The population connector's construction: both sides of a join must agree on every pseudonym.
        return pseudonymise_personal_id(value.digits, PSEUDONYM_KEY)
    return value  # type: ignore[return-value]


CASES = ALL + seed_name_cases()


@dataclass
class Warehouse:
    """A warehouse built by dbt from the temporary project: results by case id and a query function."""

    adapter: str
    results: dict[int, tuple[str | None, str | None]]
    query: Callable[[str, dict[str, Any] | None], list[tuple]]
    build_seconds: float
    schema: str
    extras: dict[str, Any] = field(default_factory=dict)


def _numbered() -> list[tuple[int, str, str | None, str | None]]:
    return [(i, c[0], c[1], c[2]) for i, c in enumerate(CASES)]


@pytest.fixture(scope="session")
def duckdb_warehouse() -> Iterator[Warehouse]:
    import duckdb

    work = Path(tempfile.mkdtemp(prefix="hue-dbt-semantic-duckdb-"))
    try:
        project = make_project(work, _numbered())
        db = work / "warehouse.duckdb"
        with duckdb.connect(str(db)) as con:
            con.execute("create table main.probe_input (id integer, raw varchar, raw2 varchar)")
        started = time.perf_counter()
        run = run_dbt(
            project,
            work,
            {
                "HUE_WAREHOUSE_TARGET": "duckdb",
                "HUE_WAREHOUSE_PATH": str(db),
                "HUE_PSEUDONYM_KEY": PSEUDONYM_KEY,
            },
        )
        seconds = time.perf_counter() - started
        assert run.ok, "dbt build on DuckDB failed:\n" + "\n".join(run.failures)
        con = duckdb.connect(str(db))
        register_duckdb_function(con, PSEUDONYM_KEY)  # the personal_id probe view calls hue_pseudonym()

        def query(sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
            return con.execute(sql, params or {}).fetchall() if params else con.execute(sql).fetchall()

        rows = query("select case_id, std_value, issue from main.semantic_case_results")
        yield Warehouse("duckdb", {r[0]: (r[1], r[2]) for r in rows}, query, seconds, "main", {"con": con})
        con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_warehouse(postgres_server: PostgresServer) -> Iterator[Warehouse]:  # noqa: F811
    import sqlalchemy as sa

    work = Path(tempfile.mkdtemp(prefix="hue-dbt-semantic-pg-"))
    # The personal_id probe view reads the key from the session, as dbt's sessions do.
    options = postgres_session_options(PSEUDONYM_KEY)
    engine = sa.create_engine(postgres_server.sqlalchemy_url, connect_args={"options": options})
    try:
        project = make_project(work, _numbered())
        with engine.begin() as con:
            con.execute(sa.text("create table public.probe_input (id integer, raw varchar, raw2 varchar)"))
        started = time.perf_counter()
        run = run_dbt(project, work, {**postgres_server.dbt_env(), "PGOPTIONS": options})
        seconds = time.perf_counter() - started
        assert run.ok, "dbt build on PostgreSQL failed:\n" + "\n".join(run.failures)

        def query(sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
            with engine.begin() as con:
                return [tuple(r) for r in con.execute(sa.text(sql), params or {})]

        rows = query("select case_id, std_value, issue from public.semantic_case_results")
        yield Warehouse(
            "postgres", {r[0]: (r[1], r[2]) for r in rows}, query, seconds, "public", {"engine": engine}
        )
    finally:
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session", params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest) -> Warehouse:
    return request.getfixturevalue(f"{request.param}_warehouse")
