"""The incremental dossier facts equal a full build, night after night (macros/util/incremental_dossiers.sql).

A tiny one-stop database is synced into a lake and built; then the source changes (dossiers move on, a
supplement request and processing steps arrive, an agency is renamed), is synced again and built
incrementally; after each night the facts must equal those a fresh warehouse builds from the same lake,
and dbt's log must show that the night took the incremental path with exactly the changed dossiers.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
from pathlib import Path

import duckdb

from tests.procedures.conftest import run_dbt, scratch_project, sync_lake

FACTS = ("fct_dossiers", "fct_dossier_steps")
# seeds and models: the data tests belong to the rest of the project
BUILD = ("build", "--resource-type", "seed", "--resource-type", "model", "--select", "+fct_dossiers",
         "+fct_dossier_steps")  # fmt: skip


def _sync(db: Path, lake: Path) -> None:
    sync_lake(f"sqlite:///{db}", lake)


def _next_moment(con: sqlite3.Connection) -> str:
    """A moment after every version in the source: the next day at 08:00."""
    (latest,) = con.execute(
        "select max(v) from (select max(NgayCapNhat) as v from ho_so union all"
        " select max(NgayCapNhat) from co_quan union all select max(NgayCapNhat) from tien_do_xu_ly)"
    ).fetchone()
    day = dt.datetime.strptime(latest[:8], "%Y%m%d") + dt.timedelta(days=1)
    return day.strftime("%Y%m%d") + "080000"


def _changes_logged(project: Path, model: str) -> str:
    """The last thing dossier_changes logged for `model` in this project's dbt log."""
    found = re.findall(
        rf"\b{model}: ((?:\d+ dossiers|the agency)[^\n]*)",
        (project / "logs" / "dbt.log").read_text(encoding="utf-8"),
    )
    assert found, f"no incremental decision logged for {model}"
    return found[-1]


def _differences(incremental: Path, full: Path, fact: str) -> tuple[int, int, int]:
    # dbt-duckdb keeps both files open in this process, so each is read through its own connection (an
    # ATTACH of a file open elsewhere is refused) and the two are compared in memory.
    tables = {}
    for name, path in (("incremental", incremental), ("full_build", full)):
        with duckdb.connect(str(path)) as con:
            # the watermark names the build, not the data (macros/util/incremental_dossiers.sql)
            query = f"select * exclude (watermark_batch_id) from marts.{fact}"
            tables[name] = con.sql(query).to_arrow_table()
    with duckdb.connect() as con:
        for name, table in tables.items():
            con.register(name, table)
        only_here = con.execute(
            "select count(*) from (from incremental except all from full_build)"
        ).fetchone()
        only_there = con.execute(
            "select count(*) from (from full_build except all from incremental)"
        ).fetchone()
    return tables["incremental"].num_rows, only_here[0], only_there[0]


def _assert_equals_full_build(lake: Path, incremental: Path, root: Path, night: str) -> None:
    (root / f"full-{night}").mkdir()
    project = scratch_project(root / f"full-{night}")
    full = root / f"full-{night}" / "full_build.duckdb"
    run_dbt(project, {"HUE_LAKE_DIR": str(lake), "HUE_WAREHOUSE_PATH": str(full)}, *BUILD)
    for fact in FACTS:
        rows, only_incremental, only_full = _differences(incremental, full, fact)
        assert rows > 0
        assert (only_incremental, only_full) == (0, 0), f"{fact} after {night}: differs from a full build"


def test_incremental_facts_equal_a_full_build(tiny_url: str, tmp_path: Path) -> None:
    db = tmp_path / "one_stop.sqlite"
    shutil.copyfile(tiny_url.removeprefix("sqlite:///"), db)
    lake, warehouse = tmp_path / "lake", tmp_path / "warehouse.duckdb"
    (tmp_path / "nightly").mkdir()
    project = scratch_project(tmp_path / "nightly")
    env = {
        "HUE_LAKE_DIR": str(lake),
        "HUE_WAREHOUSE_PATH": str(warehouse),
        "HUE_DOSSIER_FACTS_LOOKBACK_HOURS": "0",  # the nights below come seconds apart
    }

    _sync(db, lake)
    run_dbt(project, env, *BUILD)
    assert not (project / "logs" / "dbt.log").read_text(encoding="utf-8").count("dossiers changed since")

    # Night 2: 40 dossiers move on (channel changed; 5 of them get a supplement request) and 10 others get
    # a new processing step, without a new dossier version.
    with sqlite3.connect(db) as con:
        moment = _next_moment(con)
        moved = [k for (k,) in con.execute("select MaHoSo from ho_so order by MaHoSo limit 40 offset 100")]
        stepped = [k for (k,) in con.execute("select MaHoSo from ho_so order by MaHoSo limit 10 offset 300")]
        con.executemany(
            "update ho_so set NgayCapNhat = ?, KenhThucHien = 2 where MaHoSo = ?",
            [(moment, k) for k in moved],
        )
        for k in moved[:5]:
            (n,) = con.execute(
                "select coalesce(max(STT), 0) + 1 from ho_so_bo_sung where MaHoSo = ?", (k,)
            ).fetchone()
            con.execute(
                "insert into ho_so_bo_sung (MaHoSo, STT, NgayBoSung, NoiDungBoSung) values (?, ?, ?, ?)",
                (k, n, moment, "Bổ sung giấy tờ"),
            )
        for k in stepped:
            (n,) = con.execute(
                "select coalesce(max(STT), 0) + 1 from tien_do_xu_ly where MaHoSo = ?", (k,)
            ).fetchone()
            con.execute(
                "insert into tien_do_xu_ly (MaHoSo, STT, ChucDanh, ThoiDiemXuLy, NoiDungXuLy, TrangThai,"
                " NgayCapNhat) values (?, ?, 'Chuyên viên', ?, 'Chuyển xử lý', 4, ?)",
                (k, n, moment, moment),
            )
    _sync(db, lake)
    run_dbt(project, env, *BUILD)
    assert _changes_logged(project, "fct_dossiers").startswith("40 dossiers changed since")
    assert _changes_logged(project, "fct_dossier_steps").startswith("50 dossiers changed since")
    _assert_equals_full_build(lake, warehouse, tmp_path, "night-2")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        channels = con.execute(
            "select count(*) from marts.fct_dossiers where channel = 2 and dossier_code in ?", [moved]
        ).fetchone()[0]
    assert channels == 40

    # Night 3: an agency is renamed: every dossier is rebuilt, and still equals a full build.
    with sqlite3.connect(db) as con:
        con.execute(
            "update co_quan set TenDonVi = TenDonVi || ' (đổi tên)', NgayCapNhat = ?"
            " where MaDonVi = (select min(MaDonVi) from co_quan)",
            (_next_moment(con),),
        )
    _sync(db, lake)
    run_dbt(project, env, *BUILD)
    assert _changes_logged(project, "fct_dossiers").startswith("the agency or procedure catalogue changed")
    _assert_equals_full_build(lake, warehouse, tmp_path, "night-3")

    # Night 4: nothing changed: nothing is rebuilt, nothing lost.
    _sync(db, lake)
    run_dbt(project, env, *BUILD)
    assert _changes_logged(project, "fct_dossiers").startswith("0 dossiers changed since")
    _assert_equals_full_build(lake, warehouse, tmp_path, "night-4")


def test_a_fact_built_before_it_was_incremental_asks_for_a_full_refresh(
    lake_dir: Path, tmp_path: Path
) -> None:
    project = scratch_project(tmp_path)
    warehouse = tmp_path / "warehouse.duckdb"
    env = {"HUE_LAKE_DIR": str(lake_dir), "HUE_WAREHOUSE_PATH": str(warehouse)}
    run_dbt(project, env, *BUILD)
    with duckdb.connect(str(warehouse)) as con:  # the table as the previous release left it
        con.execute("alter table marts.fct_dossiers drop column watermark_batch_id")

    refused = run_dbt(project, env, *BUILD, check=False)
    assert not refused.success
    log = (project / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "was built before it became incremental" in log and "full_refresh: true" in log

    run_dbt(project, env, *BUILD, "--full-refresh")
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("select count(watermark_batch_id) from marts.fct_dossiers").fetchone()[0] > 0
