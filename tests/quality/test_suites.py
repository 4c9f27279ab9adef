"""Suite files load into GE 1.x, and anything GE would silently drop fails loudly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expectations.suites import SuiteError, build_suite, hue_checks, load_suite, read_suite_file

from .kpi_data import KPI_SUITE


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_kpi_suite_loads_every_expectation_and_check() -> None:
    document = read_suite_file(KPI_SUITE)
    suite = load_suite(KPI_SUITE)
    assert suite.name == "rpt_dossier_kpis_monthly"
    assert len(suite.expectations) == len(document["expectations"]) == 36
    assert [c["type"] for c in hue_checks(document)] == [
        "column_types",
        "sum_equals",
        "sum_equals",
        "sum_at_most",
        "sum_at_most",
        "periods_complete",
    ]
    assert suite.meta["hue_checks"] == document["meta"]["hue_checks"]


def test_unknown_expectation_type_names_type_file_and_position(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "name": "s",
            "expectations": [
                {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
                {"type": "expect_column_values_to_be_positive_integers", "kwargs": {"column": "a"}},
            ],
        },
    )
    with pytest.raises(SuiteError) as error:
        load_suite(path)
    message = str(error.value)
    assert "expect_column_values_to_be_positive_integers" in message
    assert str(path) in message and "expectations[1]" in message


def test_invalid_kwargs_fail_with_the_expectation_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "name": "s",
            "expectations": [{"type": "expect_column_values_to_be_between", "kwargs": {"colum": "a"}}],
        },
    )
    with pytest.raises(SuiteError, match=r"expectations\[0\] \(expect_column_values_to_be_between\)"):
        load_suite(path)


def test_unknown_hue_check_type_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, {"name": "s", "meta": {"hue_checks": [{"type": "sum_equal", "kwargs": {}}]}})
    with pytest.raises(SuiteError, match="sum_equal"):
        read_suite_file(path)


@pytest.mark.parametrize(
    "content", ["{not json", "[]", '{"expectations": []}', '{"name": "s", "expectations": {}}']
)
def test_malformed_files_fail_clearly(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SuiteError, match=str(path)):
        load_suite(path)


def test_build_suite_count_check_catches_silent_drops(monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulate GE dropping an expectation after our per-item checks passed (e.g. a future GE behaviour).
    import great_expectations as gx

    real = gx.ExpectationSuite

    def dropping(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("name") != "_probe":
            kwargs["expectations"] = kwargs.get("expectations", [])[:1]
        return real(*args, **kwargs)

    monkeypatch.setattr(gx, "ExpectationSuite", dropping)
    document = {
        "name": "s",
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}},
        ],
    }
    with pytest.raises(SuiteError, match="loaded 1 of 2"):
        build_suite(document)
