"""The bad-input corpus (bộ dữ liệu đầu vào hỏng): malformed files and pages, each fed through the real
readers — open-data CSV/XLSX (``sources.open_data.files``), the open-data JSON API page parser, the
digitisation NDJSON page parser — and then, when a reader hands rows on, through the lake and its contract.

The corpus is generated (deterministically, byte for byte) rather than committed, because half of it is
binary (legacy 8-bit encodings, XLSX archives, truncated ZIPs) that a diff could not show anyway:
``python -m benchmarks.resilience corpus --write DIR`` writes the files for a person to inspect.

Each case names the outcome it must get: ``rejected`` (the whole input refused with a reason),
``quarantined`` (the bad rows set aside with a reason, the good ones kept) or ``accepted`` (read correctly,
e.g. a legacy encoding decoded, a duplicate collapsed by the lake's key) or ``empty`` (a header and no
rows: a dataset with nothing in it yet, read as an empty table, nothing committed) or ``flagged`` (kept by
the lake as the source sent it, by design, and then flagged by the warehouse: the case's committed batch is
built by the real generated staging model, whose semantic-type macros give the bad value's issue).
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sources.common.vietnamese import encode_cp1258, encode_tcvn3, encode_vni

HEADER = "Mã cơ sở,Tên cơ sở,Địa chỉ,Số giường,Ngày cấp phép"
ROWS = [
    "CS001,Bệnh viện Trung ương Huế,16 Lê Lợi,2.100,15/03/2019",
    "CS002,Trạm y tế phường Phú Hội,Phú Hội,12,01/07/2020",
    "CS003,Phòng khám Hương Thủy,Thủy Dương,30,20/11/2021",
]
# A column takes a type when 80 % of its values parse as it (sources/open_data/tabular.py): content cases
# carry nine good rows so that the one bad value is set aside rather than turning the column into text.
MANY = [f"CS1{i:02d},Trạm y tế số {i},Phường {i},{10 + i},0{1 + i % 9}/0{1 + i % 9}/2020" for i in range(9)]
PAGE_COLUMNS = [("ma_hs", "code"), ("ho_ten", "person_name"), ("vi_do", "latitude"), ("kinh_do", "longitude")]
PAGE_KEY = ("ma_hs",)


@dataclass(frozen=True)
class Case:
    """One malformed input: which reader gets it, the bytes, and the outcome it must get."""

    name: str
    reader: str  # "file" (CSV/XLSX), "api_page" (open-data JSON API), "ndjson_page" (digitisation export)
    description: str
    expected: str  # rejected | quarantined | accepted | empty | flagged
    data: bytes
    filename: str = ""
    # after the lake, build the committed rows with the warehouse's generated staging model (slow: dbt)
    through_warehouse: bool = False


def _csv(lines: list[str], encoder: Callable[[str], bytes] = lambda s: s.encode("utf-8")) -> bytes:
    return encoder("\n".join(lines) + "\n")


def _xlsx(build: Callable) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    build(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_rows(rows: list[list]) -> Callable:
    def build(workbook) -> None:
        for row in rows:
            workbook.active.append(row)

    return build


def _ndjson(rows: list) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def _good_page_rows() -> list[dict]:
    return [
        {"ma_hs": "HS-0001", "ho_ten": "Nguyễn Văn An", "vi_do": "16.4637", "kinh_do": "107.5909"},
        {"ma_hs": "HS-0002", "ho_ten": "Tôn Nữ Bích", "vi_do": "16.4550", "kinh_do": "107.6011"},
        {"ma_hs": "HS-0003", "ho_ten": "Lê Thị Hoa", "vi_do": "16.3980", "kinh_do": "107.7010"},
    ]


def _api(data, total=None, code=200) -> bytes:
    return json.dumps(
        {"code": code, "message": "OK", "data": data, "totalRows": len(data) if total is None else total},
        ensure_ascii=False,
    ).encode()


def build_corpus() -> list[Case]:
    """Every case, in a stable order (the report and the tests list them in this order)."""
    good = [HEADER, *ROWS]
    cases = [
        # ---------------------------------------------------------------- CSV: encodings
        Case("csv_empty", "file", "empty file (0 bytes)", "rejected", b"", "co_so_y_te.csv"),
        Case("csv_blank_lines", "file", "only blank lines and spaces", "rejected", b"\n  \n\t\n", "a.csv"),
        Case("csv_header_only", "file", "header row, no data rows", "empty", _csv([HEADER]), "a.csv"),
        Case(
            "csv_cp1258", "file", "whole file in Windows-1258", "accepted", _csv(good, encode_cp1258), "a.csv"
        ),
        Case(
            "csv_cp1258_decomposed",
            "file",
            "Windows-1258 with combining tone marks (decomposed)",
            "accepted",
            _csv(good, lambda s: encode_cp1258(s, decomposed=True)),
            "a.csv",
        ),
        Case("csv_tcvn3", "file", "whole file in TCVN3 (ABC)", "accepted", _csv(good, encode_tcvn3), "a.csv"),
        Case("csv_vni", "file", "whole file in VNI", "accepted", _csv(good, encode_vni), "a.csv"),
        Case(
            "csv_utf8_bom",
            "file",
            "UTF-8 with a byte-order mark",
            "accepted",
            b"\xef\xbb\xbf" + _csv(good),
            "a.csv",
        ),
        Case(
            "csv_mixed_encodings",
            "file",
            "UTF-8 file with one line appended from an old Windows-1258 export",
            "accepted",
            _csv(good) + encode_cp1258("CS004,Trạm y tế xã Hương Hòa,Hương Hòa,8,05/05/2015") + b"\n",
            "a.csv",
        ),
        Case(
            "csv_undecodable",
            "file",
            "bytes that are no Vietnamese encoding (random high bytes)",
            "rejected",
            bytes(range(128, 256)) * 40,
            "a.csv",
        ),
        # ---------------------------------------------------------------- CSV: content
        Case(
            "csv_mixed_dates",
            "file",
            "one date column in three formats (dd/mm/yyyy, yyyy-mm-dd, 'ngày 5 tháng 3 năm 2020'): all dates",
            "accepted",
            _csv(
                [
                    HEADER,
                    *MANY,
                    "CS002,Trạm y tế phường Phú Hội,Phú Hội,12,2020-07-01",
                    "CS003,Phòng khám Hương Thủy,Thủy Dương,30,ngày 5 tháng 3 năm 2020",
                ]
            ),
            "a.csv",
        ),
        Case(
            "csv_impossible_date",
            "file",
            "31/02/2020 in a date column",
            "quarantined",
            _csv([HEADER, *MANY, "CS003,Phòng khám Hương Thủy,Thủy Dương,30,31/02/2020"]),
            "a.csv",
        ),
        Case(
            "csv_text_in_number",
            "file",
            "'khoảng 20' in a number column",
            "quarantined",
            _csv([HEADER, *MANY, "CS003,Phòng khám Hương Thủy,Thủy Dương,khoảng 20,20/11/2021"]),
            "a.csv",
        ),
        Case(
            "csv_ragged_rows",
            "file",
            "a row with more cells than the header",
            "quarantined",
            _csv([HEADER, *ROWS[:2], "CS003,Phòng khám,Thủy Dương,30,20/11/2021,thừa,thừa nữa"]),
            "a.csv",
        ),
        Case(
            "csv_huge_cell",
            "file",
            "one cell of 2 MB",
            "quarantined",
            _csv([HEADER, *MANY, "CS003," + "Huế" * 700_000 + ",Thủy Dương,30,20/11/2021"]),
            "a.csv",
        ),
        Case(
            "csv_nul_bytes",
            "file",
            "NUL bytes inside a row",
            "quarantined",
            _csv([HEADER, *ROWS[:2]])
            + b"CS003,Ph\x00\x00ng kh\x00m,Th\xc3\xbay D\xc6\xb0\xc6\xa1ng,30,20/11/2021\n",
            "a.csv",
        ),
        Case(
            "csv_binary_as_csv",
            "file",
            "a PNG image served as text/csv",
            "rejected",
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
            "a.csv",
        ),
        Case(
            "csv_duplicate_header",
            "file",
            "two columns with the same title",
            "accepted",
            _csv(["Mã cơ sở,Tên,Tên,Số giường", "CS001,A,B,3", "CS002,C,D,4"]),
            "a.csv",
        ),
        Case(
            "csv_semicolon_decimal_comma",
            "file",
            "semicolon delimiter and decimal commas (Vietnamese Excel export)",
            "accepted",
            _csv(["Mã;Tên;Diện tích (ha)", "X1;Phường Phú Hội;1,25", "X2;Phường Vĩnh Ninh;0,98"]),
            "a.csv",
        ),
        # ---------------------------------------------------------------- XLSX oddities
        Case(
            "xlsx_empty_workbook",
            "file",
            "a workbook with one empty sheet",
            "rejected",
            _xlsx(lambda wb: None),
            "a.xlsx",
        ),
        Case(
            "xlsx_header_only",
            "file",
            "a sheet with the header row only",
            "empty",
            _xlsx(_sheet_rows([["Mã", "Tên", "Số giường"]])),
            "a.xlsx",
        ),
        Case(
            "xlsx_truncated",
            "file",
            "an XLSX archive cut in half during download",
            "rejected",
            _xlsx(_sheet_rows([["Mã", "Tên"], ["A", "B"]]))[:900],
            "a.xlsx",
        ),
        Case(
            "xlsx_merged_title",
            "file",
            "merged title rows above the header and a trailing note",
            "accepted",
            _xlsx(_title_and_note),
            "a.xlsx",
        ),
        Case(
            "xlsx_text_in_number",
            "file",
            "a text cell in a numeric column",
            "quarantined",
            _xlsx(
                _sheet_rows([["Mã", "Số giường"], *([f"A{i}", 10 + i] for i in range(9)), ["C", "không rõ"]])
            ),
            "a.xlsx",
        ),
        Case(
            "xlsx_formula_no_cache",
            "file",
            "formula cells saved without cached values (written by a script, never opened in Excel)",
            "quarantined",
            _xlsx(
                _sheet_rows(
                    [["Mã", "Số giường"], *([f"A{i}", 10 + i] for i in range(9)), ["Tổng", "=SUM(B2:B10)"]]
                )
            ),
            "a.xlsx",
        ),
        # ---------------------------------------------------------------- open-data JSON API pages
        Case(
            "api_truncated_json",
            "api_page",
            "a JSON page cut mid-object",
            "rejected",
            _api(_good_page_rows())[:-40],
        ),
        Case("api_empty_body", "api_page", "an empty body with 200 OK", "rejected", b""),
        Case(
            "api_html_error",
            "api_page",
            "an HTML error page with 200 OK",
            "rejected",
            b"<html><body>502 Bad Gateway</body></html>",
        ),
        Case(
            "api_wrong_envelope",
            "api_page",
            "a bare list instead of {code, data, totalRows}",
            "rejected",
            json.dumps(_good_page_rows()).encode(),
        ),
        Case(
            "api_bad_total", "api_page", "totalRows is text", "rejected", _api(_good_page_rows(), total="3")
        ),
        Case(
            "api_non_object_records",
            "api_page",
            "records that are lists and numbers among objects",
            "quarantined",
            _api([*_good_page_rows(), [1, 2], 7]),
        ),
        Case(
            "api_cp1258_body",
            "api_page",
            "a JSON page in Windows-1258 under a UTF-8 label",
            "accepted",
            encode_cp1258(_api(_good_page_rows()).decode()),
        ),
        # ---------------------------------------------------------------- digitisation NDJSON pages
        Case(
            "ndjson_truncated",
            "ndjson_page",
            "an export page cut mid-line (connection dropped)",
            "rejected",
            _ndjson(_good_page_rows())[:-25],
        ),
        Case(
            "ndjson_malformed_line",
            "ndjson_page",
            "one line that is not JSON",
            "quarantined",
            _ndjson(_good_page_rows()[:2]) + b'{"ma_hs": "HS-0003", "ho_ten": "L\n',
        ),
        Case(
            "ndjson_missing_key",
            "ndjson_page",
            "a row without its primary key (impossible ID: empty ma_hs)",
            "quarantined",
            _ndjson(
                [
                    *_good_page_rows()[:2],
                    {"ma_hs": "", "ho_ten": "Không mã", "vi_do": "16.4", "kinh_do": "107.5"},
                ]
            ),
        ),
        Case(
            "ndjson_not_object",
            "ndjson_page",
            "a line holding a JSON array instead of an object",
            "quarantined",
            _ndjson([*_good_page_rows()[:2], ["HS-0003", "Lê Thị Hoa"]]),
        ),
        Case(
            "ndjson_duplicate_keys",
            "ndjson_page",
            "the same key twice in one page (a repeated row)",
            "accepted",
            _ndjson([*_good_page_rows(), _good_page_rows()[0]]),
        ),
        Case(
            "ndjson_legacy_bytes",
            "ndjson_page",
            "one line in Windows-1258 bytes inside a UTF-8 page",
            "quarantined",
            _ndjson(_good_page_rows()[:2])
            + encode_cp1258(
                json.dumps(
                    {"ma_hs": "HS-0003", "ho_ten": "Lê Thị Hoa", "vi_do": "1", "kinh_do": "2"},
                    ensure_ascii=False,
                )
            )
            + b"\n",
        ),
        Case(
            "ndjson_swapped_coordinates",
            "ndjson_page",
            "latitude and longitude swapped (vi_do 107.59, kinh_do 16.46: outside Viet Nam); the lake keeps "
            "what the platform sent, the warehouse's coordinate types must flag it",
            "flagged",
            _ndjson(
                [
                    *_good_page_rows()[:2],
                    {"ma_hs": "HS-0003", "ho_ten": "Lê Thị Hoa", "vi_do": "107.5909", "kinh_do": "16.4637"},
                ]
            ),
            through_warehouse=True,
        ),
        Case(
            "ndjson_huge_cell",
            "ndjson_page",
            "a 2 MB name cell",
            "quarantined",
            _ndjson(
                [
                    *_good_page_rows()[:2],
                    {"ma_hs": "HS-0003", "ho_ten": "A" * 2_000_000, "vi_do": "16.4", "kinh_do": "107.5"},
                ]
            ),
        ),
    ]
    return cases


def _title_and_note(workbook) -> None:
    sheet = workbook.active
    sheet.append(["DANH SÁCH CƠ SỞ Y TẾ TỈNH THỪA THIÊN HUẾ"])
    sheet.merge_cells("A1:C1")
    sheet.append(["(Cập nhật đến 31/12/2023)"])
    sheet.append([])
    sheet.append(["Mã", "Tên cơ sở", "Số giường"])
    sheet.append(["CS001", "Bệnh viện Trung ương Huế", 2100])
    sheet.append(["CS002", "Trạm y tế phường Phú Hội", 12])
    sheet.append([])
    sheet.append(["Ghi chú: số liệu do Sở Y tế cung cấp"])


def write_corpus(directory: Path) -> list[Path]:
    """Write every case's bytes to ``directory`` for a person to open (name + original extension)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in build_corpus():
        suffix = Path(case.filename).suffix or {"api_page": ".json", "ndjson_page": ".ndjson"}[case.reader]
        path = directory / f"{case.name}{suffix}"
        path.write_bytes(case.data)
        paths.append(path)
    return paths


def new_lake_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="hue-corpus-lake-"))
