"""The pseudonymisation key never appears in SQL text: not in compiled models under target/, not in dbt's
debug log, not in the warehouse's catalogue (review finding; docs/security.md).

A small dbt project with the real semantic macros and the real dbt-duckdb plugin builds a table and a view
of personal IDs with dbt's debug logging on; every file it leaves is then scanned for the key in text,
hex and base64. The pseudonyms are checked against the population connector's, so hiding the key did not
change the construction.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from sources.population.pseudonym import pseudonymise_personal_id, register_duckdb_function
from tests.security.secret_scan import needles, scan

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
KEY = "hue-secret-pseudonym-key-for-the-sql-scan-7f3a"
IDS = ["046190000123", "046 190 000 124", "001305123456"]

PROJECT_YML = """name: hue_warehouse
version: "0.1.0"
config-version: 2
profile: hue_warehouse
model-paths: ["models"]
macro-paths: ["macros"]
target-path: "target"
flags:
  send_anonymous_usage_stats: false
"""
VALUES = ", ".join(f"('{raw}')" for raw in IDS)
TABLE_MODEL = f"""{{{{ config(materialized='table') }}}}
select raw, {{{{ std_personal_id('raw') }}}} as pseudonym, {{{{ std_personal_id_issue('raw') }}}} as issue
from (values {VALUES}) as t(raw)
"""
VIEW_MODEL = """{{ config(materialized='view') }}
select {{ std_personal_id('raw') }} as pseudonym from {{ ref('people') }}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from dbt.cli.main import dbtRunner

    work = tmp_path_factory.mktemp("key-out-of-sql")
    project = work / "project"
    shutil.copytree(DBT_DIR / "macros" / "semantic", project / "macros" / "semantic")
    shutil.copytree(DBT_DIR / "plugins", project / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "dbt_project.yml").write_text(PROJECT_YML, encoding="utf-8")
    (project / "models").mkdir()
    (project / "models" / "people.sql").write_text(TABLE_MODEL, encoding="utf-8")
    (project / "models" / "people_view.sql").write_text(VIEW_MODEL, encoding="utf-8")
    env = {
        "HUE_WAREHOUSE_TARGET": "duckdb",
        "HUE_WAREHOUSE_PATH": str(work / "warehouse.duckdb"),
        "HUE_PSEUDONYM_KEY": KEY,
        "DBT_PROJECT_DIR": str(project),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = dbtRunner().invoke(
            [
                "--debug",  # every SQL statement dbt sends goes to the log: the place a key would leak to
                "build",
                "--project-dir", str(project),
                "--profiles-dir", str(DBT_DIR),
                "--target-path", str(work / "target"),
                "--log-path", str(work / "logs"),
                "--log-level-file", "debug",
                "--no-use-colors",
            ]
        )  # fmt: skip
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert result.success, result.exception
    return work


def test_the_key_is_in_no_file_dbt_left(built: Path) -> None:
    compiled = "\n".join(p.read_text("utf-8") for p in (built / "target").rglob("*.sql"))
    assert "hue_pseudonym(" in compiled  # the models did go through the keyed function
    assert (built / "logs" / "dbt.log").stat().st_size > 0
    hits, files = scan(
        [built / "target", built / "logs", built / "warehouse.duckdb"], needles({"HUE_PSEUDONYM_KEY": KEY})
    )
    assert files >= 5
    assert [str(h) for h in hits] == []


def test_pseudonyms_are_the_population_connectors(built: Path) -> None:
    con = duckdb.connect(str(built / "warehouse.duckdb"))  # dbt in this process may still hold it open
    try:
        rows = con.execute("select raw, pseudonym, issue from main.people order by raw").fetchall()
        # A reader of the view needs the function too, and gets the same values only with the same key.
        register_duckdb_function(con, KEY)
        view = sorted(r[0] for r in con.execute("select pseudonym from main.people_view").fetchall())
    finally:
        con.close()
    expected = {raw: pseudonymise_personal_id(raw, KEY) for raw in IDS}
    assert {raw: pseudonym for raw, pseudonym, _ in rows} == expected
    assert all(issue is None for *_, issue in rows)
    assert view == sorted(expected.values())


def test_without_the_key_the_function_fails_instead_of_hashing_unkeyed(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "nokey.duckdb"))
    try:
        register_duckdb_function(con, None)
        with pytest.raises(duckdb.Error, match="HUE_PSEUDONYM_KEY"):
            con.execute("select hue_pseudonym('046190000123')").fetchall()
    finally:
        con.close()


def test_postgres_options_escape_the_key_and_keep_other_options(monkeypatch) -> None:
    from sources.population.pseudonym import postgres_key_in_environment, postgres_session_options

    key = r"key with spaces\and-backslash-0123"
    assert postgres_session_options(key) == r"-c hue.pseudonym_key=key\ with\ spaces\\and-backslash-0123"
    assert postgres_session_options(key, "-c statement_timeout=0").startswith("-c statement_timeout=0 -c ")
    with pytest.raises(ValueError, match="at least 16"):
        postgres_session_options("short")

    monkeypatch.setenv("PGOPTIONS", "-c search_path=public")
    with postgres_key_in_environment(key):
        assert os.environ["PGOPTIONS"] == "-c search_path=public " + postgres_session_options(key)
    assert os.environ["PGOPTIONS"] == "-c search_path=public"  # restored: the key lives only for dbt's start
    monkeypatch.delenv("PGOPTIONS")
    with postgres_key_in_environment(None):
        assert "PGOPTIONS" not in os.environ
