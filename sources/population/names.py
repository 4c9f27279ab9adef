"""Names and identifiers in the shape the national population database (CSDL quốc gia về dân cư) expects.

The lookup contract sends ``HoVaTen`` in upper case with diacritics removed ("NGUYEN THI MAI") and the
identifier as bare digits. These helpers are pure so that both the request and the comparison with the
returned record use exactly the same normalisation.
"""

from __future__ import annotations

import re
import unicodedata

# đ/Đ is a letter of its own, not d + a combining mark: NFD leaves it intact, so map it explicitly.
_LETTER_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_SPACES = re.compile(r"\s+")


def ascii_upper_name(full_name: str) -> str:
    """Họ và tên in the lookup form: upper case, diacritics removed, single spaces.

    >>> ascii_upper_name("Nguyễn Thị  Mai")
    'NGUYEN THI MAI'
    """
    decomposed = unicodedata.normalize("NFD", full_name.translate(_LETTER_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().upper()


def normalise_identifier(value: str | None) -> str | None:
    """Số định danh / số CMND as bare digits, leading zeros kept; ``None`` when blank.

    Spaces, dots and dashes that clerks type between digit groups are removed. Anything else that is not
    a digit makes the value invalid, reported as ``ValueError`` without echoing the value (it is personal data).
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"[\s.\-]", "", text)
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise ValueError("identifier contains characters other than digits")
    return text


def identifier_kind(digits: str) -> str:
    """``"SoDinhDanh"`` for a 12-digit personal ID, ``"SoCMND"`` for a 9-digit old ID card."""
    if len(digits) == 12:
        return "SoDinhDanh"
    if len(digits) == 9:
        return "SoCMND"
    raise ValueError(f"identifier has {len(digits)} digits; expected 12 (personal ID) or 9 (old ID card)")
