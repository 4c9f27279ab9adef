"""The streamed XLSX holds what openpyxl wrote cell by cell: text stays text, dates stay dates."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import to_excel

from portal import formats
from portal.conform import conform
from portal.spec import ColumnSpec
from portal.xlsx import clean_text
from tests.portal.conftest import dossier_spec, tourism_spec

TEXTS = [
    "00012",  # a code: the leading zeros are the value
    "Thừa Thiên Huế — Phường Thuận Hóa, xã Hương Hòa",
    '=HYPERLINK("http://x")',
    "a & b < c > d \"e\" 'f' ]]>",
    "  khoảng trắng đầu và cuối  ",
    "dòng 1\ndòng 2\r\ndòng 3\rhết",
    "điều khiển\x01\x0b\x1f bỏ",
    "chữ Hán 順化 và 🏯",
    "",
    None,
]
DATES = [
    dt.date(2024, 6, 15),
    dt.date(1900, 1, 1),
    dt.date(1900, 2, 28),
    dt.date(1900, 3, 1),
    dt.date(1970, 1, 1),
    dt.date(2000, 2, 29),
    dt.date(9999, 12, 31),
    dt.date(1955, 5, 5),
    None,
    dt.date(2026, 11, 23),
]
TIMES = [
    dt.datetime(2024, 9, 15, 8, 0),
    dt.datetime(2024, 9, 15, 23, 59, 59, 999_000),
    dt.datetime(1900, 1, 1, 12, 0),
    dt.datetime(1970, 1, 1, 0, 0, 0, 500_000),
    dt.datetime(1969, 12, 31, 23, 30),
    dt.datetime(2024, 2, 29, 6, 30, 15),
    None,
    dt.datetime(1955, 5, 5, 5, 5, 5),
    dt.datetime(2024, 1, 1),
    dt.datetime(2026, 11, 23, 1, 0),
]


def mixed_spec():
    return tourism_spec(
        slug="bang-kiem-tra-xlsx",
        description_vi="Mô tả có ký tự đặc biệt: & < >",
        columns=(
            ColumnSpec("ma", "string", "Mã <đơn vị> & tên", pii_reviewed=True),
            ColumnSpec("so", "integer", "Số lượng"),
            ColumnSpec("ty_le", "number", "Tỷ lệ (%)"),
            ColumnSpec("ngay", "date", "Ngày"),
            ColumnSpec("luc", "datetime", "Thời điểm"),
            ColumnSpec("dat", "boolean", "Đạt"),
        ),
    )


def mixed_table() -> pa.Table:
    return pa.table(
        {
            "ma": TEXTS,
            "so": [0, -5, 2**53, None, 7, 1, 2, 3, 4, 5],
            "ty_le": [64.89, -1e-7, 1e20, 123456789.125, None, 1 / 3, 2.0, 6.02214076e23, 0.1, 5e-324],
            "ngay": DATES,
            "luc": pa.array(TIMES, pa.timestamp("us")),
            "dat": [True, False, None, True, False, True, False, True, False, True],
        }
    )


def openpyxl_reference(spec, table: pa.Table, path: Path) -> None:
    """The data sheet as openpyxl writes it value by value (what the portal published before)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.title_vi for c in spec.columns])
    for row in table.to_pylist():
        values = []
        for value in row.values():
            if isinstance(value, str):
                value = clean_text(value) or None
            elif isinstance(value, dt.datetime):
                value = value.replace(tzinfo=None)
            values.append(value)
        sheet.append(values)
    workbook.save(path)


def cells(path: Path, sheet: str) -> list[list[tuple]]:
    rows = []
    for row in load_workbook(path)[sheet].iter_rows():
        values = [(c.value, c.is_date) for c in row]
        while values and values[-1][0] is None:
            values.pop()
        rows.append(values)
    return rows


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, pa.Table]:
    table = conform(mixed_spec(), mixed_table())
    path = tmp_path / "data.xlsx"
    assert formats.write_xlsx(mixed_spec(), "2026-11-23T01-00-00Z", table, path)
    return path, table


def test_cells_equal_what_openpyxl_writes(written, tmp_path: Path):
    path, table = written
    # The formula-looking text is the one value openpyxl would turn into a formula: compared on its own.
    reference_table = table.filter(
        pa.array([v != '=HYPERLINK("http://x")' for v in table.column("ma").to_pylist()])
    )
    reference = tmp_path / "reference.xlsx"
    openpyxl_reference(mixed_spec(), reference_table, reference)
    ours = [row for row in cells(path, "Dữ liệu") if row[:1] != [('=HYPERLINK("http://x")', False)]]
    assert ours == cells(reference, "Sheet")


def test_text_stays_text_and_vietnamese_stays_intact(written):
    path, table = written
    sheet = load_workbook(path)["Dữ liệu"]
    by_text = {sheet.cell(r, 1).value: sheet.cell(r, 1) for r in range(2, table.num_rows + 2)}
    assert by_text["00012"].data_type == "s"
    assert "Thừa Thiên Huế — Phường Thuận Hóa, xã Hương Hòa" in by_text
    formula_like = by_text['=HYPERLINK("http://x")']
    assert formula_like.data_type == "s"  # data, never a formula
    assert "dòng 1\ndòng 2\r\ndòng 3\rhết" in by_text  # \r survives XML line-end normalisation
    assert "  khoảng trắng đầu và cuối  " in by_text
    assert "điều khiển bỏ" in by_text  # control characters dropped, the text kept
    assert "chữ Hán 順化 và 🏯" in by_text and "a & b < c > d \"e\" 'f' ]]>" in by_text
    header = [c for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    assert [c.value for c in header][:2] == ["Mã <đơn vị> & tên", "Số lượng"]
    assert all(c.font.b for c in header)


def test_dates_are_dates_and_times_are_hue_local_time(written):
    path, _ = written
    sheet = load_workbook(path)["Dữ liệu"]
    rows = list(sheet.iter_rows(min_row=2))
    by_code = {row[0].value: row for row in rows}
    first = by_code["00012"]
    assert first[3].is_date and first[3].value == dt.datetime(2024, 6, 15)
    assert first[3].number_format == "yyyy-mm-dd"
    assert first[4].is_date and first[4].value == dt.datetime(2024, 9, 15, 8, 0)
    assert first[4].number_format == "yyyy-mm-dd h:mm:ss"
    assert first[5].value is True and first[1].value == 0 and first[2].value == 64.89


@pytest.mark.parametrize("value", [d for d in DATES + TIMES if d is not None])
def test_serial_numbers_match_openpyxl_including_1900(tmp_path: Path, value):
    """Excel's phantom 29 February 1900 shifts early serials; the numbers must be openpyxl's exactly."""
    is_datetime = isinstance(value, dt.datetime)
    spec = tourism_spec(columns=(ColumnSpec("x", "datetime" if is_datetime else "date", "X"),))
    column = pa.array([value], pa.timestamp("us") if is_datetime else pa.date32())
    path = tmp_path / "one.xlsx"
    formats.write_xlsx(spec, "v", conform(spec, pa.table({"x": column})), path)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    written = float(etree.fromstring(xml).findtext(".//{*}row[@r='2']/{*}c/{*}v"))
    assert written == pytest.approx(to_excel(value), abs=1e-9)


def test_non_finite_numbers_are_written_as_the_csv_text_and_extremes_exactly(tmp_path: Path):
    spec = tourism_spec(columns=(ColumnSpec("x", "number", "X"),))
    table = pa.table({"x": [float("nan"), float("inf"), -float("inf"), 1.7976931348623157e308]})
    path = tmp_path / "nan.xlsx"
    formats.write_xlsx(spec, "v", conform(spec, table), path)
    values = sorted(str(r[0]) for r in load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    # openpyxl itself wrote the largest double with too few digits: Excel read it as infinity.
    assert values == ["-inf", "1.7976931348623157e+308", "inf", "nan"]


def test_every_part_is_well_formed_and_the_file_is_deterministic(written, tmp_path: Path):
    path, table = written
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            etree.fromstring(archive.read(name))  # raises on malformed XML
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    # Excel trims edge spaces unless told not to; the flag is written where it matters.
    assert '<t xml:space="preserve">  khoảng trắng đầu và cuối  </t>' in sheet
    assert "<t>00012</t>" in sheet
    again = tmp_path / "again.xlsx"
    formats.write_xlsx(mixed_spec(), "2026-11-23T01-00-00Z", table, again)
    assert again.read_bytes() == path.read_bytes()


def test_info_sheet_describes_the_dataset_in_vietnamese(written):
    path, table = written
    rows = [r for r in load_workbook(path)["Thông tin"].iter_rows(values_only=True)]
    info = {r[0]: r[1] for r in rows if r and r[0]}
    assert info["Tên bộ dữ liệu"] == "Cơ sở lưu trú du lịch"
    assert info["Mô tả"] == "Mô tả có ký tự đặc biệt: & < >"
    assert info["Số dòng"] == table.num_rows and info["Phiên bản"] == "2026-11-23T01-00-00Z"
    assert "47/2020" in info["Điều kiện sử dụng"]
    assert ("ma", "Mã <đơn vị> & tên", "string") in [r[:3] for r in rows]


def test_many_rows_span_several_batches(tmp_path: Path, monkeypatch):
    from portal import xlsx
    from tests.portal.conftest import dossier_table

    monkeypatch.setattr(xlsx, "_BATCH_ROWS", 7)
    table = conform(dossier_spec(), dossier_table(n=30))
    path = tmp_path / "batches.xlsx"
    formats.write_xlsx(dossier_spec(), "v", table, path)
    sheet = load_workbook(path, read_only=True)["Dữ liệu"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == table.column("ma_don_vi").to_pylist()
    assert [r[3] for r in rows] == table.column("so_ho_so").to_pylist()
