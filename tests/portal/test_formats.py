"""Each published format carries the same data, typed and readable by the tools people use."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from portal import formats
from portal.formats import DataPackageInvalid, validate_datapackage
from portal.store import PortalStore
from tests.portal.conftest import T0, tourism_spec, tourism_table

SLUG = "co-so-luu-tru-du-lich"


@pytest.fixture
def published(store: PortalStore):
    table = tourism_table().set_column(
        1,
        "ten_co_so",
        pa.array(
            ['=HYPERLINK("http://x")', "Khách sạn Sông Hương", "Nhà nghỉ Vỹ Dạ\x07", 'Khách sạn, "Thuận Hóa"']
        ),
    )
    store.publish(tourism_spec(), table, now=T0)
    return store.snapshot()


def test_csv_is_utf8_with_codes_as_written(published):
    text = published.file_path(SLUG, None, "csv").read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(text.splitlines()))
    assert [r["ma_xa"] for r in rows] == ["19753", "19774", "19777", "19753"]
    assert rows[0]["ten_co_so"] == '=HYPERLINK("http://x")'
    assert rows[3]["ten_co_so"] == 'Khách sạn, "Thuận Hóa"'
    assert rows[2]["so_sao"] == ""  # null stays empty


def test_json_uses_the_portal_envelope(published):
    body = json.loads(published.file_path(SLUG, None, "json").read_text(encoding="utf-8"))
    assert body["code"] == 200 and body["totalRows"] == 4 and len(body["data"]) == 4
    assert body["data"][0] == {
        "ma_co_so": "LT0001",
        "ten_co_so": '=HYPERLINK("http://x")',
        "so_sao": 4,
        "ma_xa": "19753",
    }


def test_parquet_is_typed(published):
    table = pq.read_table(published.file_path(SLUG, None, "parquet"))
    assert table.schema.field("ma_xa").type == pa.string()
    assert table.schema.field("so_sao").type == pa.int64()


def test_xlsx_keeps_text_as_text_and_formulas_out(published):
    workbook = load_workbook(published.file_path(SLUG, None, "xlsx"))
    sheet = workbook["Dữ liệu"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Mã cơ sở", "Tên cơ sở", "Hạng sao", "Mã xã/phường")
    assert rows[1][3] == "19753"
    cell = sheet["B2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"  # data, not a formula
    assert rows[3][1] == "Nhà nghỉ Vỹ Dạ"  # control character removed, text kept
    info = dict(r[:2] for r in workbook["Thông tin"].iter_rows(values_only=True) if r and r[0])
    assert info["Tên bộ dữ liệu"] == "Cơ sở lưu trú du lịch"
    assert "47/2020" in info["Điều kiện sử dụng"]


def test_datapackage_validates_and_types_codes_as_strings(published):
    path = published.file_path(SLUG, None, "datapackage")
    validate_datapackage(path)
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["ma_xa"]["type"] == "string" and fields["so_sao"]["type"] == "integer"
    assert descriptor["title"] == "Cơ sở lưu trú du lịch" and fields["ma_xa"]["title"] == "Mã xã/phường"
    assert "47/2020" in descriptor["licenses"][0]["title"]


def test_datapackage_validation_catches_data_that_breaks_the_schema(published, tmp_path):
    source = published.file_path(SLUG, None, "csv").parent
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("datapackage.json", "data.csv"):
        (copy / name).write_bytes((source / name).read_bytes())
    (copy / "data.csv").write_text((copy / "data.csv").read_text().replace(",4,", ",bốn,"), encoding="utf-8")
    with pytest.raises(DataPackageInvalid):
        validate_datapackage(copy / "datapackage.json")


def test_all_column_types_survive_every_format(store: PortalStore):
    from tests.portal.conftest import dossier_spec, dossier_table

    store.publish(dossier_spec(), dossier_table(n=5), now=T0)
    snapshot = store.snapshot()
    slug = "ho-so-mot-cua-theo-don-vi"
    validate_datapackage(snapshot.file_path(slug, None, "datapackage"))
    rows = list(
        csv.DictReader(snapshot.file_path(slug, None, "csv").read_text(encoding="utf-8").splitlines())
    )
    assert rows[0]["cap_nhat_luc"] == "2024-09-15T08:00:00.000000+07:00"
    assert rows[0]["ky_bao_cao"] == "2024-06-15" and rows[0]["dat_chi_tieu"] in ("true", "false")
    data = json.loads(snapshot.file_path(slug, None, "json").read_text())["data"]
    assert dt.datetime.fromisoformat(data[0]["cap_nhat_luc"]).utcoffset() == dt.timedelta(hours=7)
    sheet = load_workbook(snapshot.file_path(slug, None, "xlsx"))["Dữ liệu"]
    assert sheet["G2"].value == dt.datetime(2024, 9, 15, 8, 0)  # local time, as the info sheet says


def test_tables_over_excels_limit_get_no_xlsx_and_say_why(store: PortalStore, monkeypatch):
    monkeypatch.setattr(formats, "XLSX_MAX_ROWS", 3)
    result = store.publish(tourism_spec(), tourism_table(), now=T0)
    assert "omitted" in result.files["xlsx"]
    assert "xlsx" not in store.current(SLUG).available_formats()
