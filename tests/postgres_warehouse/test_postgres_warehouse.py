"""The warehouse on PostgreSQL: the same night as on DuckDB gives the same KPI marts, row for row.

One ingest into the lake; then the warehouse run (one-stop models, KPI marts, a few generated digitisation
models, gate and publication) once on DuckDB and once with HUE_WAREHOUSE_TARGET=postgres, where the lake
reaches PostgreSQL through the loader and dbt runs as ``hue_pipeline``.
"""

from __future__ import annotations

from decimal import Decimal

import dagster as dg
import duckdb
import pytest
import sqlalchemy as sa

from orchestration.lib.environment import temporary_environment as environment
from portal.store import PortalStore
from tests.postgres_warehouse.conftest import KPI_MODELS, PUBLISHED, small_ingest_keys

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]


def warehouse_selection(defs: dg.Definitions, ingested: list[dg.AssetKey]) -> list[dg.AssetKey]:
    from dagster_dbt import get_asset_key_for_model

    from orchestration.defs.warehouse.assets import warehouse_dbt_assets
    from orchestration.nightly import ingest_selection

    graph = defs.resolve_asset_graph()
    kpis = [get_asset_key_for_model([warehouse_dbt_assets], m) for m in KPI_MODELS]
    staging = [
        get_asset_key_for_model([warehouse_dbt_assets], f"stg_digitization__{key.path[1]}")
        for key in ingested
        if key.path[0] == "digitization" and not key.path[1].startswith("catalogue_")
    ]
    publish = [dg.AssetKey(["portal", slug]) for slug in PUBLISHED]
    # Everything dbt builds from the same sources (not only the KPI path): dbt's build also runs the tests
    # of other models that touch a selected one (relationships), and those models must exist.
    # Downstream of the synced sources only: downstream of the admin-unit seeds would be every generated
    # model, and the tables this night did not sync have no lake files.
    dbt_models = dg.AssetSelection.assets(warehouse_dbt_assets)
    upstream = dg.AssetSelection.assets(*kpis, *staging).upstream()
    synced = upstream & ingest_selection()
    # ... and everything those models read (seeds, the other one-stop staging models)
    models = (upstream | (synced.downstream() & dbt_models)).upstream()
    selection = models | dg.AssetSelection.assets(*publish)
    return sorted(selection.resolve(graph) - ingest_selection().resolve(graph), key=str)


@pytest.fixture(scope="module")
def nights(platform, warehouse_roles):
    from orchestration.definitions import build_definitions

    defs = build_definitions()
    ingested = small_ingest_keys()
    ingest = platform.run_job("nightly_ingest", defs, ingested)
    assert ingest.success
    selection = warehouse_selection(defs, ingested)
    on_duckdb = platform.run_job("nightly_warehouse", defs, selection)
    env = {**warehouse_roles.pipeline_env(), "HUE_PORTAL_DIR": str(platform.root / "portal_pg")}
    with environment(env):
        on_postgres = platform.run_job("nightly_warehouse", build_definitions(), selection)
    for result in (on_duckdb, on_postgres):
        failures = [e.message for e in result.all_events if e.is_failure]
        assert result.success, failures
    return on_duckdb, on_postgres


def _normalise(value):
    # PostgreSQL sums bigints into numeric and DuckDB into hugeint/decimal: compare numbers as numbers.
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal(value).normalize()
    return value


def _rows(rows) -> set[tuple]:
    return {tuple(_normalise(v) for v in row) for row in rows}


@pytest.mark.parametrize("model", KPI_MODELS)
def test_kpi_marts_are_identical_on_postgres_and_duckdb(platform, warehouse_roles, nights, model):
    con = duckdb.connect(str(platform.root / "warehouse.duckdb"), read_only=True)
    try:
        relation = con.sql(f"select * from marts.{model}")
        duck_columns, duck_rows = relation.columns, relation.fetchall()
    finally:
        con.close()
    engine = sa.create_engine(warehouse_roles.url("hue_analyst"))  # analysts read marts: that is enough
    try:
        with engine.connect() as pg:
            result = pg.execute(sa.text(f"select * from marts.{model}"))
            pg_columns, pg_rows = list(result.keys()), result.fetchall()
    finally:
        engine.dispose()
    assert duck_rows, f"{model} is empty: nothing was compared"
    assert pg_columns == duck_columns
    assert len(pg_rows) == len(duck_rows)
    assert _rows(pg_rows) == _rows(duck_rows)


def test_the_gate_ran_on_postgres_and_published_the_same_rows(platform, nights):
    _, on_postgres = nights
    evaluations = {
        (e.asset_key.path[-1], e.check_name): e.passed
        for e in on_postgres.get_asset_check_evaluations()
        # warn-severity dbt tests (the sandbox's messy registers) report, they do not gate
        if e.severity == dg.AssetCheckSeverity.ERROR
    }
    assert evaluations and all(evaluations.values()), [k for k, ok in evaluations.items() if not ok]
    assert {check for _, check in evaluations} >= {"expectations", "pii_scan", "row_count_guard"}
    from_duckdb, from_postgres = (
        PortalStore(platform.root / "portal"),
        PortalStore(platform.root / "portal_pg"),
    )
    for slug in PUBLISHED:
        duck = from_duckdb.read(slug).to_pylist()
        pg = from_postgres.read(slug).to_pylist()
        assert duck
        assert _rows(tuple(r.values()) for r in pg) == _rows(tuple(r.values()) for r in duck)


def test_the_lake_reached_postgres_through_the_loader(platform, warehouse_roles, nights):
    from sources.lake import Lake

    lake = Lake(platform.root / "lake")
    engine = sa.create_engine(warehouse_roles.url("hue_pipeline"))
    try:
        with engine.connect() as pg:
            loaded = dict(
                pg.execute(
                    sa.text("select table_name, sum(rows) from raw_one_stop._loaded_batches group by 1")
                ).fetchall()
            )
            dossiers = pg.execute(sa.text("select count(*) from raw_one_stop.dossiers")).scalar_one()
            views = {
                r[0]
                for r in pg.execute(
                    sa.text(
                        "select table_name from information_schema.views where table_schema = 'published'"
                    )
                )
            }
    finally:
        engine.dispose()
    committed = sum(b.rows for b in lake.batches("one_stop", "dossiers") if b.status == "committed")
    assert dossiers == committed == loaded["dossiers"] > 0
    assert views >= {slug.replace("-", "_") for slug in PUBLISHED}


def test_the_pseudonymisation_key_never_reaches_the_warehouse(warehouse_roles, nights):
    import os

    key = os.environ["HUE_PSEUDONYM_KEY"]
    engine = sa.create_engine(warehouse_roles.url("admin"))
    try:
        with engine.connect() as pg:
            columns = pg.execute(
                sa.text(
                    "select table_schema, table_name, column_name from information_schema.columns c "
                    "join information_schema.tables t using (table_schema, table_name) "
                    "where t.table_type = 'BASE TABLE' and c.data_type in ('text', 'character varying', 'jsonb') "
                    "and table_schema not in ('pg_catalog', 'information_schema')"
                )
            ).fetchall()
            hits = []
            for schema, table, column in columns:
                found = pg.execute(
                    sa.text(
                        f'select count(*) from "{schema}"."{table}" where strpos(cast("{column}" as text), :k) > 0'
                    ),
                    {"k": key},
                ).scalar_one()
                if found:
                    hits.append(f"{schema}.{table}.{column}")
            # nor in any SQL the warehouse stores: view definitions, function bodies, role/database settings
            stored_sql = pg.execute(
                sa.text(
                    "select count(*) from ("
                    " select definition as text from pg_views"
                    " union all select prosrc from pg_proc"
                    " union all select array_to_string(setconfig, ',') from pg_db_role_setting"
                    ") as s where strpos(s.text, :k) > 0"
                ),
                {"k": key},
            ).scalar_one()
    finally:
        engine.dispose()
    assert len(columns) > 50  # the scan really covered the warehouse
    assert hits == [] and stored_sql == 0
