"""The connector's SOAP messages and its privacy boundary, without a server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from sandbox.population import soap as server_soap
from sandbox.population.citizens import citizen_record
from sources.population.names import ascii_upper_name
from sources.population.soap import (
    KHONG_KHOP,
    KHONG_TIM_THAY,
    KHOP,
    NS,
    LookupRequest,
    MalformedResponse,
    build_request,
    parse_fault,
    reduce_response,
)

SEED = 46


def _request(id_digits: str, name: str | None, birth: str | None, kind: str = "SoDinhDanh") -> LookupRequest:
    return LookupRequest("req-1", "1.001612", "H57", "CB1", "ab" * 32, kind, id_digits, name, birth)


def _pseudo(value: str) -> str:
    return f"P({value})"


def test_request_envelope_has_the_contract_fields() -> None:
    body = build_request(_request("046190012345", "NGUYEN THI MAI", "1990-05-01"))
    root = etree.fromstring(body)
    op = root.find(f".//{{{NS}}}TraCuuThongTinCongDan")
    assert op is not None
    fields = {etree.QName(child).localname: child.text for child in op}
    assert fields == {
        "MaYeuCau": "req-1",
        "MaDVC": "1.001612",
        "MaTichHop": "H57",
        "MaCanBo": "CB1",
        "AuthHash": "ab" * 32,
        "SoDinhDanh": "046190012345",
        "HoVaTen": "NGUYEN THI MAI",
        "NgayThangNamSinh": "1990-05-01",
    }
    # the sandbox server reads exactly what the connector writes
    assert server_soap.parse_lookup(body).fields == fields


def _answer(index: int, outcome: str) -> tuple[bytes, dict]:
    record = citizen_record(SEED, index, outcome)
    return server_soap.lookup_response("req-1", record), record


def test_match_keeps_only_allowed_fields() -> None:
    from sandbox import people

    p = people.person(SEED, 0)
    body, _record = _answer(0, "match")
    result = reduce_response(body, _request(p.personal_id, "X", None), _pseudo)
    v = reduce_response(
        body, _request(p.personal_id, ascii_upper_name(p.full_name), p.birth_date.isoformat()), _pseudo
    )
    assert result.name_match == KHONG_KHOP and result.outcome == KHONG_KHOP  # "X" is not the name
    assert v.outcome == KHOP and v.name_match == KHOP and v.birth_date_match == KHOP
    assert v.personal_id_pseudonym == f"P({p.personal_id})"
    assert v.residence_commune_code == p.commune_code
    assert v.birth_year == p.birth_date.year
    assert v.sex == p.sex
    # nothing else exists on the result object
    assert set(vars(v)) == {
        "found", "outcome", "name_match", "birth_date_match", "personal_id_pseudonym",
        "residence_commune_code", "birth_year", "sex",
    }  # fmt: skip


def test_not_found_pseudonymises_the_identifier_asked_for() -> None:
    body = server_soap.lookup_response("req-1", None)
    v = reduce_response(body, _request("046190012345", "A", None), _pseudo)
    assert (v.found, v.outcome, v.personal_id_pseudonym) == (False, KHONG_TIM_THAY, "P(046190012345)")
    assert v.residence_commune_code is None and v.sex is None


def test_old_card_lookup_is_pseudonymised_by_the_personal_id() -> None:
    from sandbox import people

    index = next(i for i in range(2000) if people.person(SEED, i).old_id_card)
    p = people.person(SEED, index)
    body = server_soap.lookup_response("req-1", citizen_record(SEED, index, "match"))
    v = reduce_response(body, _request(p.old_id_card, None, None, kind="SoCMND"), _pseudo)
    assert v.personal_id_pseudonym == f"P({p.personal_id})"
    assert v.outcome == KHOP and v.name_match is None and v.birth_date_match is None


def test_answer_for_another_request_or_person_is_refused() -> None:
    body, record = _answer(0, "match")
    other = LookupRequest("req-2", "1", "H57", "CB1", "x", "SoDinhDanh", record["SoDinhDanh"], None, None)
    with pytest.raises(MalformedResponse, match="another MaYeuCau"):
        reduce_response(body, other, _pseudo)
    with pytest.raises(MalformedResponse, match="differs from the identifier"):
        reduce_response(body, _request("046190000000", None, None), _pseudo)


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"<not xml",
        b"<a/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ],
)
def test_unreadable_answers_raise_malformed(text: bytes) -> None:
    with pytest.raises(MalformedResponse):
        reduce_response(text, _request("046190012345", None, None), _pseudo)


@given(st.binary(max_size=300))
def test_garbage_never_escapes_as_another_error(data: bytes) -> None:
    try:
        reduce_response(data, _request("046190012345", "A B", "1990-01-01"), _pseudo)
    except MalformedResponse as exc:
        assert "046190012345" not in str(exc)


def test_fault_is_parsed_and_classified() -> None:
    fault = parse_fault(server_soap.fault("soap:Client.AuthHash", "AuthHash không hợp lệ"))
    assert fault is not None and fault.is_client and fault.code == "soap:Client.AuthHash"
    server = parse_fault(server_soap.fault("soap:Server", "lỗi"))
    assert server is not None and not server.is_client
    assert parse_fault(b"<x/>") is None and parse_fault(b"garbage") is None
