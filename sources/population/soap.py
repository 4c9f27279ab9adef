"""SOAP 1.1 messages of ``TraCuuThongTinCongDan`` (tra cứu thông tin công dân), namespace ``http://dancuquocgia.bca``.

:func:`reduce_response` is the privacy boundary of the connector: it parses the answer and returns only
what the warehouse may keep (match flags, a pseudonym, residence commune, birth year, sex). Ethnicity
(dân tộc), religion (tôn giáo), names, addresses and relatives are read into nothing: the parsed tree is
dropped before the function returns, and nothing from it is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from sources.common.vietnamese import decode_vietnamese
from sources.population.names import ascii_upper_name

log = logging.getLogger(__name__)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "http://dancuquocgia.bca"
OPERATION = "TraCuuThongTinCongDan"
SOAP_ACTION = f"{NS}/{OPERATION}"

# XXE-safe: no entity expansion, no network, no DTD loading.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
MIN_ENCODING_CONFIDENCE = 0.8  # below this a legacy reading is a guess: the answer is left to fail
_SEX = {"1": "Nam", "2": "Nữ", "nam": "Nam", "nữ": "Nữ"}

KHOP = "khớp"
KHONG_KHOP = "không khớp"
KHONG_TIM_THAY = "không tìm thấy"


class MalformedResponse(ValueError):
    """The answer is not a readable ``TraCuuThongTinCongDanResponse``; the message never quotes it."""


@dataclass(frozen=True)
class SoapFault:
    """A SOAP 1.1 Fault: ``faultcode`` (``soap:Client`` / ``soap:Server``) and ``faultstring``."""

    code: str
    message: str

    @property
    def is_client(self) -> bool:
        return self.code.split(":")[-1].startswith("Client")


@dataclass(frozen=True)
class LookupRequest:
    """One lookup as sent: ``HoVaTen`` already in upper case without diacritics."""

    request_id: str  # MaYeuCau
    service_code: str  # MaDVC
    integration_code: str  # MaTichHop
    officer_code: str  # MaCanBo
    auth_hash: str  # AuthHash
    id_kind: str  # "SoDinhDanh" | "SoCMND"
    id_digits: str
    name_ascii: str | None  # HoVaTen
    birth_date: str | None  # NgayThangNamSinh, yyyy-MM-dd


@dataclass(frozen=True)
class Verification:
    """What survives a lookup: nothing here identifies a person without the pseudonym key."""

    found: bool
    outcome: str  # khớp | không khớp | không tìm thấy
    name_match: str | None
    birth_date_match: str | None
    personal_id_pseudonym: str | None
    residence_commune_code: str | None
    birth_year: int | None
    sex: str | None


def build_request(req: LookupRequest) -> bytes:
    """The SOAP envelope (UTF-8 bytes) for one lookup."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "dc": NS})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    op = etree.SubElement(body, f"{{{NS}}}{OPERATION}")
    fields = [
        ("MaYeuCau", req.request_id),
        ("MaDVC", req.service_code),
        ("MaTichHop", req.integration_code),
        ("MaCanBo", req.officer_code),
        ("AuthHash", req.auth_hash),
        (req.id_kind, req.id_digits),
        ("HoVaTen", req.name_ascii),
        ("NgayThangNamSinh", req.birth_date),
    ]
    for name, value in fields:
        if value is not None:
            etree.SubElement(op, f"{{{NS}}}{name}").text = value
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def as_utf8(content: bytes, system: str = "population") -> bytes:
    """The answer as UTF-8 bytes: a body a legacy gateway re-encoded in Windows-1258 (or TCVN3, VNI) under
    a UTF-8 label is recovered when its reading is unambiguous, else handed on as it came (and then
    fails to parse, which the caller reports)."""
    try:
        content.decode("utf-8")
        return content
    except UnicodeDecodeError:
        guess = decode_vietnamese(content)
    if guess.confidence < MIN_ENCODING_CONFIDENCE:
        return content
    log.warning("%s: an answer arrived in %s under a UTF-8 label; decoded it as such", system, guess.encoding)
    return guess.text.encode("utf-8")


def parse_fault(content: bytes) -> SoapFault | None:
    """The Fault in a SOAP answer, or ``None`` if the body is not a SOAP Fault."""
    try:
        root = etree.fromstring(as_utf8(content), _PARSER)
    except etree.XMLSyntaxError:
        return None
    fault = root.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    if fault is None:
        return None
    return SoapFault(
        code=(fault.findtext("faultcode") or "").strip(),
        message=(fault.findtext("faultstring") or "").strip(),
    )


def reduce_response(
    content: bytes, request: LookupRequest, pseudonymise: Callable[[str], str]
) -> Verification:
    """Parse one answer and keep only the allowed fields (the connector's privacy boundary).

    Raises :class:`MalformedResponse` when the answer is unreadable, answers another request, or lacks
    the fields a verification needs.
    """
    try:
        root = etree.fromstring(as_utf8(content), _PARSER)
    except etree.XMLSyntaxError:
        raise MalformedResponse("answer is not well-formed XML") from None
    result = root.find(f"{{{SOAP_ENV}}}Body/{{{NS}}}{OPERATION}Response")
    if result is None:
        raise MalformedResponse(f"answer has no {OPERATION}Response")
    if _text(result, "MaYeuCau") != request.request_id:
        raise MalformedResponse("answer carries another MaYeuCau")
    status = _text(result, "MaKetQua")
    citizen = result.find(f"{{{NS}}}CongDan")
    if status == "1":
        # nothing to compare; the pseudonym of the identifier asked for still links the dossier
        return Verification(
            False, KHONG_TIM_THAY, None, None, pseudonymise(request.id_digits), None, None, None
        )
    if status != "0" or citizen is None:
        raise MalformedResponse("answer has neither MaKetQua=1 nor a CongDan record")

    personal_id = _text(citizen, "SoDinhDanh")
    old_card = _text(citizen, "SoCMND")
    if request.id_kind == "SoDinhDanh" and personal_id != request.id_digits:
        raise MalformedResponse("CongDan.SoDinhDanh differs from the identifier asked for")
    if request.id_kind == "SoCMND" and old_card != request.id_digits:
        raise MalformedResponse("CongDan.SoCMND differs from the identifier asked for")

    birth = _text(citizen, "NgayThangNam")
    birth_year = _birth_year(birth)
    name_match = None
    if request.name_ascii is not None:
        name = citizen.find(f"{{{NS}}}HoVaTen")
        parts = [] if name is None else [_text(name, p) or "" for p in ("Ho", "ChuDem", "Ten")]
        recorded = ascii_upper_name(" ".join(parts))
        if not recorded:
            raise MalformedResponse("CongDan.HoVaTen is empty")
        name_match = KHOP if recorded == request.name_ascii else KHONG_KHOP
    birth_match = None
    if request.birth_date is not None:
        if birth is None or birth_year is None:
            raise MalformedResponse("CongDan.NgayThangNam missing or unreadable")
        birth_match = KHOP if _iso_date(birth) == request.birth_date else KHONG_KHOP
    residence = _commune(citizen, "NoiOHienTai") or _commune(citizen, "ThuongTru")
    # The register records every citizen's sex: an answer without a readable GioiTinh has changed shape
    # (a renamed field), and storing the row without it would lose the field for good, since a verified
    # applicant is not asked again. As malformed, the lookup is quarantined and asked again later.
    sex = _SEX.get((_text(citizen, "GioiTinh") or "").lower())
    if sex is None:
        raise MalformedResponse("CongDan.GioiTinh missing or unreadable")
    compared = [m for m in (name_match, birth_match) if m is not None]
    outcome = KHONG_KHOP if KHONG_KHOP in compared else KHOP
    # the pseudonym is of the 12-digit ID when the register has one, so old-card lookups join to the same person
    key_id = personal_id or old_card or request.id_digits
    return Verification(
        True, outcome, name_match, birth_match, pseudonymise(key_id), residence, birth_year, sex
    )


def _text(parent: etree._Element, local: str) -> str | None:
    node = parent.find(f"{{{NS}}}{local}")
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


def _commune(citizen: etree._Element, address: str) -> str | None:
    node = citizen.find(f"{{{NS}}}{address}")
    if node is None:
        return None
    code = _text(node, "MaPhuongXa")
    if code is None:
        return None
    if not (code.isascii() and code.isdigit()):
        raise MalformedResponse(f"CongDan.{address}.MaPhuongXa is not a code")
    return code.zfill(5)


def _iso_date(value: str) -> str | None:
    """yyyy-MM-dd from the register's yyyy-MM-dd or yyyyMMdd; ``None`` for year-only or partial dates."""
    digits = value.replace("-", "").replace("/", "")
    if len(digits) == 8 and digits.isdigit():
        if "/" in value:  # dd/MM/yyyy
            return f"{digits[4:]}-{digits[2:4]}-{digits[:2]}"
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return None


def _birth_year(value: str | None) -> int | None:
    """Birth year from a full date or a year-only entry (older records often hold only the year)."""
    if value is None:
        return None
    iso = _iso_date(value)
    year = iso[:4] if iso else value.strip()[-4:] if value.strip()[-4:].isdigit() else None
    if year is None:
        return None
    number = int(year)
    return number if 1880 <= number <= 2100 else None
