"""Text normalisation: NFC, tone-mark placement, whitespace, diacritics stripped for matching."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.common.vietnamese import (
    VIETNAMESE_LETTERS,
    collapse_whitespace,
    fix_tone_placement,
    is_vietnamese_syllable,
    nfc,
    normalize_text,
    strip_diacritics,
)

vietnamese_text = st.text(alphabet=st.sampled_from([*VIETNAMESE_LETTERS, *"bcdghklmnpqrstvx ,.-0123456789"]))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("hoè", "hòe"),
        ("Hoà Bình", "Hòa Bình"),
        ("Phú Thuỷ", "Phú Thủy"),
        ("HOÀ", "HÒA"),
        ("quý", "quý"),
        ("Quỳnh", "Quỳnh"),
        ("khuỷu", "khuỷu"),
        ("Hoàng", "Hoàng"),
        ("toán", "toán"),
        ("ngoài", "ngoài"),
        ("mùa", "mùa"),
        ("giúp", "giúp"),
        ("gìn", "gìn"),
        ("già", "già"),
        ("thuở", "thuở"),
        ("người", "người"),
        ("Huyện Phú Lộc", "Huyện Phú Lộc"),
        ("Thuỵ Khuê", "Thụy Khuê"),
        ("Hương Thuỷ, Thừa Thiên Huế", "Hương Thủy, Thừa Thiên Huế"),
        ("Email: hoà@hue.gov.vn", "Email: hòa@hue.gov.vn"),
        ("Wi-Fi COVID", "Wi-Fi COVID"),
    ],
)
def test_tone_placement_examples(raw: str, expected: str) -> None:
    assert fix_tone_placement(raw) == expected


def test_tone_placement_accepts_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Thừa Thiên Huế, hoà")
    assert fix_tone_placement(decomposed) == "Thừa Thiên Huế, hòa"


@given(vietnamese_text)
def test_tone_placement_is_idempotent_and_keeps_letters(text: str) -> None:
    once = fix_tone_placement(text)
    assert fix_tone_placement(once) == once
    assert unicodedata.is_normalized("NFC", once)
    # moving a tone mark never changes the letters underneath or the tone itself
    assert strip_diacritics(once) == strip_diacritics(text)
    assert len(once) == len(nfc(text))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Thành   phố\tHuế \n", "Thành phố Huế"),
        ("Phường\u00a0Phú Hội", "Phường Phú Hội"),
        ("\ufeffA Lưới", "A Lưới"),
        ("", ""),
    ],
)
def test_collapse_whitespace(raw: str, expected: str) -> None:
    assert collapse_whitespace(raw) == expected


def test_normalize_text_combines_all_steps() -> None:
    raw = unicodedata.normalize("NFD", "  Thị xã  Hương Thuỷ ")
    assert normalize_text(raw) == "Thị xã Hương Thủy"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thừa Thiên Huế", "Thua Thien Hue"),
        ("Đông Ba", "Dong Ba"),
        ("đường Lê Lợi", "duong Le Loi"),
        ("NGUYỄN THỊ ĐÀO", "NGUYEN THI DAO"),
    ],
)
def test_strip_diacritics(raw: str, expected: str) -> None:
    assert strip_diacritics(raw) == expected


@given(vietnamese_text)
def test_strip_diacritics_leaves_ascii(text: str) -> None:
    assert strip_diacritics(text).isascii()


def test_every_letter_is_listed_once() -> None:
    assert len(VIETNAMESE_LETTERS) == 146 == len(set(VIETNAMESE_LETTERS))
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in VIETNAMESE_LETTERS)


@pytest.mark.parametrize("word", ["Huế", "nghiêng", "khuỷu", "người", "Quỳnh", "HUẾ", "gì", "xoong"])
def test_syllables_recognised(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["Thiªn", "HuÕ", "Thöøa", "hoáà", "pháṕ", "bàt", "huÕ"])
def test_non_syllables_rejected(word: str) -> None:
    assert not is_vietnamese_syllable(word)
