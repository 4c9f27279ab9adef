"""The data package check reads every row: a bad value past Frictionless's sample still stops a version."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest

from portal import formats, validate
from portal.conform import conform
from portal.formats import DataPackageInvalid, file_sha256, validate_datapackage
from portal.spec import ColumnSpec
from portal.store import PortalStore
from tests.portal.conftest import T0, dossier_spec, dossier_table, tourism_spec

ROWS = 1_500  # past FRICTIONLESS_SAMPLE_ROWS: only the Arrow pass sees the last rows
LAST = ROWS + 1  # the last data row's number (the header is row 1)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    assert ROWS > validate.FRICTIONLESS_SAMPLE_ROWS
    table = conform(dossier_spec(), dossier_table(n=ROWS))
    formats.write_csv(table, tmp_path / "data.csv")
    formats.write_datapackage(dossier_spec(), "v", "2026-11-23T01:00:00Z", tmp_path, validate=False)
    return tmp_path / "datapackage.json"


def rewrite(package: Path, edit_lines, *, keep_hash: bool = False) -> None:
    """Edit data.csv line by line; redeclare its size and hash unless ``keep_hash`` (the hash test)."""
    csv_path = package.parent / "data.csv"
    lines = csv_path.read_text(encoding="utf-8").split("\n")
    csv_path.write_text("\n".join(edit_lines(lines)), encoding="utf-8")
    if not keep_hash:
        descriptor = json.loads(package.read_text(encoding="utf-8"))
        descriptor["resources"][0]["bytes"] = csv_path.stat().st_size
        descriptor["resources"][0]["hash"] = "sha256:" + file_sha256(csv_path)
        package.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


def last_row_with(column: int, value: str):
    def edit(lines: list[str]) -> list[str]:
        cells = lines[LAST - 1].split(",")
        cells[column] = value
        lines[LAST - 1] = ",".join(cells)
        return lines

    return edit


def test_a_published_package_passes(package: Path):
    validate_datapackage(package)


@pytest.mark.parametrize(
    ("column", "value", "field_name"),
    [
        (3, "bốn", "so_ho_so"),  # integer
        (3, "1.5", "so_ho_so"),
        (4, "64.9%", "ty_le_truc_tuyen"),  # number
        (2, "2024-02-30", "ky_bao_cao"),  # a date that does not exist
        (5, "yes", "dat_chi_tieu"),  # boolean outside trueValues/falseValues
        (6, "2024-09-15T08:00:00", "cap_nhat_luc"),  # a time without its zone offset
    ],
)
def test_a_value_breaking_its_type_on_the_last_row_is_refused(package: Path, column, value, field_name):
    rewrite(package, last_row_with(column, value))
    with pytest.raises(DataPackageInvalid, match=f"row {LAST}, field '{field_name}'"):
        validate_datapackage(package)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lines: [*lines[:-2], lines[-2] + ",thừa", lines[-1]], "Expected 7 columns, got 8"),
        (lambda lines: [*lines[:-2], ",,,,,,", lines[-1]], f"row {LAST} is blank"),
        (lambda lines: [lines[0].replace("so_ho_so", "so_hs"), *lines[1:]], "incorrect-label"),
    ],
    ids=["extra-cell", "blank-row", "header"],
)
def test_rows_and_header_must_fit_the_schema(package: Path, edit, message):
    rewrite(package, edit)
    with pytest.raises(DataPackageInvalid, match=message):
        validate_datapackage(package)


def test_bytes_that_are_not_utf8_are_refused(package: Path):
    csv_path = package.parent / "data.csv"
    csv_path.write_bytes(csv_path.read_bytes()[:-40] + b"\xff\xfe" + csv_path.read_bytes()[-38:])
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][0]["hash"] = "sha256:" + file_sha256(csv_path)
    package.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataPackageInvalid, match="UTF8"):
        validate_datapackage(package)


def test_a_file_changed_after_it_was_described_is_refused(package: Path):
    rewrite(package, lambda lines: [line.replace("Hương Hòa", "Hương Hoà") for line in lines], keep_hash=True)
    with pytest.raises(DataPackageInvalid, match="hash-count"):
        validate_datapackage(package)


def test_an_invalid_descriptor_is_refused_by_frictionless(package: Path):
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][3]["type"] = "so-nguyen"
    package.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataPackageInvalid, match="field"):
        validate_datapackage(package)


def test_non_finite_numbers_and_missing_values_are_valid(tmp_path: Path):
    spec = tourism_spec(
        columns=(ColumnSpec("x", "number", "X"), ColumnSpec("ghi_chu", "string", "Ghi chú")),
    )
    table = pa.table(
        {"x": [float("nan"), float("inf"), -float("inf"), None, 2.5], "ghi_chu": ["a", "", None, "d\ne", "f"]}
    )
    formats.write_csv(conform(spec, table), tmp_path / "data.csv")
    formats.write_datapackage(spec, "v", "2026-11-23T01:00:00Z", tmp_path, validate=True)


def test_publish_keeps_the_previous_version_when_the_written_csv_breaks_the_schema(
    store: PortalStore, monkeypatch
):
    store.publish(dossier_spec(), dossier_table(n=ROWS), now=T0)
    before = store.catalog_path.read_bytes()
    real_write_csv = formats.write_csv

    def corrupting_write_csv(table: pa.Table, path: Path, **kwargs) -> None:
        real_write_csv(table, path, **kwargs)
        text = path.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)
        path.write_text(text[0] + "\n" + text[1].replace("+07:00", "") + "\n", encoding="utf-8")

    monkeypatch.setattr(formats, "write_csv", corrupting_write_csv)
    with pytest.raises(DataPackageInvalid, match=f"row {LAST}, field 'cap_nhat_luc'"):
        store.publish(dossier_spec(), dossier_table(n=ROWS, offset=1), now=T0 + dt.timedelta(days=1))
    assert store.catalog_path.read_bytes() == before
    assert len(store.recover()) == 1  # the staging folder, never listed
