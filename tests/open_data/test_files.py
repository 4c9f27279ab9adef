"""Reading CSV/XLSX files and typing columns, without a server: layouts, encodings, quarantine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.open_data.datasets import Column, Dataset
from sandbox.open_data.render import FLAVOURS, render
from sources.common.vietnamese import decode_tcvn3, encode_cp1258, encode_tcvn3
from sources.open_data import FileFormatError, column_slug, read_csv, read_file, read_xlsx
from sources.open_data.header import locate_header
from sources.open_data.tabular import build_table, records_to_grid

from .conftest import expected_table, plain


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Số học sinh - Nam", "so_hoc_sinh_nam"),
        ("SoHocSinhNam", "so_hoc_sinh_nam"),
        ("Giá vé (đồng/lượt) - Ô tô", "gia_ve_dong_luot_o_to"),
        ("GiaVeDongLuotOTo", "gia_ve_dong_luot_o_to"),
        ("Diện tích (m2)", "dien_tich_m_2"),
        ("DienTichM2", "dien_tich_m_2"),
        ("Mã ĐVHC", "ma_dvhc"),
        ("  ", ""),
    ],
)
def test_column_slug(name: str, slug: str) -> None:
    assert column_slug(name) == slug


def test_title_rows_and_two_row_header_in_a_csv() -> None:
    grid = [
        ["DANH SÁCH TRƯỜNG HỌC NĂM 2024", "", "", ""],
        ["(Kèm theo Quyết định số 12/QĐ-SGDĐT)", "", "", ""],
        ["", "", "", ""],
        ["Mã trường", "Tên trường", "Số học sinh", ""],
        ["", "", "Nam", "Nữ"],
        ["04600001", "Trường Tiểu học Phú Hội", "1.234", "1.198"],
    ]
    header = locate_header(grid)
    assert header.names == ["Mã trường", "Tên trường", "Số học sinh - Nam", "Số học sinh - Nữ"]
    assert (header.data_start, header.header_rows) == (5, 2)


def test_sub_header_row_wider_than_its_group_row() -> None:
    grid = [
        ["BÁO CÁO", "", "", "", ""],
        ["Đơn vị", "Số hồ sơ", "", "", ""],
        ["", "Tiếp nhận", "Trực tuyến", "Đã giải quyết", "Đúng hạn"],
        ["Sở Y tế", "1.234", "1.000", "1.200", "1.100"],
    ]
    header = locate_header(grid)
    assert header.names[0] == "Đơn vị" and header.names[4] == "Số hồ sơ - Đúng hạn"
    assert header.data_start == 3


def test_title_directly_above_a_full_header_is_not_a_group() -> None:
    grid = [["", "DANH SÁCH CHỢ", ""], ["Tên", "Hạng", "Số hộ"], ["Chợ Đông Ba", "Hạng 1", "1.200"]]
    assert locate_header(grid).names == ["Tên", "Hạng", "Số hộ"]


def test_one_row_header_is_not_mistaken_for_two() -> None:
    grid = [["Tên", "Địa chỉ", "Loại"], ["Chợ Đông Ba", "Trần Hưng Đạo", "Hạng 1"]]
    header = locate_header(grid)
    assert (header.names, header.data_start) == (["Tên", "Địa chỉ", "Loại"], 1)


def test_no_header_is_a_clear_error() -> None:
    with pytest.raises(FileFormatError, match="no header row"):
        read_csv(b"1,2,3\n4,5,6\n")
    with pytest.raises(FileFormatError, match="empty"):
        read_csv(b"  \n")


def test_types_codes_numbers_dates_and_text() -> None:
    data = (
        "Mã phường xã,Mã tuyến,Tên,Số lượng,Tỷ lệ,Giá,Ngày,Ghi chú\n"
        '19750,01,Phú Hội,"1.234","64,89 %",1.500.000 đ,10/10/2024,abc\n'
        '19753,02,Thuận Lộc,12,"100 %","1,5 triệu",45575,\n'
    ).encode()
    parsed = read_csv(data)
    t = parsed.table
    assert parsed.quarantined == []
    assert t.schema.field("ma_phuong_xa").type == pa.string()  # a code by its name, though it has no zero
    assert t["ma_tuyen"].to_pylist() == ["01", "02"]
    assert t["so_luong"].to_pylist() == [1234, 12]
    assert t["ty_le"].to_pylist() == [64.89, 100.0]
    assert t["gia"].to_pylist() == [1500000, 1500000]
    assert t["ngay"].to_pylist() == [dt.date(2024, 10, 10)] * 2  # the Excel serial 45575 too
    assert t["ghi_chu"].to_pylist() == ["abc", None]


def test_ambiguous_numbers_are_quarantined_not_guessed() -> None:
    parsed = read_csv('Tên,Diện tích\nA,"1,234"\nB,"5,678"\n'.encode())
    assert parsed.table.num_rows == 0
    assert [q.reason.split(": ")[1] for q in parsed.quarantined] == ["dien_tich", "dien_tich"]
    assert all("ambiguous_number" in q.reason for q in parsed.quarantined)
    # one value that proves the convention settles the column
    parsed = read_csv('Tên,Diện tích\nA,"1,234"\nB,"5,5"\n'.encode())
    assert parsed.table["dien_tich"].to_pylist() == [1.234, 5.5]


def test_wrong_field_counts_and_bad_values_are_quarantined_verbatim() -> None:
    good = "".join(
        f"B{i},{i},0{i}/03/2024\n" for i in range(1, 9)
    )  # a column takes its type from most values
    data = (
        "Mã,Số lượng,Ngày\nA1,5,01/02/2024\nA2,6\nA3,7,01/02/2024,,\nA4,8,01/02/2024,x\n"
        "A5,không rõ,02/02/2024\nA6,9,31/02/2024\n" + good
    ).encode()
    parsed = read_csv(data)
    assert parsed.table["ma"].to_pylist()[:2] == ["A1", "A3"] and parsed.table.num_rows == 10
    reasons = [q.reason for q in parsed.quarantined]
    assert reasons[0] == "wrong_field_count: line 3 has 2 fields, expected 3"
    assert reasons[1] == "wrong_field_count: line 5 has 4 fields, expected 3"
    assert reasons[2].startswith("line 6: so_luong: invalid_number")
    assert reasons[3].startswith("line 7: ngay: invalid_date")
    assert '"không rõ"' in parsed.quarantined[2].raw and "31/02/2024" in parsed.quarantined[3].raw


def test_notes_under_the_table_are_not_rows() -> None:
    data = "Tên,Số,Ngày\nA,1,01/01/2024\nB,2,02/01/2024\n,,\nNguồn: Sở Du lịch,,\n".encode()
    parsed = read_csv(data)
    assert parsed.table.num_rows == 2 and parsed.quarantined == []


def test_undecodable_legacy_line_is_quarantined_with_its_bytes() -> None:
    good = "Tên,Số\nThừa Thiên Huế,1\nPhú Vang,2\n".encode()
    legacy = encode_tcvn3("Hương Thủy,3\n")
    junk = b"\xc3\x28\x81\x8d\x8f,4\n"  # bytes that no encoding reads as Vietnamese
    parsed = read_csv(good + legacy + junk)
    assert parsed.repaired_lines == 1
    assert parsed.table["ten"].to_pylist() == ["Thừa Thiên Huế", "Phú Vang", "Hương Thủy"]
    assert len(parsed.quarantined) == 1 and parsed.quarantined[0].reason.startswith("bad_encoding: line 5")
    assert parsed.quarantined[0].raw.encode("latin-1") == junk.rstrip(b"\n")


def test_unreadable_legacy_file_is_a_clear_error() -> None:
    with pytest.raises(FileFormatError, match="cannot tell the file's encoding"):
        read_csv(b"T\xd0n,S\xd1\n\x8d\x8f\xc3,1\n")


def test_legacy_files_are_detected() -> None:
    text = "Tên cơ sở,Địa chỉ,Số phòng\nKhách sạn Hương Giang,51 Lê Lợi,165\nNhà nghỉ Thuận An,Phú Thuận,12\n"
    assert read_csv(encode_cp1258(text)).encoding == "windows-1258"
    parsed = read_csv(encode_tcvn3(text))
    assert parsed.encoding == "tcvn3"
    assert parsed.table["ten_co_so"].to_pylist()[0] == "Khách sạn Hương Giang"


def test_broken_xlsx_is_a_clear_error() -> None:
    with pytest.raises(FileFormatError, match="not a readable XLSX"):
        read_xlsx(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileFormatError, match="not a readable XLSX"):
        read_file(b"PK\x03\x04 garbage")


def test_json_records_that_are_not_objects_are_quarantined() -> None:
    titles, rows, bad = records_to_grid([{"MaCho": "CH001", "SoHo": 12}, ["CH002", 5], {"MaCho": "CH003"}])
    assert titles == ["MaCho", "SoHo"] and rows == [["CH001", 12], ["CH003", None]]
    assert bad[0].reason.startswith("not_an_object")
    table, quarantined = build_table(titles, rows)
    assert table["so_ho"].to_pylist() == [12, None] and quarantined == []


def test_year_columns_are_headers_not_data() -> None:
    grid = [["Chỉ tiêu", "2023", 2024], ["Lượt khách (nghìn)", "2.975,3", 3380.5]]
    header = locate_header(grid)
    assert (header.names, header.data_start) == (["Chỉ tiêu", "2023", "2024"], 1)
    table, _ = build_table(header.names, grid[1:])
    assert table.column_names == ["chi_tieu", "c_2023", "c_2024"] and table["c_2023"].to_pylist() == [2975.3]


def test_nested_json_values_stay_json_text() -> None:
    titles, rows, _ = records_to_grid(
        [{"Ma": "A", "ToaDo": {"lat": 16.46, "lon": 107.59}}, {"Ma": "B", "ToaDo": None}]
    )
    table, quarantined = build_table(titles, rows)
    assert table["toa_do"].to_pylist() == ['{"lat": 16.46, "lon": 107.59}', None] and quarantined == []


def test_api_header_text_becomes_request_headers() -> None:
    from sources.open_data.api import parse_api_header

    assert parse_api_header("Accept: application/json") == {"Accept": "application/json"}
    assert parse_api_header("Accept: application/json; X-Api-Key: abc:def\nBad") == {
        "Accept": "application/json",
        "X-Api-Key": "abc:def",
    }
    assert parse_api_header(None) == {}


def test_forced_column_types() -> None:
    table, _ = build_table(
        ["Năm", "Số"], [["2024", "046"], ["2023", "047"]], column_types={"nam": "text", "so": "int"}
    )
    assert table["nam"].to_pylist() == ["2024", "2023"] and table["so"].to_pylist() == [46, 47]


# -- property: any table, rendered in every flavour, reads back as the same typed table ------------------

WORDS = [
    "Huế",
    "Phú",
    "Hội",
    "Thuận",
    "Lộc",
    "Hương",
    "Thủy",
    "Trà",
    "Lưới",
    "nhà",
    "chợ",
    "Đông",
    "Ba",
    "Ấn",
    "Ước",
    "mới",
]
KINDS = {
    "code": ("Mã", st.from_regex(r"0[0-9]{1,7}", fullmatch=True)),
    "text": ("Tên", st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)),
    "int": ("Số lượng", st.integers(-(10**9), 10**9)),
    "money": ("Giá", st.integers(0, 10**10)),
    "decimal": ("Diện tích", st.decimals(-(10**6), 10**6, places=2).map(float)),
    "percent": ("Tỷ lệ", st.decimals(0, 100, places=2).map(float)),
    "date": ("Ngày", st.dates(dt.date(1950, 1, 1), dt.date(2099, 12, 31))),
}


@st.composite
def tables(draw):
    # group titles over the last two columns of at least three, as departments lay them out
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=3, max_size=6))
    group = draw(st.sampled_from([None, "Nhóm"]))
    columns = []
    for i, kind in enumerate(kinds):
        header, _ = KINDS[kind]
        places = 2 if kind in ("decimal", "percent") else 0
        in_group = group if i >= len(kinds) - 2 else None
        columns.append(Column(f"{header} {i + 1}", kind, group=in_group, places=places))  # type: ignore[arg-type]
    n = draw(st.integers(1, 12))
    rows = [{c.key: draw(KINDS[c.kind][1]) for c in columns} for _ in range(n)]
    dataset = Dataset("tam-thoi", "Bảng thử nghiệm", "", "Sở", "Thử", (), tuple(columns), lambda rng, n: [])
    return dataset, rows


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from(sorted(FLAVOURS)))
def test_any_table_round_trips_through_every_flavour(example, flavour: str) -> None:
    dataset, rows = example
    parsed = read_file(render(dataset, rows, flavour), name=f"x{FLAVOURS[flavour][0]}")
    assert parsed.quarantined == []
    tcvn3 = (lambda s: decode_tcvn3(encode_tcvn3(s))) if flavour == "csv-tcvn3" else None
    expected = expected_table(dataset, rows, tcvn3)
    got = plain(parsed.table)
    if got.schema != expected.schema:
        # a float column whose values happen to be whole reads as int only where nothing marks decimals
        raise AssertionError((flavour, got.schema, expected.schema))
    assert got.equals(expected), (flavour, got.to_pylist()[:3], expected.to_pylist()[:3])


def test_decimal_values_keep_their_value() -> None:
    table, _ = build_table(["Diện tích"], [["1.234,56"], ["0,5"], [Decimal("2.25")]])
    assert table["dien_tich"].to_pylist() == [1234.56, 0.5, 2.25]
