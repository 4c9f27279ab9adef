"""Every semantic-type macro on real Vietnamese inputs, through dbt, on DuckDB and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.dbt_semantic.conftest import CASES, Warehouse, expected_value
from tests.dbt_semantic.harness import ALL_TYPES


def _case_id(i: int) -> str:
    semantic_type, raw, raw2 = CASES[i][0], CASES[i][1], CASES[i][2]
    return f"{i:03d}-{semantic_type}-{raw!r}" + (f"-{raw2!r}" if raw2 is not None else "")


@pytest.mark.parametrize("case_no", range(len(CASES)), ids=_case_id)
def test_case(warehouse: Warehouse, case_no: int) -> None:
    _, raw, raw2, value, issue = CASES[case_no]
    got_value, got_issue = warehouse.results[case_no]
    assert (got_value, got_issue) == (expected_value(value), issue), (
        f"{warehouse.adapter}: raw={raw!r} raw2={raw2!r}"
    )


def test_every_type_has_good_and_bad_cases() -> None:
    for semantic_type in ALL_TYPES:
        mine = [c for c in CASES if c[0] == semantic_type]
        assert any(c[3] is not None for c in mine), f"{semantic_type}: no case with a value"
        assert any(c[4] is not None for c in mine), f"{semantic_type}: no case with an issue"


@pytest.mark.postgres
def test_adapters_agree(duckdb_warehouse: Warehouse, postgres_warehouse: Warehouse) -> None:
    """Same value and issue for every case on both adapters, pseudonyms included."""
    differ = {
        i: (duckdb_warehouse.results[i], postgres_warehouse.results[i])
        for i in duckdb_warehouse.results
        if duckdb_warehouse.results[i] != postgres_warehouse.results[i]
    }
    assert not differ


def test_raw_personal_id_never_in_results(warehouse: Warehouse) -> None:
    for i, case in enumerate(CASES):
        if case[0] == "personal_id" and case[1]:
            digits = "".join(ch for ch in case[1] if ch.isdigit())
            value, issue = warehouse.results[i]
            assert digits not in (value or "") and digits not in (issue or "")
