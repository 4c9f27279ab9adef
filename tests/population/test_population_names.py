"""Name and identifier normalisation, pseudonyms: pure functions, checked on messy input."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.population.names import ascii_upper_name, identifier_kind, normalise_identifier
from sources.population.pseudonym import Pseudonymiser, pseudonymise_personal_id

KEY = "khoa-bi-danh-thu-nghiem-0123456789"
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nguyễn Thị Mai", "NGUYEN THI MAI"),
        ("Đặng  Văn\tĐức ", "DANG VAN DUC"),
        ("Tôn Nữ Thủy Tiên", "TON NU THUY TIEN"),
        ("Trần Thị Hoà", "TRAN THI HOA"),
        ("Trần Thị Hòa", "TRAN THI HOA"),
        ("Hồ Thị Quỳnh", "HO THI QUYNH"),
    ],
)
def test_ascii_upper_name(name: str, expected: str) -> None:
    assert ascii_upper_name(name) == expected


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " \t", max_size=40))
def test_ascii_upper_name_is_plain_upper_ascii_and_form_independent(name: str) -> None:
    result = ascii_upper_name(name)
    assert result.isascii()
    assert result == result.upper()
    assert "  " not in result and result == result.strip()
    # NFC, NFD and already-normalised input all give the same lookup name
    assert ascii_upper_name(unicodedata.normalize("NFD", name)) == result
    assert ascii_upper_name(result) == result


def test_identifiers_keep_leading_zeros_and_drop_separators() -> None:
    assert normalise_identifier("046 1 90 012345") == "046190012345"
    assert normalise_identifier("001-090.012345") == "001090012345"
    assert normalise_identifier("  ") is None
    assert normalise_identifier(None) is None
    assert identifier_kind("046190012345") == "SoDinhDanh"
    assert identifier_kind("191234567") == "SoCMND"
    with pytest.raises(ValueError, match="12 \\(personal ID\\) or 9"):
        identifier_kind("12345")


@given(st.text(max_size=30))
def test_identifier_normalisation_never_echoes_bad_input(value: str) -> None:
    try:
        digits = normalise_identifier(value)
    except ValueError as exc:
        assert str(exc) == "identifier contains characters other than digits"  # a fixed text, never the value
    else:
        assert digits is None or (digits.isascii() and digits.isdigit())


def test_pseudonym_is_keyed_hmac_of_the_digits() -> None:
    expected = hmac.new(KEY.encode(), b"046190012345", hashlib.sha256).hexdigest()
    assert pseudonymise_personal_id("046190012345", KEY) == expected
    assert pseudonymise_personal_id("046 190 012 345", KEY) == expected  # same person, however typed
    assert pseudonymise_personal_id("046190012345", KEY + "x") != expected
    assert Pseudonymiser(KEY)("046190012345") == expected


def test_pseudonym_key_must_be_long_and_stays_hidden() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        Pseudonymiser("short")
    assert KEY not in repr(Pseudonymiser(KEY))


@given(st.from_regex(r"\A[0-9]{12}\Z"), st.from_regex(r"\A[0-9]{12}\Z"))
def test_pseudonyms_differ_for_different_ids(a: str, b: str) -> None:
    same = pseudonymise_personal_id(a, KEY) == pseudonymise_personal_id(b, KEY)
    assert same == (a == b)
