"""Vietnamese text, numbers, money and dates as they appear in the province's files (văn bản tiếng Việt).

One pure module, no I/O, used by every connector and by the sandbox that imitates them:

* text: NFC, tone-mark placement (``hoà`` → ``hòa``, ``thuỷ`` → ``thủy``, ``quý`` stays), whitespace,
  diacritics stripped for matching (``đ`` → ``d``);
* legacy encodings (bảng mã cũ): bytes in UTF-8, UTF-8 with BOM, Windows-1258 (precomposed or with
  combining tone marks), TCVN3 (ABC, the ``.VnTime`` fonts) and VNI-Windows are detected and decoded to
  NFC text, with the detected encoding and a confidence; text that already is Unicode is never converted
  a second time;
* numbers in the Vietnamese convention (``106.071`` = 106071, ``64,89`` = 64.89), English numbers when
  they cannot be Vietnamese, ambiguous ones reported instead of guessed; percentages, VND amounts
  (``1.500.000 đ``, ``1,5 triệu``) and dates (``dd/mm/yyyy``, ``yyyyMMddHHmmss``, ISO, Excel serial
  numbers, ``ngày 10 tháng 10 năm 2024``);
* formatting back for reports and the portal (``106.071``, ``64,89 %``, ``10/10/2024``).

The TCVN3 and VNI tables are written out below from the published layouts (TCVN 5712:1993 "VN3" as
used by the ABC fonts; VNI Software's VNI-Windows font layout) and checked against glibc's
TCVN5712-1 converter for the lowercase letters; the tests round-trip every Vietnamese letter.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

# ---------------------------------------------------------------------------------------------------------
# Letters and tone marks (dấu thanh)

TONE_MARKS = {
    "\u0300": "huyền",  # grave
    "\u0301": "sắc",  # acute
    "\u0309": "hỏi",  # hook above
    "\u0303": "ngã",  # tilde
    "\u0323": "nặng",  # dot below
}
_TONE_ORDER = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang, huyền, sắc, hỏi, ngã, nặng
_BASE_VOWELS = "aăâeêioôơuưy"
_QUALITY_VOWELS = set("ăâêôơư")

VIETNAMESE_LETTERS: tuple[str, ...] = tuple(
    sorted(
        {unicodedata.normalize("NFC", v + t) for v in _BASE_VOWELS for t in _TONE_ORDER}
        | {unicodedata.normalize("NFC", v + t).upper() for v in _BASE_VOWELS for t in _TONE_ORDER}
        | set("đĐ")
    )
)
"""Every vowel form (12 vowels × 6 tones × 2 cases, the six plain ASCII ones included) plus đ/Đ: 146."""


def nfc(text: str) -> str:
    """Unicode NFC (dạng dựng sẵn): the only form stored anywhere in the platform."""
    return unicodedata.normalize("NFC", text)


_WS_RE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")


def collapse_whitespace(text: str) -> str:
    """Trim and collapse runs of spaces, tabs, newlines and no-break/zero-width spaces to one space."""
    return _WS_RE.sub(" ", text).strip()


def strip_diacritics(text: str) -> str:
    """Remove every diacritic for matching and slugs (bỏ dấu): ``Thừa Thiên Huế`` → ``Thua Thien Hue``.

    ``đ``/``Đ`` are letters of their own in Unicode (no decomposition), so they are mapped explicitly.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ---------------------------------------------------------------------------------------------------------
# Syllable structure, used both to place tone marks and to judge whether decoded text is Vietnamese

_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "uyê|uya|uyu|iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|"
    "ai|ao|au|âu|ay|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_CODAS = "ch|ng|nh|c|m|n|p|t"
_SYLLABLE_RE = re.compile(rf"(?P<onset>{_ONSETS})?(?P<nucleus>{_NUCLEI})(?P<coda>{_CODAS})?")
# vowel groups that end in a glide take no final consonant; short and centring vowels need one
_OPEN_ONLY = frozenset(
    [
        "ai",
        "ao",
        "au",
        "âu",
        "ay",
        "ây",
        "eo",
        "êu",
        "ia",
        "iu",
        "oi",
        "ôi",
        "ơi",
        "ua",
        "ui",
        "ưa",
        "ưi",
        "ưu",
        "uya",
        "uyu",
        "iêu",
        "yêu",
        "oai",
        "oay",
        "oao",
        "oeo",
        "uây",
        "uôi",
        "ươi",
        "ươu",
    ]
)
_NEED_CODA = frozenset(["ă", "â", "oă", "uâ", "iê", "yê", "uô", "ươ", "uyê", "oo"])


def _match_syllable(bare_lower: str) -> re.Match[str] | None:
    match = _SYLLABLE_RE.fullmatch(bare_lower)
    if match is None:
        return None
    nucleus, coda = match["nucleus"], match["coda"]
    if (coda and nucleus in _OPEN_ONLY) or (not coda and nucleus in _NEED_CODA):
        return None
    return match


def _split_tone(word: str) -> tuple[str, list[str]]:
    """(the word without tone marks, in NFC; the tone marks it carried)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in TONE_MARKS]
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return bare, tones


@functools.lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` is shaped like one Vietnamese syllable (onset, vowel nucleus, coda, ≤ 1 tone).

    A heuristic for spotting mis-decoded text, not a dictionary: it accepts some syllables nobody uses.
    """
    if not word or (any(c.isupper() for c in word[1:]) and not word.isupper()):
        return False
    bare, tones = _split_tone(word)
    if len(tones) > 1:
        return False
    match = _match_syllable(bare.lower())
    if match is None:
        return False
    # stop codas (c, ch, p, t) only take the sắc or nặng tone
    return not (tones and match["coda"] in ("c", "ch", "p", "t") and tones[0] not in ("\u0301", "\u0323"))


def _place_tone(word: str) -> str:
    bare, tones = _split_tone(word)
    if len(tones) != 1:
        return word
    match = _match_syllable(bare.lower())
    if match is None:
        return word  # not a Vietnamese syllable (a foreign word or a code): leave it alone
    nucleus, coda = match["nucleus"], match["coda"]
    start = match.start("nucleus")
    marked = [i for i, c in enumerate(nucleus) if c in _QUALITY_VOWELS]
    if marked:
        # the vowel with a quality mark takes the tone; in ươ it is the ơ
        index = marked[-1]
    elif coda:
        index = len(nucleus) - 1  # hoàng, toán, huỳnh
    elif len(nucleus) == 3:
        index = 1  # ngoài, khuỷu
    elif len(nucleus) == 2:
        index = 0  # hòa, hòe, thủy, mùa, bài
    else:
        index = 0
    position = start + index
    return unicodedata.normalize("NFC", bare[: position + 1] + tones[0] + bare[position + 1 :])


_WORD_RE = re.compile(r"[^\W\d_]+")


def fix_tone_placement(text: str) -> str:
    """Put each syllable's tone mark where the platform standardises it (chuẩn hóa vị trí dấu thanh).

    ``hoà`` → ``hòa``, ``thuỷ`` → ``thủy``, ``hoè`` → ``hòe``, ``Hoàng``/``quý``/``khuỷu`` unchanged.
    Words that are not Vietnamese syllables are returned as they are.
    """
    return _WORD_RE.sub(lambda m: _place_tone(m.group(0)), nfc(text))


def normalize_text(text: str) -> str:
    """NFC, standard tone placement and collapsed whitespace: the form text columns are stored in."""
    return collapse_whitespace(fix_tone_placement(text))


# ---------------------------------------------------------------------------------------------------------
# Legacy encodings (bảng mã TCVN3, VNI, Windows-1258)

# TCVN3 (TCVN 5712:1993, VN3 subset used by the ABC ".VnTime" fonts). Uppercase toned vowels have no
# code in VN3: typists used the uppercase ".VnTimeH" fonts, which draw the lowercase codes as capitals.
_TCVN3_LETTERS = (
    "ĂÂÊÔƠƯĐăâêôơưđ"  # 0xA1-0xAE
    "àảãáạ"  # 0xB5-0xB9
    "ằẳẵắ"  # 0xBB-0xBE
    "ặầẩẫấậè"  # 0xC6-0xCC
    "ẻẽéẹềểễếệìỉ"  # 0xCE-0xD8
    "ĩíịò"  # 0xDC-0xDF
    "ỏõóọồổỗốộờởỡớợù"  # 0xE1-0xEF
    "ủũúụừửữứựỳỷỹýỵ"  # 0xF1-0xFE
)
_TCVN3_CODES = [
    *range(0xA1, 0xAF),
    *range(0xB5, 0xBA),
    *range(0xBB, 0xBF),
    *range(0xC6, 0xCD),
    *range(0xCE, 0xD9),
    *range(0xDC, 0xE0),
    *range(0xE1, 0xF0),
    *range(0xF1, 0xFF),
]
assert len(_TCVN3_LETTERS) == len(_TCVN3_CODES)
TCVN3_TO_UNICODE: dict[int, str] = dict(zip(_TCVN3_CODES, _TCVN3_LETTERS, strict=True))
UNICODE_TO_TCVN3: dict[str, int] = {v: k for k, v in TCVN3_TO_UNICODE.items()}

# VNI-Windows: a base Latin letter followed by one "mark" character of the VNI fonts (all in Latin-1),
# except ơ, ư, đ and the i/ỵ forms, which are single characters.
_VNI_TONE_PLAIN = {"": "", "\u0300": "ø", "\u0301": "ù", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_TONE_CIRCUMFLEX = {"": "â", "\u0300": "à", "\u0301": "á", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_TONE_BREVE = {"": "ê", "\u0300": "è", "\u0301": "é", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0300": "ì", "\u0301": "í", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}
    for tone in _TONE_ORDER:
        for vowel in "aeouy":
            if vowel == "y" and tone == "\u0323":
                table["ỵ"] = "î"
            elif tone:
                table[nfc(vowel + tone)] = vowel + _VNI_TONE_PLAIN[tone]
        for vowel, base in (("â", "a"), ("ê", "e"), ("ô", "o")):
            table[nfc(vowel + tone)] = base + _VNI_TONE_CIRCUMFLEX[tone]
        table[nfc("ă" + tone)] = "a" + _VNI_TONE_BREVE[tone]
        table[nfc("ơ" + tone)] = "ô" + _VNI_TONE_PLAIN[tone]
        table[nfc("ư" + tone)] = "ö" + _VNI_TONE_PLAIN[tone]
        if tone:
            table[nfc("i" + tone)] = _VNI_I[tone]
    table["đ"] = "ñ"
    upper = {k.upper(): v.upper() for k, v in table.items()}
    return {**table, **upper}


UNICODE_TO_VNI: dict[str, str] = _build_vni()
VNI_TO_UNICODE: dict[str, str] = {v: k for k, v in UNICODE_TO_VNI.items()}
_VNI_RE = re.compile("|".join(re.escape(s) for s in sorted(VNI_TO_UNICODE, key=len, reverse=True)))

Encoding = Literal["ascii", "utf-8", "utf-8-sig", "windows-1258", "tcvn3", "vni", "unicode"]


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes (or repaired from mojibake) with how sure the detector is (0 to 1)."""

    text: str
    encoding: Encoding
    confidence: float


_TCVN3_FROM_LATIN1 = {
    code: TCVN3_TO_UNICODE.get(code) or bytes([code]).decode("cp1252", "replace")
    for code in range(0x80, 0x100)
}
_TCVN3_FROM_TEXT = dict(TCVN3_TO_UNICODE)  # text already read as cp1252/Latin-1: same code points from 0xA1


def decode_tcvn3(data: bytes | str) -> str:
    """TCVN3 (ABC) bytes, or text that was read as Windows-1252/Latin-1 from such bytes, to NFC text."""
    if isinstance(data, bytes):
        # Latin-1 maps each byte to the code point of the same number; translate() then does the table in C
        return nfc(data.decode("latin-1").translate(_TCVN3_FROM_LATIN1))
    return nfc(data.translate(_TCVN3_FROM_TEXT))


def encode_tcvn3(text: str) -> bytes:
    """NFC text to TCVN3 bytes. Uppercase toned vowels have no VN3 code: they are written lowercase."""
    out = bytearray()
    for char in nfc(text):
        code = UNICODE_TO_TCVN3.get(char)
        if code is None and char.lower() in UNICODE_TO_TCVN3 and char not in "ĂÂÊÔƠƯĐ":
            code = UNICODE_TO_TCVN3[char.lower()]
        if code is not None:
            out.append(code)
        else:
            out += char.encode("cp1252")  # ASCII; anything else raises UnicodeEncodeError
    return bytes(out)


def decode_vni(data: bytes | str) -> str:
    """VNI-Windows bytes (or their Windows-1252 reading) to NFC text."""
    text = data.decode("cp1252", "replace") if isinstance(data, bytes) else data
    return nfc(_VNI_RE.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text))


def encode_vni(text: str) -> bytes:
    """NFC text to VNI-Windows bytes."""
    return "".join(UNICODE_TO_VNI.get(c, c) for c in nfc(text)).encode("cp1252")


def encode_cp1258(text: str, *, decomposed: bool = False) -> bytes:
    """Text to Windows-1258, decomposing the letters it has no single code for (ế → ê + combining acute).

    With ``decomposed=True`` every tone is written as a combining mark (á → a + 0xEC), as keyboard
    drivers set to "Windows CP 1258" type it.
    """
    out = bytearray()
    for char in nfc(text):
        if not decomposed or char.isascii():
            try:
                out += char.encode("cp1258")
                continue
            except UnicodeEncodeError:
                pass
        parts = unicodedata.normalize("NFD", char)
        tones = [c for c in parts if c in TONE_MARKS]
        base = nfc("".join(c for c in parts if c not in TONE_MARKS))
        out += (base + "".join(tones)).encode("cp1258")  # raises for characters outside Vietnamese
    return bytes(out)


def decode_cp1258(data: bytes) -> str:
    """Windows-1258 bytes to NFC text (composes the combining tone marks the code page uses)."""
    return nfc(data.decode("cp1258", "replace"))


def vietnamese_score(text: str) -> float:
    """Share of the words with non-ASCII letters that are well-formed Vietnamese syllables (1.0 if none)."""
    words = Counter(w for w in _WORD_RE.findall(nfc(text)) if not w.isascii())
    if not words:
        return 1.0
    return sum(n for w, n in words.items() if is_vietnamese_syllable(w)) / sum(words.values())


DETECTION_SAMPLE_BYTES = 256 * 1024


_UTF8_BOM = b"\xef\xbb\xbf"

# The non-ASCII bytes each legacy encoding uses for Vietnamese letters (plus no-break space and the
# Windows punctuation that word processors insert: quotes, dashes, ellipsis, bullet).
_PUNCTUATION = {0xA0, 0x85, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97}
_LEGACY_BYTES: dict[str, frozenset[int]] = {
    "windows-1258": frozenset(
        b for c in VIETNAMESE_LETTERS if not c.isascii() for b in encode_cp1258(c) if b >= 0x80
    )
    | _PUNCTUATION,
    "tcvn3": frozenset(TCVN3_TO_UNICODE) | _PUNCTUATION,
    "vni": frozenset(b for v in UNICODE_TO_VNI.values() for b in v.encode("cp1252") if b >= 0x80)
    | _PUNCTUATION,
}


def _confidence(best: float, runner_up: float) -> float:
    # sure only when the best reading is both good and clearly ahead of the next one
    margin = min(1.0, max(0.0, best - runner_up) / 0.25)
    return round(best * margin, 3)


def decode_vietnamese(data: bytes) -> DecodedText:
    """Decode bytes of unknown Vietnamese encoding (nhận dạng bảng mã).

    Order of evidence: a UTF-8 BOM; valid UTF-8 (legacy 8-bit text almost never forms valid multi-byte
    sequences); otherwise the Windows-1258, TCVN3 and VNI readings are scored by how many words come out
    as Vietnamese syllables, and the best one is returned with a confidence that falls when readings tie.
    """
    if data.startswith(_UTF8_BOM):
        return DecodedText(nfc(data[len(_UTF8_BOM) :].decode("utf-8", "replace")), "utf-8-sig", 1.0)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if text.isascii():
            return DecodedText(text, "ascii", 1.0)
        sample_score = vietnamese_score(text[:DETECTION_SAMPLE_BYTES])
        return DecodedText(nfc(text), "utf-8", round(max(0.9, sample_score), 3))
    # judge on a sample: detection needs a few thousand words, not a whole 50 MB export
    sample = data[:DETECTION_SAMPLE_BYTES]
    high = [b for b in sample if b >= 0x80]
    decoders = {"windows-1258": decode_cp1258, "tcvn3": decode_tcvn3, "vni": decode_vni}
    readings: list[tuple[float, Encoding]] = []
    for encoding, decoder in decoders.items():
        # bytes the encoding never produces for Vietnamese text count against it: this separates
        # readings that both happen to form syllables (cp1258 "tháng" also reads "thỏng" in TCVN3)
        impossible = sum(1 for b in high if b not in _LEGACY_BYTES[encoding])
        if encoding == "vni":
            # a VNI mark byte that follows no base letter (the "à" of cp1258 "Ngày") never occurs in VNI
            leftover = _VNI_RE.sub("", sample.decode("cp1252", "replace"))
            impossible += sum(1 for c in leftover if "\u00c0" <= c <= "\u00ff")  # unattached VNI marks
        penalty = min(1.0, impossible / len(high))
        readings.append((max(0.0, vietnamese_score(decoder(sample)) - penalty), encoding))  # type: ignore[arg-type]
    readings.sort(key=lambda r: r[0], reverse=True)
    best, runner_up = readings[0], readings[1]
    return DecodedText(decoders[best[1]](data), best[1], _confidence(best[0], runner_up[0]))


def repair_legacy_text(text: str) -> DecodedText:
    """Convert text that is TCVN3 or VNI read as Windows-1252 (``Thõa Thiªn HuÕ``) back to Unicode.

    Text that already reads as Vietnamese Unicode, or holds characters no 8-bit font could have
    produced (``ừ``, ``ế``...), is returned unchanged with encoding ``"unicode"``: converting it again
    would destroy it. When neither reading is convincing the text is returned unchanged with a low
    confidence, so that the caller can quarantine it with the original kept.
    """
    text = nfc(text)
    original = vietnamese_score(text)
    if original >= 0.999 or any(ord(c) > 0xFF and c not in "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ" for c in text):
        return DecodedText(text, "unicode", round(original, 3))
    readings = [
        (vietnamese_score(d), enc, d) for enc, d in (("tcvn3", decode_tcvn3(text)), ("vni", decode_vni(text)))
    ]
    readings.sort(key=lambda r: r[0], reverse=True)
    score, encoding, decoded = readings[0]
    if score - original < 0.25:
        return DecodedText(text, "unicode", round(original, 3))
    return DecodedText(decoded, encoding, _confidence(score, max(original, readings[1][0])))


# ---------------------------------------------------------------------------------------------------------
# Numbers (số), percentages (tỷ lệ %), money (tiền đồng)


class NumberFormatError(ValueError):
    """The text is not a number in any convention we accept."""


class AmbiguousNumberError(NumberFormatError):
    """The text reads as two different numbers (e.g. ``1,234``: 1.234 in Vietnamese, 1234 in English)."""

    def __init__(self, text: str, readings: tuple[Decimal, Decimal]) -> None:
        self.text = text
        self.readings = readings
        super().__init__(
            f"ambiguous number {text!r}: {readings[0]} (Vietnamese convention) or {readings[1]} (English convention)"
        )


NumberConvention = Literal["auto", "vi", "en"]

_SIGN_RE = re.compile(r"^([+\-−–]?)\s*(.*)$", re.S)
_THOUSANDS_RE = {sep: re.compile(rf"^[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+$") for sep in ".,"}


def _grouped(digits: str, sep: str) -> bool:
    return bool(_THOUSANDS_RE[sep].match(digits))


def _read(body: str, thousands: str, decimal: str) -> Decimal | None:
    """The number ``body`` denotes in one convention, or None if it is not well-formed there."""
    if body.count(decimal) > 1:
        return None
    integer, _, fraction = body.partition(decimal)
    if decimal in body and (not fraction.isdigit() or not integer):
        return None
    if thousands in integer:
        if not _grouped(integer, thousands):
            return None
        integer = integer.replace(thousands, "")
    if not integer.isdigit():
        return None
    return Decimal(integer + ("." + fraction if fraction else ""))


def parse_number_vi(text: str | int | float | Decimal, convention: NumberConvention = "auto") -> Decimal:
    """Parse a number written the Vietnamese way (``.`` thousands, ``,`` decimals), or the English way.

    * ``"106.071"`` → 106071, ``"64,89"`` → 64.89, ``"1.234.567,5"`` → 1234567.5;
    * English ``"1,234.5"``, ``"3.5"``, ``"1,234,567"`` are read as English, because they are not
      well-formed Vietnamese numbers;
    * with ``convention="auto"``, one separator followed by exactly three digits is a thousands
      separator when it is ``.`` (``106.071``, the way every provincial report writes counts) but
      ambiguous when it is ``,`` (``1,234``: Vietnamese 1.234 or English 1234), and raises
      :class:`AmbiguousNumberError`; pass ``convention="vi"`` or ``"en"`` once the column's convention
      is known (see :func:`infer_number_convention`);
    * spaces and no-break spaces between digit groups are ignored; a leading ``-``/``−`` is a sign.
    """
    if isinstance(text, bool):
        raise NumberFormatError(f"not a number: {text!r}")
    if isinstance(text, int | Decimal):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    raw = text
    if text.isascii() and text.isdigit():
        return Decimal(text)  # the common case, without the regular expressions below
    match = _SIGN_RE.match(collapse_whitespace(nfc(text)))
    sign, body = (match[1], match[2]) if match else ("", "")
    body = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d)", "", body)
    if not body or not re.fullmatch(r"[\d.,]+", body) or (not body[0].isdigit() and body[0] not in ".,"):
        raise NumberFormatError(f"not a number: {raw!r}")
    if body[0] in ".,":
        body = "0" + body  # ",5" / ".5"
    vi = _read(body, ".", ",")
    en = _read(body, ",", ".")
    if vi is None and en is None:
        raise NumberFormatError(f"not a number: {raw!r}")
    if convention == "vi":
        value = vi if vi is not None else en
    elif convention == "en":
        value = en if en is not None else vi
    elif vi is None or en is None or vi == en:
        value = vi if vi is not None else en
    elif "," in body:
        raise AmbiguousNumberError(raw, (vi, en))
    else:
        value = vi  # "106.071": Vietnamese thousands
    assert value is not None
    return -value if sign in ("-", "−", "–") else value


def number_convention_of(text: str) -> Literal["vi", "en"] | None:
    """Which convention ``text`` proves, if any (``64,89`` → vi, ``3.5`` → en, ``106`` → None)."""
    if text.isascii() and text.isdigit():
        return None
    try:
        body = _clean_body(text)
    except ValueError:
        return None
    vi, en = _read(body, ".", ","), _read(body, ",", ".")
    if vi is not None and en is None:
        return "vi"
    if en is not None and vi is None:
        return "en"
    return None


def _clean_body(text: str) -> str:
    body = collapse_whitespace(nfc(text)).lstrip("+-−– ")
    body = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d)", "", body)
    if not body or not re.fullmatch(r"[\d.,]+", body):
        raise ValueError(text)
    return "0" + body if body[0] in ".," else body


def infer_number_convention(values: list[str]) -> Literal["vi", "en", "mixed"] | None:
    """The convention a column's values prove: ``"vi"``, ``"en"``, ``"mixed"`` (both proved) or None."""
    seen = {c for c in (number_convention_of(v) for v in set(values) if isinstance(v, str)) if c}
    if len(seen) == 2:
        return "mixed"
    return next(iter(seen), None)


_PERCENT_RE = re.compile(r"^(.*?)\s*%$", re.S)


def parse_percent_vi(text: str, convention: NumberConvention = "auto") -> Decimal:
    """``"64,89 %"`` → Decimal("64.89"): the value in percent, as reports publish it (not a fraction)."""
    match = _PERCENT_RE.match(collapse_whitespace(nfc(text)))
    if match is None:
        raise NumberFormatError(f"not a percentage: {text!r}")
    return parse_number_vi(match[1], convention)


_MONEY_UNITS = {"nghìn": 3, "ngàn": 3, "k": 3, "triệu": 6, "tr": 6, "tỷ": 9, "tỉ": 9}
_CURRENCY = r"(?:vnđ|vnd|đồng|đ|₫|d)"
_MONEY_RE = re.compile(
    rf"^(?P<number>[+\-−]?[\d.,\s]*\d)\s*(?P<unit>nghìn|ngàn|k|triệu|tr|tỷ|tỉ)?\.?\s*(?:{_CURRENCY})?\.?$",
    re.I,
)


def parse_money_vi(text: str | int | float | Decimal, convention: NumberConvention = "auto") -> Decimal:
    """VND amounts: ``"1.500.000 đ"``, ``"1.500.000 VNĐ"``, ``"1,5 triệu"``, ``"2 tỷ đồng"``, ``"500k"``."""
    if not isinstance(text, str):
        return parse_number_vi(text)
    match = _MONEY_RE.match(collapse_whitespace(nfc(text)))
    if match is None:
        raise NumberFormatError(f"not a VND amount: {text!r}")
    value = parse_number_vi(match["number"], convention)
    unit = match["unit"]
    if unit:
        value = value.scaleb(_MONEY_UNITS[unit.lower()])
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


# ---------------------------------------------------------------------------------------------------------
# Dates (ngày tháng)


class DateFormatError(ValueError):
    """The text is not a date in any format we accept, or names a day that does not exist."""


EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 given Excel's fictitious 29/02/1900
EXCEL_SERIAL_RANGE = (18264, 73050)  # 1950-01-01 .. 2099-12-31: plain years such as 2024 are not dates

_DMY_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+\-]\d{2}:?\d{2})?)?$"
)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$")
_LONG_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_SERIAL_RE = re.compile(r"^\d{1,7}(?:[.,]\d+)?$")


def _build(text: object, parts: tuple[str | None, ...]) -> dt.datetime:
    year, month, day, hour, minute, second = (int(p) if p else 0 for p in parts)
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise DateFormatError(f"not a valid date: {text!r} ({exc})") from None


def excel_serial_to_datetime(serial: float) -> dt.datetime:
    """An Excel (1900 date system) serial day number to a datetime."""
    return dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(days=float(serial))


def parse_datetime_vi(
    text: str | int | float | dt.date,
    *,
    excel_serial_range: tuple[int, int] | None = EXCEL_SERIAL_RANGE,
) -> dt.datetime:
    """Parse a date/time as found in Vietnamese sources, day first (ngày/tháng/năm).

    Accepts ``dd/mm/yyyy`` and ``d/m/yyyy`` (also with ``-`` or ``.``, optionally followed by
    ``HH:MM[:SS]``), ``yyyyMMddHHmmss`` and ``yyyyMMdd``, ISO 8601, ``ngày 10 tháng 10 năm 2024``
    (anywhere in the text, e.g. ``Huế, ngày 10 tháng 10 năm 2024``), and Excel serial numbers within
    ``excel_serial_range`` (None disables them). Times are naive local time (Asia/Ho_Chi_Minh).
    """
    if isinstance(text, dt.datetime):
        return text
    if isinstance(text, dt.date):
        return dt.datetime.combine(text, dt.time())
    if isinstance(text, bool):
        raise DateFormatError(f"not a date: {text!r}")
    if isinstance(text, int | float):
        return _from_serial(text, text, excel_serial_range)
    value = collapse_whitespace(nfc(text))
    if _ISO_RE.match(value):
        return _from_iso(text, value)
    for pattern, order in ((_DMY_RE, (2, 1, 0, 3, 4, 5)), (_COMPACT_RE, (0, 1, 2, 3, 4, 5))):
        match = pattern.match(value)
        if match:
            groups = match.groups()
            return _build(text, tuple(groups[i] for i in order))
    match = _LONG_RE.search(value)
    if match:
        return _build(text, (match[3], match[2], match[1], None, None, None))
    if _SERIAL_RE.match(value):
        return _from_serial(text, float(value.replace(",", ".")), excel_serial_range)
    raise DateFormatError(f"not a date: {text!r}")


_VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has had no DST since 1975


def _from_iso(text: object, value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise DateFormatError(f"not a valid date: {text!r} ({exc})") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(_VIETNAM_TZ).replace(tzinfo=None)
    return parsed


def _from_serial(text: object, serial: float, limits: tuple[int, int] | None) -> dt.datetime:
    if limits is None or not limits[0] <= serial <= limits[1]:
        raise DateFormatError(f"not a date: {text!r} (outside the accepted Excel serial range {limits})")
    return excel_serial_to_datetime(serial)


def parse_date_vi(
    text: str | int | float | dt.date,
    *,
    excel_serial_range: tuple[int, int] | None = EXCEL_SERIAL_RANGE,
) -> dt.date:
    """Like :func:`parse_datetime_vi`, keeping the date only."""
    return parse_datetime_vi(text, excel_serial_range=excel_serial_range).date()


# ---------------------------------------------------------------------------------------------------------
# Formatting back (định dạng hiển thị)


def format_number_vi(value: int | float | Decimal, decimals: int | None = None) -> str:
    """``106071`` → ``"106.071"``; ``format_number_vi(64.89, 2)`` → ``"64,89"``; ``-1234.5`` → ``"-1.234,5"``.

    With ``decimals=None`` integers print without a fraction and other numbers with as many places as
    they need; with ``decimals=n`` the value is rounded half up to ``n`` places.
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    integer, _, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    return sign + grouped + ("," + fraction if fraction else "")


def format_percent_vi(value: int | float | Decimal, decimals: int = 2) -> str:
    """``64.89`` → ``"64,89 %"`` (the value is already in percent; rates are published to 2 places)."""
    return f"{format_number_vi(value, decimals)} %"


def format_money_vi(value: int | float | Decimal) -> str:
    """``1500000`` → ``"1.500.000 đ"``."""
    return f"{format_number_vi(value)} đ"


def format_date_vi(value: dt.date, style: Literal["short", "long"] = "short") -> str:
    """``10/10/2024`` (short) or ``ngày 10 tháng 10 năm 2024`` (long, as in official documents)."""
    if style == "long":
        return f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"
    return f"{value.day:02d}/{value.month:02d}/{value.year}"
