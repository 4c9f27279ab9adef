"""One incremental sync end to end: new and changed dossiers arrive, the lake holds each version once,
and staging keeps the latest version of each dossier."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from dbt.cli.main import dbtRunner

from sources.lake import Lake
from sources.one_stop.sql import OneStopSqlConnector
from sources.one_stop.sync import sync_one_stop
from tests.unit.one_stop_db import dossier, make_db, upsert_dossiers

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def _build_staging(tmp_path: Path, lake: Path, warehouse: Path) -> None:
    # Start from the prepared manifest's parse state: a cold parse of ~600 models costs a minute.
    target = tmp_path / "target"
    target.mkdir(exist_ok=True)
    prepared = DBT_DIR / "target" / "partial_parse.msgpack"
    if prepared.exists() and not (target / prepared.name).exists():
        shutil.copy(prepared, target / prepared.name)
    env = {"HUE_LAKE_DIR": str(lake), "HUE_WAREHOUSE_PATH": str(warehouse)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = dbtRunner().invoke(
            [
                "build",
                "--select",
                "stg_one_stop__dossiers",
                # only the model's own tests: relationship tests of marts built on it wait for those marts
                "--indirect-selection",
                "cautious",
                "--project-dir",
                str(DBT_DIR),
                "--profiles-dir",
                str(DBT_DIR),
                "--target-path",
                str(tmp_path / "target"),
                "--quiet",
            ]
        )
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert result.success, result.exception


@pytest.mark.integration
def test_incremental_sync_lands_each_version_once_and_staging_keeps_the_latest(tmp_path):
    engine = make_db(tmp_path / "one_stop.sqlite")
    connector = OneStopSqlConnector(f"sqlite:///{tmp_path / 'one_stop.sqlite'}", page_size=2)
    lake_dir, warehouse = tmp_path / "lake", tmp_path / "warehouse.duckdb"
    lake = Lake(lake_dir)

    upsert_dossiers(engine, [dossier("HS1", "20230101080000", status=2), dossier("HS2", "20230101090000")])
    sync_one_stop(lake, connector)
    _build_staging(tmp_path, lake_dir, warehouse)

    # HS1 changes (resolved), HS3 is new; the overlap window re-reads HS2, which must not land twice.
    upsert_dossiers(
        engine,
        [
            dossier("HS1", "20230105080000", status=9, NgayKetThucXuLy="20230105080000"),
            dossier("HS3", "20230105090000"),
        ],
    )
    sync_one_stop(lake, connector)
    _build_staging(tmp_path, lake_dir, warehouse)

    versions = sorted(
        (r["MaHoSo"], r["NgayCapNhat"])
        for f in lake.committed_files("one_stop", "dossiers")
        for r in pq.read_table(f, columns=["MaHoSo", "NgayCapNhat"]).to_pylist()
    )
    assert versions == [
        ("HS1", "20230101080000"),
        ("HS1", "20230105080000"),
        ("HS2", "20230101090000"),
        ("HS3", "20230105090000"),
    ]
    # dbt-duckdb keeps its in-process connection open: connect with the same (default) configuration
    con = duckdb.connect(str(warehouse))
    try:
        staged = con.sql(
            "select dossier_code, status from staging.stg_one_stop__dossiers order by 1"
        ).fetchall()
    finally:
        con.close()
    assert staged == [("HS1", 9), ("HS2", 4), ("HS3", 4)]
