"""The GE-internals patch: it applies on the pinned GE, gives correct counts, and is still needed.

If GE is upgraded, ``apply()`` refuses to run (version pin) and these tests say what to re-check.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations as gx
import pytest

from expectations import _gx_duckdb
from expectations.runner import _ephemeral_context, validate_table


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "p.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table t as select case when i % 7 = 0 then 'x' || i else lpad(i::varchar, 5, '0') end as code, "
            "case when i % 11 = 0 then null else i end as n from range(1000) r(i)"
        )
    return path


def test_pinned_version_and_idempotent_apply() -> None:
    assert gx.__version__ == _gx_duckdb.PINNED_GE_VERSION
    _gx_duckdb.apply()
    _gx_duckdb.apply()
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_mod

    assert [str(getattr(d, "value", d)) for d in engine_mod._PERSISTED_CONNECTION_DIALECTS].count(
        "duckdb"
    ) == 1


def test_patched_sql_path_counts_match_duckdb(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with duckdb.connect(str(db), read_only=True) as con:
        bad_regex = con.execute(
            "select count(*) from t where not regexp_matches(code, '^[0-9]{5}$')"
        ).fetchone()[0]
        matching_x = con.execute("select count(*) from t where regexp_matches(code, 'x')").fetchone()[0]
        nulls = con.execute("select count(*) from t where n is null").fetchone()[0]
    suite = {
        "name": "patch",
        "expectations": [
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": "code", "regex": "^[0-9]{5}$"},
            },
            {"type": "expect_column_values_to_not_match_regex", "kwargs": {"column": "code", "regex": "x"}},
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "n"}},
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "n", "min_value": 0, "max_value": 499},
            },
        ],
    }
    summary = validate_table(suite, duckdb_path=db, table="t")
    counts = [o.unexpected_count for o in summary.outcomes]
    assert counts[:3] == [bad_regex, matching_x, nulls] and bad_regex == matching_x == 143
    assert counts[3] == 500 - len([i for i in range(500, 1000) if i % 11 == 0])
    assert all(o.exception is None for o in summary.outcomes)


def test_unpatched_ge_still_fails_on_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When this starts failing GE fixed DuckDB upstream: the patch (and this test) can go."""
    import great_expectations.expectations as gxe
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_mod

    _gx_duckdb.apply()
    unpatched = tuple(
        d for d in engine_mod._PERSISTED_CONNECTION_DIALECTS if str(getattr(d, "value", d)) != "duckdb"
    )
    monkeypatch.setattr(engine_mod, "_PERSISTED_CONNECTION_DIALECTS", unpatched)
    db = _db(tmp_path)
    context = _ephemeral_context()
    datasource = context.data_sources.add_sql(name="w", connection_string=f"duckdb:///{db}")
    batch = (
        datasource.add_table_asset(name="t", table_name="t").add_batch_definition_whole_table("a").get_batch()
    )
    suite = gx.ExpectationSuite(name="s", expectations=[gxe.ExpectColumnValuesToNotBeNull(column="code")])
    result = batch.validate(suite)
    # 'code' has no nulls: only the closed-connection bug can fail this expectation.
    assert result.success is False
    assert "IndexError" in str(result.results[0].exception_info)
