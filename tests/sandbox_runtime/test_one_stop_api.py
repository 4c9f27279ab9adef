"""The one-stop API (DVCQG style): tokens, services, paging and filtering, nested dossiers, data faults."""

from __future__ import annotations

import json
import time
import unicodedata
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.faults import Faults
from sandbox.one_stop.api import NESTED_LISTS, RequestError, parse_timestamp, partner_page, to_windows_1258

from .conftest import DOSSIERS
from .onestop_db import BASE, dossier_rows, ts

ROWS = dossier_rows(DOSSIERS)
EXPECTED_ORDER = [r["MaHoSo"] for r in sorted(ROWS, key=lambda r: (r["NgayCapNhat"], r["MaHoSo"]))]


def fetch_all(client, service="LayDanhSachHoSo", page_size=50, **params) -> list[dict]:
    session = client.session()
    out, page = [], 1
    while True:
        answer = client.call(service, session, page=page, pageSize=page_size, **params)
        assert answer["error_code"] == 0, answer
        assert answer["page"] == page
        out.extend(answer["data"])
        if page * page_size >= answer["total"]:
            return out
        page += 1


# ---------------------------------------------------------------- tokens


def test_token_from_form_and_from_json(client):
    form = client.token()
    assert form["error_code"] == 0 and form["session"] and form["expires_in"] == 3600
    body = {
        "username": client.endpoints.env["HUE_ONE_STOP_API_USER"],
        "password": client.endpoints.env["HUE_ONE_STOP_API_PASSWORD"],
    }
    answer = client.http.post(f"{client.api}/token", json=body, timeout=5).json()
    assert answer["error_code"] == 0 and answer["session"] != form["session"]


@pytest.mark.parametrize("override", [{"password": "sai"}, {"username": "khach"}, {"password": ""}])
def test_wrong_credentials_get_no_session(client, override):
    answer = client.token(**override)
    assert answer["error_code"] == 403 and "session" not in answer


def test_token_expires_after_ttl(client):
    client.faults.set(Faults(token_ttl_s=0.4))
    answer = client.token()
    assert answer["expires_in"] == 0.4
    session = answer["session"]
    assert client.call("LayDanhMucLinhVuc", session)["error_code"] == 0
    time.sleep(0.5)
    assert client.call("LayDanhMucLinhVuc", session) == {
        "error_code": 401,
        "message": "Phiên đăng nhập hết hạn",
    }
    assert client.call("LayDanhMucLinhVuc", client.session())["error_code"] == 0  # a new token works


def test_a_shorter_ttl_expires_live_sessions(client):
    session = client.session()
    assert client.call("LayDanhMucLinhVuc", session)["error_code"] == 0
    time.sleep(0.05)
    client.faults.set(Faults(token_ttl_s=0.01))
    assert client.call("LayDanhMucLinhVuc", session)["error_code"] == 401


@pytest.mark.parametrize("session", [None, "", "not-a-token", 12345])
def test_invalid_session_answers_200_with_error_401(client, session):
    response = client.post({"session": session, "service": "LayDanhSachHoSo"})
    assert response.status_code == 200
    assert response.json() == {"error_code": 401, "message": "Phiên đăng nhập hết hạn"}


def test_bearer_header_is_accepted_as_session(client):
    response = client.http.post(
        f"{client.api}/service",
        json={"service": "LayDanhMucLinhVuc"},
        headers={"Authorization": f"Bearer {client.session()}"},
        timeout=5,
    )
    assert response.json()["error_code"] == 0


# ---------------------------------------------------------------- request validation


def test_unknown_service(client):
    answer = client.call("LayDanhSachHoSoX")
    assert (
        answer["error_code"] == 404
        and "LayDanhSachHoSoX" in answer["message"]
        and "LayDanhSachHoSo" in answer["message"]
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"TuNgay": "2023-01-01"}, "TuNgay"),
        ({"DenNgay": "20230231000000"}, "DenNgay"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"pageSize": 10_001}, "pageSize"),
        ({"pageSize": True}, "pageSize"),
    ],
)
def test_bad_parameters_are_refused_by_name(client, params, field):
    answer = client.call("LayDanhSachHoSo", **params)
    assert answer["error_code"] == 400 and field in answer["message"]


def test_body_that_is_not_json_is_a_400(client):
    response = client.http.post(
        f"{client.api}/service", data=b"{not json", headers={"Content-Type": "application/json"}, timeout=5
    )
    assert response.status_code == 400 and response.json()["error_code"] == 400


# ---------------------------------------------------------------- paging, filtering, shape


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(-10, 900),
    length=st.integers(0, 900),
    page_size=st.integers(9, 120),  # pageSize 1 is covered below: here it would cost 240 requests an example
    bounds=st.sampled_from(["both", "from", "to", "none"]),
)
def test_paging_and_filtering_match_the_database(one_stop, start, length, page_size, bounds):
    one_stop.faults.reset()
    tu = ts(BASE + timedelta(hours=start))
    den = ts(BASE + timedelta(hours=start + length))
    params = {}
    if bounds in ("both", "from"):
        params["TuNgay"] = tu
    if bounds in ("both", "to"):
        params["DenNgay"] = den
    expected = [
        code
        for code, row in zip(
            EXPECTED_ORDER, sorted(ROWS, key=lambda r: (r["NgayCapNhat"], r["MaHoSo"])), strict=True
        )
        if ("TuNgay" not in params or row["NgayCapNhat"] >= tu)
        and ("DenNgay" not in params or row["NgayCapNhat"] <= den)
    ]
    got = fetch_all(one_stop, page_size=page_size, **params)
    assert [r["MaHoSo"] for r in got] == expected


def test_page_size_one_over_a_window_with_equal_timestamps(client):
    tu, den = ts(BASE + timedelta(hours=7)), ts(BASE + timedelta(hours=21))
    got = fetch_all(client, page_size=1, TuNgay=tu, DenNgay=den)
    assert [r["MaHoSo"] for r in got] == [f"000.00.14.H57-230102-{i:04d}" for i in range(2, 8)]


def test_pages_requested_out_of_order_are_the_same_pages(client):
    session = client.session()
    in_order = [client.call("LayDanhSachHoSo", session, page=p, pageSize=37)["data"] for p in (1, 2, 3, 4)]
    backwards = [client.call("LayDanhSachHoSo", session, page=p, pageSize=37)["data"] for p in (4, 3, 2, 1)]
    assert in_order == backwards[::-1]
    beyond = client.call("LayDanhSachHoSo", session, page=99, pageSize=37)
    assert beyond["data"] == [] and beyond["total"] == DOSSIERS


def test_dossier_record_shape_and_nested_lists(client):
    data = client.call("LayDanhSachHoSo", pageSize=6)["data"]
    first = data[0]
    assert first["MaHoSo"] == "000.00.14.H57-230102-0000"
    assert first["SoGiayToChuHoSo"] == "046000000000"  # codes keep their leading zeros, as strings
    assert first["NgayCapNhat"] == "20230102080000"
    assert set(NESTED_LISTS) <= set(first)
    assert first["DinhDanhCHS"] == [{"LoaiDinhDanh": 1, "SoDinhDanh": "046000000000"}]
    assert [d["TenTepDinhKem"] for d in first["TaiLieuNop"]] == ["Tờ khai 1.pdf", "Tờ khai 2.pdf"]
    assert first["DanhSachLePhi"] == [{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP01", "Gia": 100000}]
    assert data[1]["TaiLieuNop"] == [] and data[1]["DanhSachLePhi"] == []
    assert all(unicodedata.is_normalized("NFC", r["ChuHoSo"]) for r in data)


def test_processing_steps_ordered_and_filterable_by_dossier(client):
    steps = fetch_all(client, "LayTienDoHoSo", page_size=100)
    assert len(steps) == 2 * DOSSIERS
    assert steps == sorted(steps, key=lambda s: (s["NgayCapNhat"], s["MaHoSo"], s["STT"]))
    one = client.call("LayTienDoHoSo", MaHoSo="000.00.14.H57-230102-0007")
    assert [(s["MaHoSo"], s["STT"]) for s in one["data"]] == [
        ("000.00.14.H57-230102-0007", 1),
        ("000.00.14.H57-230102-0007", 2),
    ]


def test_catalogues_answer_upper_case_keys(client):
    procedures = client.call("LayDanhSachTTHC")
    assert procedures["total"] == 7
    assert {"MATTHC", "TENTTHC", "MALINHVUC", "MUCDODVC", "NGAYCAPNHAT"} <= set(procedures["data"][0])
    agencies = client.call("LayDanhMucCoQuan")["data"]
    assert agencies[0]["MADONVI"] == "000.00.14.H57" and agencies[0]["CAPDONVI"] == 1
    assert client.call("LayDanhMucLinhVuc")["data"] == [
        {"MALINHVUC": "G09-TM01", "TENLINHVUC": "Thương mại", "NGAYCAPNHAT": "20230102080000"}
    ]


# ---------------------------------------------------------------- data faults


def raw_page(client, session, page, page_size=40, service="LayDanhSachHoSo"):
    response = client.post({"session": session, "service": service, "page": page, "pageSize": page_size})
    assert response.status_code == 200
    return response


def test_truncated_page_is_cut_json(client):
    session = client.session()
    client.faults.set(Faults(truncate_page_every=2))
    whole = raw_page(client, session, 1)
    cut = raw_page(client, session, 2)
    assert json.loads(whole.content)["page"] == 1
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    assert int(cut.headers["content-length"]) == len(cut.content) < len(whole.content)
    assert json.loads(raw_page(client, session, 2).content)["page"] == 2  # retrying gets the page


def test_repeated_page_serves_the_previous_rows(client):
    session = client.session()
    client.faults.set(Faults(repeat_page_every=2))
    page1 = raw_page(client, session, 1).json()["data"]
    page2 = raw_page(client, session, 2).json()
    assert page2["page"] == 2 and page2["data"] == page1
    retry = raw_page(client, session, 2).json()["data"]
    assert [r["MaHoSo"] for r in retry] == EXPECTED_ORDER[40:80]


def test_reordered_pages_still_cover_everything_once(client):
    client.faults.set(Faults(reorder_pages=True))
    got = fetch_all(client, page_size=50)
    codes = [r["MaHoSo"] for r in got]
    assert codes != EXPECTED_ORDER
    assert sorted(codes) == sorted(EXPECTED_ORDER) and len(codes) == len(set(codes))
    assert codes[:50] == EXPECTED_ORDER[50:100][::-1]
    assert [partner_page(p, 5) for p in (1, 2, 3, 4, 5)] == [2, 1, 4, 3, 5]


def test_malformed_rows_carry_bad_values_but_keep_key_and_cursor(client):
    client.faults.set(Faults(malformed_rows_every=10))
    data = client.call("LayDanhSachHoSo", pageSize=40)["data"]
    bad = [r for i, r in enumerate(data) if (i + 1) % 10 == 0]
    assert [r["NgayTiepNhan"] for r in bad[::3]] == ["31/02/2023", "31/02/2023"]
    assert bad[1]["TrangThaiHoSo"] == "abc"
    assert bad[2]["NgayHenTra"] == "20231345250000"
    assert [r["MaHoSo"] for r in data] == EXPECTED_ORDER[:40]
    assert all(len(r["NgayCapNhat"]) == 14 for r in data)
    good = [r for i, r in enumerate(data) if (i + 1) % 10]
    assert all(isinstance(r["TrangThaiHoSo"], int) for r in good)


@pytest.mark.parametrize(
    ("mode", "check"),
    [
        ("add_column", lambda r: r.get("MaHoSoLienThong") == "LT-" + r["MaHoSo"]),
        ("remove_column", lambda r: "TrichYeuHoSo" not in r),
        ("rename_column", lambda r: "NgayHenTra" not in r and "NgayHenTraKetQua" in r),
        ("retype_column", lambda r: r["KenhThucHien"] in ("Trực tiếp", "Trực tuyến", "Bưu chính công ích")),
    ],
)
def test_schema_drift_changes_one_dossier_field(client, mode, check):
    client.faults.set(Faults(schema_drift=mode))
    data = client.call("LayDanhSachHoSo", pageSize=5)["data"]
    assert data and all(check(r) for r in data)
    assert all(r["MaHoSo"] and r["NgayCapNhat"] for r in data)
    client.faults.reset()
    assert not check(client.call("LayDanhSachHoSo", pageSize=5)["data"][0])


def test_bad_encoding_sends_windows_1258_bytes(client):
    client.faults.set(Faults(bad_encoding=True))
    response = raw_page(client, client.session(), 1, page_size=5)
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    decoded = json.loads(response.content.decode("cp1258"))
    assert unicodedata.normalize("NFC", decoded["data"][0]["ChuHoSo"]) == "Nguyễn Thị Mai"


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵÀẢÃÁẠĐỨỰ ",
        max_size=40,
    )
)
def test_windows_1258_round_trips_vietnamese(text):
    assert unicodedata.normalize("NFC", to_windows_1258(text).decode("cp1258")) == text


@given(st.integers(1, 500))
def test_reordering_is_a_permutation_of_the_pages(total_pages):
    served = [partner_page(p, total_pages) for p in range(1, total_pages + 1)]
    assert sorted(served) == list(range(1, total_pages + 1))


@given(st.one_of(st.text(max_size=20), st.integers(), st.none(), st.from_regex(r"\A2[0-9]{13}\Z")))
def test_timestamp_bounds_are_validated_or_refused_never_crash(value):
    try:
        parsed = parse_timestamp(value, "TuNgay")
    except RequestError as exc:
        assert "TuNgay" in str(exc)
    else:
        assert parsed is None or datetime.strptime(parsed, "%Y%m%d%H%M%S")
