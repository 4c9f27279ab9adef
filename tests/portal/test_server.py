"""The portal server over HTTP: pages, downloads, DCAT, JSON API, and a corpus of hostile input."""

from __future__ import annotations

import io
import socket
from urllib.parse import quote

import pyarrow.parquet as pq
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

SLUG = "ho-so-mot-cua-theo-don-vi"
DATA = f"/api/datasets/{SLUG}/data"


def get(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params or None, timeout=10)


def test_catalogue_page_lists_and_searches(portal_server):
    page = get(portal_server, "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Hồ sơ thủ tục hành chính theo đơn vị" in page.text and "Cơ sở lưu trú du lịch" in page.text
    assert "Content-Security-Policy" in page.headers and "<script" not in page.text
    assert "http://" not in page.text.replace(portal_server.url, "") and "https://" not in page.text
    # Accent-insensitive search: "khach san" finds "khách sạn".
    found = get(portal_server, "/", q="khach san").text
    assert "Cơ sở lưu trú du lịch" in found and "Hồ sơ thủ tục" not in found
    assert "Tìm thấy 1 / 2" in found
    by_theme = get(portal_server, "/", theme="Du lịch").text
    assert "Cơ sở lưu trú du lịch" in by_theme and "Hồ sơ thủ tục" not in by_theme
    by_publisher = get(portal_server, "/", publisher="Sở Thông tin và Truyền thông").text
    assert "Hồ sơ thủ tục" in by_publisher and "Cơ sở lưu trú" not in by_publisher
    assert "Không có bộ dữ liệu nào" in get(portal_server, "/", q="không tồn tại xyz").text


def test_dataset_page_shows_metadata_preview_downloads_and_history(portal_server):
    page = get(portal_server, f"/datasets/{SLUG}").text
    assert "Sở Thông tin và Truyền thông" in page and "Hằng quý" in page and "47/2020" in page
    assert page.count("<tr>") >= 20 and "Phường Thuận Hóa" in page
    assert f"/datasets/{SLUG}/versions/2026-11-24T01-00-00Z/download/csv" in page
    assert "2026-11-23T01-00-00Z" in page  # the older version is in the history


def test_downloads(portal_server):
    csv = get(portal_server, f"/datasets/{SLUG}/download/csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert f'filename="{SLUG}-2026-11-24T01-00-00Z.csv"' in csv.headers["content-disposition"]
    assert csv.content.decode("utf-8").startswith('"ma_don_vi"')
    old = get(portal_server, f"/datasets/{SLUG}/versions/2026-11-23T01-00-00Z/download/parquet")
    assert sum(pq.read_table(io.BytesIO(old.content)).column("so_ho_so").to_pylist()) == 43_500
    package = get(portal_server, f"/datasets/{SLUG}/download/datapackage").json()
    assert package["name"] == SLUG
    xlsx = get(portal_server, f"/datasets/{SLUG}/download/xlsx")
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("path", "parser", "media"),
    [
        ("/catalog.rdf", "xml", "application/rdf+xml"),
        ("/catalog.ttl", "turtle", "text/turtle"),
        ("/catalog.jsonld", "json-ld", "application/ld+json"),
    ],
)
def test_dcat_endpoints(portal_server, path, parser, media):
    response = get(portal_server, path)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    graph = Graph().parse(data=response.content, format=parser)
    assert len(graph) > 100
    assert portal_server.url in response.text  # links point at this portal


def test_data_api_pages_filters_sorts(portal_server):
    body = get(portal_server, DATA, page="2", pageSize="7", sort="-so_ho_so").json()
    assert body["code"] == 200 and body["totalRows"] == 30 and len(body["data"]) == 7
    values = [r["so_ho_so"] for r in body["data"]]
    assert values == sorted(values, reverse=True) and values[0] == 100 * 22 + 1
    filtered = get(
        portal_server, DATA, **{"filter[dat_chi_tieu]": "true", "filter[ky_bao_cao]": "2024-06-15"}
    ).json()
    assert filtered["totalRows"] == 15 and all(r["dat_chi_tieu"] for r in filtered["data"])
    code = get(portal_server, DATA, **{"filter[ma_don_vi]": "00000"}).json()
    assert code["totalRows"] == 1 and code["data"][0]["ma_don_vi"] == "00000"
    text = get(portal_server, DATA, **{"filter[ten_don_vi]": "Xã Hương Hòa 0"}).json()
    assert text["totalRows"] == 1
    none = get(portal_server, DATA, **{"filter[so_ho_so]": "-5"}).json()
    assert none["totalRows"] == 0 and none["data"] == []
    beyond = get(portal_server, DATA, page="999").json()
    assert beyond["totalRows"] == 30 and beyond["data"] == []
    listing = get(portal_server, "/api/datasets").json()
    assert listing["totalRows"] == 2 and {d["slug"] for d in listing["data"]} == {
        SLUG,
        "co-so-luu-tru-du-lich",
    }


def test_openapi_describes_the_api(portal_server):
    spec = get(portal_server, "/api/openapi.json").json()
    assert DATA.replace(SLUG, "{slug}") in spec["paths"]
    assert {"DataPage", "CkanPackageShow", "CkanPackage"} <= set(spec["components"]["schemas"])
    assert "/api/3/action/package_show" in spec["paths"]


BAD_DATA_QUERIES = [
    {"filter[ma_don_vi]": "' OR 1=1 --"},  # fine as a value (no rows), checked separately below
    {"filter[ma_don_vi) OR 1=1 --]": "x"},
    {"filter[so_ho_so]": "1; DROP TABLE x"},
    {"filter[so_ho_so]": "1e309"},
    {"filter[ky_bao_cao]": "2024-13-45"},
    {"filter[dat_chi_tieu]": "yes"},
    {"filter[khong_co]": "1"},
    {"filter[]": "1"},
    {"pageSize": "1000000"},
    {"pageSize": "0"},
    {"pageSize": "-1"},
    {"page": "0"},
    {"page": "1.5"},
    {"page": "99999999999999999999"},
    {"sort": "so_ho_so;DROP"},
    {"sort": "--so_ho_so"},
    {"sort": "khong_co"},
    {"sort": "a,b,c,d"},
    {"sort": "so_ho_so,so_ho_so"},
    {"sort": ""},
    {"select": "*"},
    {"filter[ma_don_vi]": "x" * 500},
    {"filter[ma_don_vi]": "a\x00b"},
]


@pytest.mark.parametrize("params", BAD_DATA_QUERIES[1:])
def test_bad_data_queries_get_a_clean_400(portal_server, params):
    response = get(portal_server, DATA, **params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == 400 and body["data"] == [] and body["message"]


def test_sql_text_as_a_value_is_just_a_value(portal_server):
    response = get(portal_server, DATA, **BAD_DATA_QUERIES[0])
    assert response.status_code == 200 and response.json()["totalRows"] == 0
    # A path as a filter value is compared with the column's values, never opened.
    traversal = get(portal_server, DATA, **{"filter[ma_don_vi]": "../../catalog.json"})
    assert traversal.status_code == 200 and traversal.json()["totalRows"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/datasets/..%2F..%2Fcatalog.json",
        "/datasets/%2E%2E",
        f"/datasets/{SLUG}/download/..%2Fmanifest",
        f"/datasets/{SLUG}/download/manifest",
        f"/datasets/{SLUG}/versions/..%2F..%2F/download/csv",
        f"/datasets/{SLUG}/versions/2026-11-23T01-00-00Z%2F..%2F..%2F/download/csv",
        "/datasets/UPPER",
        "/datasets/" + "a" * 300,
        "/api/datasets/..%2F/data",
        "/api/datasets/%FF%FE/data",
    ],
)
def test_path_traversal_and_bad_slugs_are_refused(portal_server, path):
    response = requests.get(portal_server.url + path, timeout=10)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert "ma_don_vi" not in response.text  # no file content leaked


def test_unknown_dataset_and_version_are_404(portal_server):
    assert get(portal_server, "/datasets/khong-co").status_code == 404
    assert get(portal_server, "/api/datasets/khong-co/data").json()["code"] == 404
    assert (
        get(portal_server, f"/datasets/{SLUG}/versions/2020-01-01T00-00-00Z/download/csv").status_code == 404
    )


def test_repeated_parameters_are_refused(portal_server):
    response = requests.get(portal_server.url + DATA + "?page=1&page=2", timeout=10)
    assert response.status_code == 400 and "more than once" in response.json()["message"]


@pytest.mark.parametrize("query", ["q=%FF%FE", "filter%5Bma_don_vi%5D=%C3%28", "theme=%ED%A0%80"])
def test_invalid_utf8_is_refused(portal_server, query):
    path = DATA if query.startswith("filter") else "/"
    response = requests.get(f"{portal_server.url}{path}?{query}", timeout=10)
    assert response.status_code == 400
    assert "UTF-8" in response.text


@pytest.mark.parametrize("target", [b"/?q=\xff\xfe", b"/datasets/\xc3\x28", DATA.encode() + b"?sort=\xff"])
def test_raw_non_utf8_bytes_in_the_request_line(portal_server, target):
    host, port = portal_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = sock.recv(65536)
    status = int(reply.split(b" ", 2)[1])
    assert 400 <= status < 500, reply[:200]


def test_unknown_theme_is_refused(portal_server):
    assert get(portal_server, "/", theme="<script>alert(1)</script>").status_code == 400


def test_html_escapes_the_query(portal_server):
    page = get(portal_server, "/", q='"><script>alert(1)</script>').text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(
        [
            "page",
            "pageSize",
            "sort",
            "filter[ma_don_vi]",
            "filter[so_ho_so]",
            "filter[cap_nhat_luc]",
            "filter[ty_le_truc_tuyen]",
            "filter[x",
            "q",
        ]
    ),
    value=st.text(max_size=40),
)
def test_any_single_parameter_gets_200_or_a_clean_400(portal_server, name, value):
    response = requests.get(f"{portal_server.url}{DATA}?{quote(name)}={quote(value)}", timeout=10)
    assert response.status_code in (200, 400), response.text
    body = response.json()
    # A page names its version; an error names none.
    expected = {"code", "message", "data", "totalRows"} | (
        {"version"} if response.status_code == 200 else set()
    )
    assert set(body) == expected


# -- more of the corpus (issue 10): CKAN actions, oversized input, huge pages, other methods ----------

CKAN = "/api/3/action"


@pytest.mark.parametrize(
    "path",
    [
        f"{CKAN}/package_show?id=../..",
        f"{CKAN}/package_show?id=..%2F..%2Fcatalog.json",
        f"{CKAN}/package_show?id=%2E%2E",
        f"{CKAN}/package_show?id={SLUG}%2F..%2F..",
        f"{CKAN}/package_show?id=' OR '1'='1",
        f"{CKAN}/package_show?id=%FF%FE",
        f"{CKAN}/package_show?id=" + "a" * 600,
        f"{CKAN}/package_show",
        f"{CKAN}/package_show?id={SLUG}&id=x",
        f"{CKAN}/package_search?rows=1000000",
        f"{CKAN}/package_search?rows=-1",
        f"{CKAN}/package_search?start=99999999999",
        f"{CKAN}/package_search?rows=1e3",
        f"{CKAN}/package_search?fq=organization:x) OR 1=1 --",
        f"{CKAN}/package_search?fq=id:*",
        f"{CKAN}/package_search?q=" + "x" * 600,
        f"{CKAN}/package_search?q=%C3%28",
        f"{CKAN}/package_search?sql=select 1",
        f"{CKAN}/package_list?limit=99999999",
        f"{CKAN}/package_list?offset=-5",
        "/api/action/package_show?id=../../etc/passwd",
    ],
)
def test_ckan_actions_refuse_traversal_injection_and_oversized_input(portal_server, path):
    response = requests.get(portal_server.url + path, timeout=10)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] and "ma_don_vi" not in response.text


@pytest.mark.parametrize(
    "q",
    [
        "' OR 1=1; DROP TABLE package; --",
        "name:* OR 1=1",
        '"; SELECT * FROM catalog; --',
        "' UNION SELECT password FROM users --",
    ],
)
def test_sql_in_a_ckan_search_is_just_search_text(portal_server, q):
    response = requests.get(f"{portal_server.url}{CKAN}/package_search", params={"q": q}, timeout=10)
    assert response.status_code == 200
    assert response.json()["result"]["count"] == 0  # matched as words, found in no dataset


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"x" * (70 * 1024), "application/json"),  # over the 64 KiB limit
        (b'{"id": "\xff"}'.replace(b"\\xff", b"\xff"), "application/json"),  # not UTF-8
        (b"[1, 2, 3]", "application/json"),  # not an object
        (b'{"id": {"$ne": null}}', "application/json"),  # an object where a string belongs
        (b'{"id": "' + b"a" * 1000 + b'"}', "application/json"),  # a string far too long
        (b'{"id": "../../catalog"}', "application/json"),
    ],
)
def test_ckan_post_bodies_that_cannot_be_right_get_a_clean_4xx(portal_server, body, content_type):
    response = requests.post(
        f"{portal_server.url}{CKAN}/package_show",
        data=body,
        headers={"Content-Type": content_type},
        timeout=10,
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:200])
    assert response.json()["success"] is False


@pytest.mark.parametrize(
    "params",
    [
        {"pageSize": "1001"},
        {"pageSize": "9" * 30},
        {"page": "1000001"},
        {"pageSize": "1000", "page": "99999999"},
        {"q": "x" * 5000},
        {"x" * 500: "1"},
        {f"filter[{'a' * 70}]": "1"},
    ],
)
def test_oversized_parameters_and_huge_pages_get_a_clean_400(portal_server, params):
    response = get(portal_server, DATA, **params)
    assert response.status_code == 400, (params, response.status_code, response.text[:200])
    assert response.json()["data"] == []


def test_the_largest_allowed_page_is_served(portal_server):
    body = get(portal_server, DATA, pageSize="1000").json()
    assert body["code"] == 200 and body["totalRows"] == 30 and len(body["data"]) == 30


def test_an_oversized_request_line_is_refused_before_the_app(portal_server):
    response = requests.get(f"{portal_server.url}/?q=" + "x" * 70_000, timeout=10)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        f"/datasets/{SLUG}/versions/2026-11-23T01-00-00Z/documents/..%2F..%2Fcatalog.json",
        f"/datasets/{SLUG}/versions/2026-11-23T01-00-00Z/documents/%2E%2E",
        f"/datasets/{SLUG}/versions/2026-11-23T01-00-00Z/documents/report.html%00.pdf",
        f"/datasets/{SLUG}/versions/2026-11-23T01-00-00Z/documents/REPORT",
    ],
)
def test_document_names_cannot_leave_the_version(portal_server, path):
    response = requests.get(portal_server.url + path, timeout=10)
    assert 400 <= response.status_code < 500 and "ma_don_vi" not in response.text


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH"])
def test_the_portal_is_read_only(portal_server, method):
    for path in ("/api/datasets", DATA, f"/datasets/{SLUG}", f"{CKAN}/package_show?id={SLUG}"):
        response = requests.request(method, portal_server.url + path, timeout=10)
        assert response.status_code == 405, (method, path, response.status_code)


def test_every_version_bound_response_names_its_version(portal_server):
    current = get(portal_server, "/api/datasets").json()["data"]
    version = next(d["version"] for d in current if d["slug"] == SLUG)
    page = get(portal_server, DATA)
    assert page.headers["X-Dataset-Version"] == page.json()["version"] == version
    assert get(portal_server, f"/datasets/{SLUG}").headers["X-Dataset-Version"] == version
    assert get(portal_server, f"/datasets/{SLUG}/download/csv").headers["X-Dataset-Version"] == version
    old = get(portal_server, f"/datasets/{SLUG}/versions/2026-11-23T01-00-00Z/download/parquet")
    assert old.headers["X-Dataset-Version"] == "2026-11-23T01-00-00Z"
