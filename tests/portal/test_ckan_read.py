"""The portal's CKAN read API, driven by the real ``ckanapi`` client (GET and POST styles)."""

from __future__ import annotations

import ckanapi
import pytest
import requests

SLUG = "ho-so-mot-cua-theo-don-vi"


@pytest.fixture(params=[False, True], ids=["post", "get"])
def ckan(portal_server, request):
    return ckanapi.RemoteCKAN(portal_server.url, get_only=request.param, user_agent="test")


def test_package_list(ckan):
    assert ckan.action.package_list() == ["co-so-luu-tru-du-lich", SLUG]
    assert ckan.action.package_list(limit=1, offset=1) == [SLUG]


def test_package_show(ckan, portal_server):
    package = ckan.action.package_show(id=SLUG)
    assert package["name"] == SLUG and package["title"] == "Hồ sơ thủ tục hành chính theo đơn vị"
    assert package["organization"]["title"] == "Sở Thông tin và Truyền thông"
    assert package["version"] == "2026-11-24T01-00-00Z"
    assert {t["name"] for t in package["tags"]} == {"hồ sơ", "một cửa", "dịch vụ công"}
    assert {r["format"] for r in package["resources"]} == {"CSV", "JSON", "XLSX", "PARQUET", "DATAPACKAGE"}
    csv = next(r for r in package["resources"] if r["format"] == "CSV")
    download = requests.get(csv["url"], timeout=10)
    assert download.status_code == 200 and len(download.content) == csv["size"]
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["hue_portal_version"] == package["version"] and extras["hue_portal_hash"].startswith(
        "sha256:"
    )


def test_package_show_errors_map_to_ckanapi_exceptions(ckan):
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="khong-co")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="../../catalog.json")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_show()
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_show(id=SLUG, drop="table")


def test_package_search(ckan):
    everything = ckan.action.package_search(q="*:*", rows=10)
    assert everything["count"] == 2 and len(everything["results"]) == 2
    found = ckan.action.package_search(q="du lich")
    assert found["count"] == 1 and found["results"][0]["name"] == "co-so-luu-tru-du-lich"
    by_org = ckan.action.package_search(fq="organization:so-du-lich")
    assert [p["name"] for p in by_org["results"]] == ["co-so-luu-tru-du-lich"]
    by_tag = ckan.action.package_search(fq='tags:"một cửa"')
    assert [p["name"] for p in by_tag["results"]] == [SLUG]
    paged = ckan.action.package_search(rows=1, start=1, sort="name asc")
    assert paged["count"] == 2 and [p["name"] for p in paged["results"]] == [SLUG]
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(rows=100000)
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(fq="name:x OR 1=1")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(sort="name; drop")


def test_organization_list(ckan):
    assert ckan.action.organization_list() == ["so-du-lich", "so-thong-tin-va-truyen-thong"]
    full = ckan.action.organization_list(all_fields=True)
    assert {o["title"]: o["package_count"] for o in full} == {
        "Sở Du lịch": 1,
        "Sở Thông tin và Truyền thông": 1,
    }


def test_write_actions_do_not_exist_on_the_read_only_portal(portal_server):
    response = requests.post(
        portal_server.url + "/api/3/action/package_create", json={"name": "x"}, timeout=10
    )
    assert response.status_code in (404, 405)


def test_malformed_post_body(portal_server):
    response = requests.post(
        portal_server.url + "/api/3/action/package_show",
        data=b"\xff{not json",
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["success"] is False
