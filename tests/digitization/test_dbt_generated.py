"""Generated staging models run for real: sandbox → connector → lake → dbt-duckdb with the semantic macros.

A scratch dbt project holds the repository's dbt_project.yml, profiles, macros and admin-unit seeds plus the
generated models of three catalogue tables (a table, the incremental big-data set and an open table), so one
``dbt build`` stays fast while exercising what the nightly run does with all 597.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import requests

from dbt_project.generator import generate_staging as g
from sources.digitization.catalogue import Catalogue
from sources.digitization.contracts import lake_contract
from sources.lake.lake import Lake
from tests.digitization.conftest import Platform

REPO = Path(__file__).resolve().parents[2]
TABLES = ("co_so_luu_tru_tp_hue", "luot_khach", "huong_dan_vien")

pytestmark = pytest.mark.integration


def _scratch_project(root: Path, catalogue: Catalogue) -> None:
    project = REPO / "dbt_project"
    shutil.copy(project / "dbt_project.yml", root)
    shutil.copy(project / "profiles.yml", root)
    shutil.copytree(project / "macros", root / "macros")
    shutil.copytree(project / "plugins", root / "plugins")  # hue_pseudonym(): the key stays out of SQL
    shutil.copytree(project / "seeds" / "admin_units", root / "seeds" / "admin_units")
    for path, text in g.render(catalogue).items():
        if path.startswith("dbt_project/models/"):
            out = root / path.removeprefix("dbt_project/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")


def _sync(platform: Platform, lake: Lake, catalogue: Catalogue) -> None:
    """One nightly sync of the tables: export from each table's committed cursor, commit batch + cursor."""
    with platform.connector(page_size=500) as c:
        for spec in catalogue.tables:
            with lake.stream("digitization", spec.slug, {spec.slug: lake_contract(spec)}) as w:
                for batch in c.export(spec, lake.cursor("digitization", spec.slug)):
                    w.write(batch)
                w.commit()


def _dbt(project: Path, tmp_path: Path, *args: str):
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        [*args, "--project-dir", str(project), "--profiles-dir", str(project), "--target-path",
         str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
         "--quiet"]
    )  # fmt: skip
    assert result.success, result.exception or [
        (r.node.name, r.status, r.message)
        for r in (result.result or [])
        if r.status not in ("success", "pass", "warn")
    ]


def test_generated_models_build_on_lake_batches(
    fresh_platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake_root = tmp_path / "lake"
    lake = Lake(lake_root)
    with fresh_platform.connector() as c:
        catalogue = Catalogue(tables=tuple(c.catalogue.table(s) for s in TABLES))
    _sync(fresh_platform, lake, catalogue)
    project = tmp_path / "dbt"
    project.mkdir()
    _scratch_project(project, catalogue)
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("HUE_LAKE_DIR", str(lake_root))
    monkeypatch.setenv("HUE_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("HUE_WAREHOUSE_TARGET", "duckdb")
    monkeypatch.setenv("DBT_PROJECT_DIR", str(project))  # profiles.yml finds the plugin there
    monkeypatch.setenv("HUE_PSEUDONYM_KEY", "digitization-test-key-0123")
    _dbt(project, tmp_path, "build")

    # A day passes on the platform: the next sync brings new and changed rows; the incremental model
    # takes only the new batch and replaces the changed keys.
    requests.post(fresh_platform.url + "/_sandbox/digitization/advance", params={"epochs": 1}, timeout=30)
    _sync(fresh_platform, lake, catalogue)
    with fresh_platform.connector() as c:
        platform_rows = {r["ma_luot"]: r for b in c.export("luot_khach") for r in b.data.to_pylist()}
    _dbt(project, tmp_path, "run", "--select", "stg_digitization__luot_khach")

    # dbt-duckdb keeps its connection open in this process: open the file with the same (default) config
    con = duckdb.connect(str(warehouse))
    try:
        schema = con.execute(
            "select table_schema from information_schema.tables where table_name = 'stg_digitization__luot_khach'"
        ).fetchone()[0]
        kinds = dict(
            con.execute(
                "select table_name, table_type from information_schema.tables where table_schema = ?",
                [schema],
            ).fetchall()
        )
        assert kinds["stg_digitization__co_so_luu_tru_tp_hue"] == "BASE TABLE"
        assert kinds["stg_digitization__luot_khach"] == "BASE TABLE"  # incremental
        staged = dict(
            con.execute(
                f'select ma_luot, ngay_cap_nhat from "{schema}".stg_digitization__luot_khach'
            ).fetchall()
        )
        assert len(staged) == len(platform_rows) > 40  # the day's new rows arrived, no duplicates
        for key, row in platform_rows.items():  # and every key holds its latest version
            assert staged[key].strftime("%Y%m%d%H%M%S") == row["ngay_cap_nhat"], key
        # messy values standardised: numbers parsed, dates typed
        rows = con.execute(
            f'select so_khach, ngay_den, ngay_den__issue, doanh_thu from "{schema}".stg_digitization__luot_khach'
        ).fetchall()
        assert sum(r[0] is not None for r in rows) >= 35 and sum(r[1] is not None for r in rows) >= 30
        # personal ids never reach the warehouse in clear
        ids = con.execute(
            f'select so_dinh_danh from "{schema}".stg_digitization__huong_dan_vien where so_dinh_danh is not null'
        ).fetchall()
        assert ids and all(len(i[0]) == 64 and not i[0].isdigit() for i in ids)
        # every build recorded its standardisation issues: one set of counts per table, current
        counts = con.execute(
            "select table_name, column_name, reason, issue_count, table_rows"
            " from data_quality.standardisation_issue_counts"
        ).fetchall()
        assert {c[0] for c in counts} == set(TABLES)
        issues = {(c[0], c[1], c[2]): c[3] for c in counts if c[1] is not None}
        rows_now = {c[0]: c[4] for c in counts}
        assert rows_now["luot_khach"] == len(platform_rows)  # the incremental run refreshed its counts
        for (table, column, reason), n in issues.items():
            actual = con.execute(
                f'select count(*) from "{schema}".stg_digitization__{table} where "{column}__issue" = ?',
                [reason],
            ).fetchone()[0]
            assert actual == n > 0, (table, column, reason)
        assert any(t == "luot_khach" for t, _, _ in issues)  # the sandbox's messy values were counted
    finally:
        con.close()
