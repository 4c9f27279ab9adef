"""Digitisation export pages: a row with a cell over MAX_CELL_CHARS is quarantined with its reason, on the
fast Arrow path and the line-by-line one alike; the other rows load."""

from __future__ import annotations

import json

from sources.common.batch import MAX_CELL_CHARS
from sources.digitization.pages import parse_page

COLUMNS = [("ma_hs", "code"), ("ho_ten", "person_name"), ("dia_chi", "place_name")]


def _page(rows: list) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def _rows() -> list:
    return [
        {"ma_hs": "HS-0001", "ho_ten": "Nguyễn Văn An", "dia_chi": "Phường Phú Hội"},
        {
            "ma_hs": "HS-0002",
            "ho_ten": "Tôn Nữ Bích",
            "dia_chi": "Xã " + "Hương " * (MAX_CELL_CHARS // 6 + 1),
        },
        {"ma_hs": "HS-0003", "ho_ten": "Lê Thị Hoa", "dia_chi": "Phường Thuận Hòa"},
    ]


def test_oversized_cell_quarantines_its_row_on_the_fast_path() -> None:
    page = parse_page(_page(_rows()), COLUMNS, ("ma_hs",))
    assert page.data.column("ma_hs").to_pylist() == ["HS-0001", "HS-0003"]
    (bad,) = page.quarantined
    assert bad.reason.startswith("cell_too_large: dia_chi: 1.048.")
    assert bad.reason.endswith("more than the 1.048.576 allowed")
    assert json.loads(bad.raw)["ma_hs"] == "HS-0002"


def test_oversized_cell_quarantines_its_row_on_the_line_by_line_path() -> None:
    # a nested value makes Arrow refuse the page: the slow path runs, and the bound still holds
    rows = [*_rows(), {"ma_hs": "HS-0004", "ho_ten": {"ho": "Trần"}, "dia_chi": "Kim Long"}]
    page = parse_page(_page(rows), COLUMNS, ("ma_hs",))
    assert page.data.column("ma_hs").to_pylist() == ["HS-0001", "HS-0003"]
    assert sorted(q.reason.split(":")[0] for q in page.quarantined) == ["cell_too_large", "nested_value"]


def test_long_cells_in_characters_not_bytes() -> None:
    # Vietnamese letters take 2-3 bytes: a cell just under the bound in characters, over it in bytes, loads
    text = "Đ" * (MAX_CELL_CHARS - 1)
    page = parse_page(_page([{"ma_hs": "HS-1", "ho_ten": "An", "dia_chi": text}]), COLUMNS, ("ma_hs",))
    assert page.quarantined == [] and page.data.num_rows == 1
