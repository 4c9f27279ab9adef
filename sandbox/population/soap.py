"""SOAP 1.1 wire format of the sandbox register: read ``TraCuuThongTinCongDan``, write answers and Faults.

Parsing refuses DTDs and entities (XXE), as a real gateway must. Faults follow WS-I Basic Profile: HTTP 500
with ``soap:Client`` (the caller's fault: bad credentials or request) or ``soap:Server``. Fault strings never
echo request values: they would carry personal data into the caller's logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "http://dancuquocgia.bca"
OPERATION = "TraCuuThongTinCongDan"
REQUEST_FIELDS = (
    "MaYeuCau",
    "MaDVC",
    "MaTichHop",
    "MaCanBo",
    "AuthHash",
    "SoDinhDanh",
    "SoCMND",
    "HoVaTen",
    "NgayThangNamSinh",
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class BadRequest(ValueError):
    """The request is not a readable ``TraCuuThongTinCongDan`` call (answered as a ``soap:Client`` fault)."""


@dataclass(frozen=True)
class Lookup:
    fields: dict[str, str]

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


def parse_lookup(body: bytes) -> Lookup:
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        raise BadRequest("yêu cầu không phải XML hợp lệ (request is not well-formed XML)") from None
    op = root.find(f"{{{SOAP_ENV}}}Body/{{{NS}}}{OPERATION}")
    if op is None:
        raise BadRequest(f"không có thao tác {OPERATION} (no {OPERATION} operation in the body)")
    values: dict[str, str] = {}
    for name in REQUEST_FIELDS:
        node = op.find(f"{{{NS}}}{name}")
        if node is not None and node.text and node.text.strip():
            values[name] = node.text.strip()
    return Lookup(values)


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    return envelope, etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")


def _add(parent: etree._Element, name: str, value: Any) -> None:
    node = etree.SubElement(parent, f"{{{NS}}}{name}")
    if value is None:
        return  # an empty element: the register states the field and that it has no value
    if isinstance(value, dict):
        for key, item in value.items():
            _add(node, key, item)
    else:
        node.text = str(value)


def lookup_response(request_id: str, citizen: dict[str, Any] | None) -> bytes:
    """The answer: ``MaKetQua`` 0 with ``CongDan`` when found, 1 when the register has no such person."""
    envelope, body = _envelope()
    result = etree.SubElement(body, f"{{{NS}}}{OPERATION}Response", nsmap={None: NS})
    _add(result, "MaYeuCau", request_id)
    _add(result, "MaKetQua", "0" if citizen is not None else "1")
    _add(result, "MoTaKetQua", "Tìm thấy công dân" if citizen is not None else "Không tìm thấy công dân")
    if citizen is not None:
        _add(result, "CongDan", citizen)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def fault(code: str, message: str) -> bytes:
    """A SOAP 1.1 Fault envelope (``code`` like ``soap:Client.AuthHash``)."""
    envelope, body = _envelope()
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(node, "faultcode").text = code
    etree.SubElement(node, "faultstring").text = message
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
