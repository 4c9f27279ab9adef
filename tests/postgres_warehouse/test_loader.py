"""The lake loader on a real PostgreSQL server: exactly once, bounded chunks, additive drift, types kept."""

from __future__ import annotations

import pyarrow as pa
import pytest
import sqlalchemy as sa

from sources.common.batch import SourceBatch
from sources.common.errors import SchemaDriftError
from sources.lake import Lake, TableContract
from sources.lake.loader_postgres import PostgresLakeLoader

pytestmark = pytest.mark.postgres

LOADER_DB = "hue_loader"
CONTRACT = {"dossiers": TableContract(key=("MaHoSo",), version="NgayCapNhat")}


@pytest.fixture(scope="module")
def engine(warehouse_roles):
    import psycopg2

    from orchestration.lib.warehouse.roles import apply_roles

    server = warehouse_roles.server
    con = psycopg2.connect(
        host=server.host, port=server.port, user=server.user, password=server.password, dbname="postgres"
    )
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f"drop database if exists {LOADER_DB}")
        cur.execute(f"create database {LOADER_DB} encoding 'UTF8' template template0")
    con.close()
    apply_roles(warehouse_roles.url("admin", LOADER_DB))
    engine = sa.create_engine(warehouse_roles.url("hue_pipeline", LOADER_DB))
    yield engine
    engine.dispose()


def commit(lake: Lake, table: str, data: pa.Table, cursor: str) -> None:
    with lake.stream("one_stop", table, CONTRACT) as tx:
        tx.write(SourceBatch(table, data, cursor=cursor))
        tx.commit()


def dossiers(codes: list[str], version: str, **extra) -> pa.Table:
    n = len(codes)
    columns = {
        "MaHoSo": pa.array(codes, pa.string()),
        "KenhThucHien": pa.array([2] * n, pa.int32()),
        "TenTTHC": pa.array(["Cấp giấy phép xây dựng", "", None, "Đăng ký khai sinh", "x"][:n], pa.string()),
        "NgayCapNhat": pa.array([version] * n, pa.string()),
    }
    return pa.table({**columns, **extra})


def query(engine: sa.Engine, sql: str) -> list[tuple]:
    with engine.connect() as con:
        return [tuple(r) for r in con.execute(sa.text(sql))]


def test_batches_load_once_with_types_text_and_drift(engine, tmp_path):
    lake = Lake(tmp_path / "lake")
    commit(lake, "dossiers", dossiers(["HS1", "HS2", "HS3"], "20240101000000"), "20240101000000")
    loader = PostgresLakeLoader(engine, lake, chunk_rows=2)  # 3 rows: two COPY chunks
    first = loader.load()
    assert [(b.table, b.rows) for b in first] == [("dossiers", 3)]
    assert loader.load() == []  # rerun: nothing twice

    # additive drift: a new column, and an integer widened to int64
    widened = dossiers(["HS1", "HS4"], "20240102000000")
    widened = widened.set_column(1, "KenhThucHien", pa.array([1, 3], pa.int64()))
    widened = widened.append_column("Email", pa.array(["a@hue.gov.vn", None], pa.string()))
    commit(lake, "dossiers", widened, "20240102000000")
    second = loader.load()
    assert [(b.rows, b.added_columns) for b in second] == [(2, ("email",))]

    types = dict(
        query(
            engine,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_one_stop' and table_name = 'dossiers'",
        )
    )
    assert types["mahoso"] == "text" and types["kenhthuchien"] == "bigint"
    assert types["_extracted_at"] == "timestamp with time zone" and types["email"] == "text"
    rows = query(
        engine, "select mahoso, tentthc, email from raw_one_stop.dossiers order by mahoso, ngaycapnhat"
    )
    # Vietnamese text intact, empty string and NULL kept apart, old rows NULL in the new column
    assert rows[:3] == [
        ("HS1", "Cấp giấy phép xây dựng", None),
        ("HS1", "Cấp giấy phép xây dựng", "a@hue.gov.vn"),
        ("HS2", "", None),
    ]
    assert rows[3] == ("HS3", None, None)
    loaded = query(engine, "select table_name, sum(rows) from raw_one_stop._loaded_batches group by 1")
    assert loaded == [("dossiers", 5)]


def test_a_crash_mid_batch_leaves_nothing_and_the_rerun_loads_it_exactly_once(engine, tmp_path, monkeypatch):
    lake = Lake(tmp_path / "lake")
    codes = [f"HS{i}" for i in range(5)]
    data = dossiers(codes, "20240101000000").drop_columns(["TenTTHC"])
    with lake.stream("one_stop", "crash_probe", {"crash_probe": CONTRACT["dossiers"]}) as tx:
        tx.write(SourceBatch("crash_probe", data, cursor="1"))
        tx.commit()
    loader = PostgresLakeLoader(engine, lake, chunk_rows=2)
    original = PostgresLakeLoader._copy

    def copy_then_die(self, con, target, parquet):
        original(self, con, target, parquet)  # every row sent to the server ...
        raise RuntimeError("killed before commit")  # ... and the process dies before COMMIT

    monkeypatch.setattr(PostgresLakeLoader, "_copy", copy_then_die)
    with pytest.raises(RuntimeError, match="killed"):
        loader.load(tables=[("one_stop", "crash_probe")])
    monkeypatch.undo()
    assert query(
        engine, "select count(*) from raw_one_stop._loaded_batches where table_name = 'crash_probe'"
    ) == [(0,)]
    loader.load(tables=[("one_stop", "crash_probe")])
    loader.load(tables=[("one_stop", "crash_probe")])
    assert query(engine, "select count(*), count(distinct mahoso) from raw_one_stop.crash_probe") == [(5, 5)]


def test_nested_values_travel_as_json_and_held_batches_stay_out(engine, tmp_path):
    lake = Lake(tmp_path / "lake")
    columns = pa.table(
        {
            "table_slug": ["diem_du_lich", "diem_du_lich"],
            "accepted_values": pa.array([["có", "không"], None], pa.list_(pa.string())),
        }
    )
    with lake.stream("digitization", "catalogue_columns") as tx:
        tx.write(SourceBatch("catalogue_columns", columns))
        tx.commit()
    # breaking drift (a removed column) is held in quarantine by the lake: it must never be loaded
    with pytest.raises(SchemaDriftError), lake.stream("digitization", "catalogue_columns") as tx:
        tx.write(SourceBatch("catalogue_columns", columns.drop_columns(["accepted_values"])))
        tx.commit()
    assert [b.status for b in lake.batches("digitization", "catalogue_columns")] == [
        "committed",
        "quarantined",
    ]
    loaded = PostgresLakeLoader(engine, lake).load(systems=["digitization"])
    assert [b.rows for b in loaded] == [2]
    values = query(engine, "select accepted_values ->> 1 from raw_digitization.catalogue_columns order by 1")
    assert values == [("không",), (None,)]
