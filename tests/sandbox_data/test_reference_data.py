"""Huế administrative units per vintage (đơn vị hành chính theo thời kỳ)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from sandbox import reference_data as rd


def test_vintage_counts_match_the_domain_guide() -> None:
    assert len(rd.districts("2021")) == 9
    assert len(rd.communes("2021")) == 141
    assert len(rd.districts("2025-01")) == 9
    assert len(rd.communes("2025-01")) == 133
    assert rd.districts("2025-07") == ()
    new = rd.communes("2025-07")
    assert len(new) == 40
    assert sum(c.kind == "Phường" for c in new) == 21
    assert sum(c.kind == "Xã" for c in new) == 19


def test_2021_districts_are_the_nine_known_codes() -> None:
    names = {d.code: d.name for d in rd.districts("2021")}
    assert sorted(names) == ["474", "476", "477", "478", "479", "480", "481", "482", "483"]
    assert names["474"] == "Thành phố Huế"
    assert names["483"] == "Huyện Nam Đông"


def test_codes_keep_leading_zeros_and_names_are_nfc() -> None:
    for v in ("2021", "2025-01", "2025-07"):
        for c in rd.communes(v):
            assert isinstance(c.code, str) and len(c.code) == 5 and c.code.isdigit()
            assert unicodedata.normalize("NFC", c.name) == c.name
            assert c.name == c.name.strip() and "  " not in c.name


def test_same_code_names_different_units_across_vintages() -> None:
    assert rd.commune("19753", "2021").name == "Phường Thuận Lộc"
    assert rd.commune("19753", "2021").district_code == "474"
    # Hương Hòa is still in the national list of 4/1/2025 but was merged (NQ 1314): excluded.
    raw = (rd.DEFAULT_DIR / "communes_national_2025-01-04.csv").read_text(encoding="utf-8")
    assert ",20176," in raw
    assert "20176" not in {c.code for c in rd.communes("2025-01")}
    with pytest.raises(KeyError):
        rd.commune("19753", "2025-07")  # 19753 does not appear in the 2025-07 code list for Huế


def test_validity_by_date() -> None:
    assert rd.vintage_on(dt.date(2023, 1, 15)).name == "2021"
    assert rd.vintage_on(dt.date(2024, 12, 31)).name == "2021"
    assert rd.vintage_on(dt.date(2025, 1, 1)).name == "2025-01"
    assert rd.vintage_on(dt.date(2025, 6, 30)).name == "2025-01"
    assert rd.vintage_on(dt.date(2025, 7, 1)).name == "2025-07"
    assert rd.vintage_on(dt.date(2020, 1, 1)).name == "2021"
    assert len(rd.communes_valid_on(dt.date(2030, 1, 1))) == 40
    for c in rd.communes("2025-01"):
        assert c.valid_from == dt.date(2025, 1, 1) and c.valid_to == dt.date(2025, 6, 30)


def test_unknown_vintage_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown vintage"):
        rd.communes("2019")


def test_reads_another_folder(tmp_path) -> None:
    # A folder with the same file layout but one Huế row: proves the directory argument is honoured.
    header = "Tỉnh Thành Phố,Mã TP,Quận Huyện,Mã QH,Phường Xã,Mã PX,Cấp,Tên Tiếng Anh\n"
    (tmp_path / "communes_national_2023-05-07.csv").write_text(
        header + "Tỉnh Thừa Thiên Huế,46,Thành phố Huế,474,Phường Tây Lộc,19750,Phường,\n", encoding="utf-8"
    )
    assert [c.code for c in rd.communes("2021", tmp_path)] == ["19750"]
