"""Legacy encodings: TCVN3 (ABC), VNI-Windows, Windows-1258, UTF-8 with and without BOM."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sources.common.vietnamese import (
    TCVN3_TO_UNICODE,
    UNICODE_TO_VNI,
    VIETNAMESE_LETTERS,
    VNI_TO_UNICODE,
    decode_cp1258,
    decode_tcvn3,
    decode_vietnamese,
    decode_vni,
    encode_cp1258,
    encode_tcvn3,
    encode_vni,
    repair_legacy_text,
)

# Real strings from Huế's datasets and documents.
PHRASES = [
    "Thừa Thiên Huế",
    "Thành phố Huế",
    "Cơ sở lưu trú du lịch trên địa bàn tỉnh",
    "Khách sạn Hương Giang, số 51 đường Lê Lợi",
    "Trường Trung học phổ thông Quốc Học",
    "Bệnh viện Trung ương Huế",
    "Trạm y tế xã Phú Thuận, huyện Phú Vang",
    "Tuyến xe buýt Huế – Thuận An",
    "Phường Vĩnh Ninh, Phường Phú Hội, Xã Hương Hồ",
    "Ủy ban nhân dân huyện A Lưới",
    "Sở Văn hóa và Thể thao, Sở Y tế, Sở Giáo dục và Đào tạo",
    "Số lượng khách quốc tế tăng mạnh",
    "Nguyễn Thị Mai, Trần Văn Hùng, Lê Quang Đạo",
    "Đình làng Phước Tích, chợ Đông Ba",
    "Ngày 10 tháng 10 năm 2024",
    "Huế",
]
WORDS = sorted({w for p in PHRASES for w in p.replace(",", " ").split()})
LOWER_LEGACY = [c for c in VIETNAMESE_LETTERS if c.isascii() or c == c.lower() or c in "ĂÂÊÔƠƯĐ"]


def test_thua_thien_hue_in_tcvn3() -> None:
    assert decode_tcvn3("Thõa Thiªn HuÕ") == "Thừa Thiên Huế"
    assert encode_tcvn3("Thừa Thiên Huế").decode("cp1252") == "Thõa Thiªn HuÕ"
    assert encode_tcvn3("Mường Khương") == b"M\xad\xeang Kh\xad\xacng"  # ư is 0xAD, a soft hyphen in cp1252


def test_vni_known_strings() -> None:
    assert encode_vni("Thừa Thiên Huế").decode("cp1252") == "Thöøa Thieân Hueá"
    assert decode_vni("Vieät Nam") == "Việt Nam"
    assert decode_vni("ÑAÏI HOÏC HUEÁ") == "ĐẠI HỌC HUẾ"


def test_tables_are_complete_and_one_to_one() -> None:
    assert len(TCVN3_TO_UNICODE) == 74  # 7 + 7 letters with quality marks, 60 lowercase toned vowels
    assert len(UNICODE_TO_VNI) == len(VNI_TO_UNICODE) == 146 - 12  # all but the six plain ASCII vowels × 2
    assert set(UNICODE_TO_VNI) == set(VIETNAMESE_LETTERS) - set("aeiouyAEIOUY")


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_tcvn3_table_agrees_with_glibc() -> None:
    codes = bytes(sorted(TCVN3_TO_UNICODE))
    out = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=codes, capture_output=True, check=True
    )
    assert out.stdout.decode("utf-8") == "".join(TCVN3_TO_UNICODE[c] for c in codes)


@pytest.mark.parametrize("letter", VIETNAMESE_LETTERS)
def test_every_letter_round_trips(letter: str) -> None:
    assert decode_vni(encode_vni(letter)) == letter
    assert decode_cp1258(encode_cp1258(letter)) == letter
    if letter in LOWER_LEGACY:
        assert decode_tcvn3(encode_tcvn3(letter)) == letter
    else:
        # VN3 has no uppercase toned vowels: the uppercase ".VnTimeH" fonts drew the lowercase codes
        assert decode_tcvn3(encode_tcvn3(letter)) == letter.lower()


ascii_and_letters = st.text(
    alphabet=st.sampled_from([*VIETNAMESE_LETTERS, *"bcdghklmnpqrstvxBCDGH ,.;-0123456789"])
)
tcvn3_text = st.text(alphabet=st.sampled_from([*LOWER_LEGACY, *"bcdghklmnpqrstvxBCDGH ,.;-0123456789"]))


@given(ascii_and_letters)
def test_vni_and_cp1258_round_trip_any_text(text: str) -> None:
    assert decode_vni(encode_vni(text)) == text
    assert decode_cp1258(encode_cp1258(text)) == text
    assert decode_cp1258(encode_cp1258(text, decomposed=True)) == text


def test_cp1258_decomposed_form_uses_combining_tone_bytes() -> None:
    assert encode_cp1258("Huế á", decomposed=True) == b"Hu\xea\xec a\xec"
    assert encode_cp1258("Huế á") == b"Hu\xea\xec \xe1"


@given(tcvn3_text)
def test_tcvn3_round_trip_any_text(text: str) -> None:
    assert decode_tcvn3(encode_tcvn3(text)) == text


sentences = st.lists(st.sampled_from(WORDS), min_size=2, max_size=12).map(" ".join)


@pytest.mark.parametrize("phrase", PHRASES)
@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("utf-8", lambda t: t.encode("utf-8")),
        ("utf-8-sig", lambda t: t.encode("utf-8-sig")),
        ("windows-1258", encode_cp1258),
        ("windows-1258", lambda t: encode_cp1258(t, decomposed=True)),
        ("tcvn3", encode_tcvn3),
        ("vni", encode_vni),
    ],
)
def test_detects_each_encoding_of_real_phrases(phrase: str, encoding: str, encode) -> None:
    decoded = decode_vietnamese(encode(phrase))
    expected = phrase if encoding != "tcvn3" else decode_tcvn3(encode_tcvn3(phrase))
    assert decoded.text == expected
    assert decoded.encoding == encoding
    assert decoded.confidence >= 0.8


@given(sentences, st.sampled_from(["windows-1258", "tcvn3", "vni"]))
def test_detects_legacy_encodings_of_sentences(sentence: str, encoding: str) -> None:
    assume(not sentence.isascii())
    encode = {"windows-1258": encode_cp1258, "tcvn3": encode_tcvn3, "vni": encode_vni}[encoding]
    decoded = decode_vietnamese(encode(sentence))
    expected = sentence if encoding != "tcvn3" else decode_tcvn3(encode_tcvn3(sentence))
    if decoded.text != expected:
        # some short texts read as Vietnamese in two encodings (VNI "Cô" is "Cơ", cp1258 "Cô" is "Cô"):
        # the detector may not guess, but it must say it is unsure
        assert decoded.confidence < 0.5, decoded
    else:
        assert decoded.encoding == encoding or decoded.confidence < 0.5


@given(st.text())
def test_utf8_is_never_converted_again(text: str) -> None:
    decoded = decode_vietnamese(text.encode("utf-8"))
    assert decoded.encoding in ("utf-8", "ascii")
    assert decoded.text == __import__("unicodedata").normalize("NFC", text)


@given(sentences)
def test_repair_leaves_unicode_alone(sentence: str) -> None:
    repaired = repair_legacy_text(sentence)
    assert repaired.text == sentence
    assert repaired.encoding == "unicode"


@pytest.mark.parametrize("phrase", PHRASES)
def test_repair_converts_mojibake_once(phrase: str) -> None:
    tcvn3 = encode_tcvn3(phrase).decode("cp1252")
    vni = encode_vni(phrase).decode("cp1252")
    if tcvn3 != phrase:
        fixed = repair_legacy_text(tcvn3)
        assert (fixed.text, fixed.encoding) == (decode_tcvn3(tcvn3), "tcvn3")
        assert repair_legacy_text(fixed.text).text == fixed.text  # a second pass changes nothing
    if vni != phrase:
        fixed = repair_legacy_text(vni)
        assert (fixed.text, fixed.encoding) == (phrase, "vni")
        assert repair_legacy_text(fixed.text).text == phrase


def test_unsure_text_is_left_unchanged_with_low_confidence() -> None:
    garbled = "Ã¢â‚¬Å“ Ä‘Æ°á»ng"  # UTF-8 read twice as cp1252: neither TCVN3 nor VNI
    result = repair_legacy_text(garbled)
    assert result.text == garbled
    assert result.encoding == "unicode"
    assert result.confidence <= 0.5
