"""The open-data connector against the running sandbox portal (uvicorn on a free 127.0.0.1 port)."""

from __future__ import annotations

import json

import pytest
import requests

from sandbox.faults import Faults
from sandbox.open_data.datasets import BY_SLUG, DATASETS
from sandbox.open_data.render import FLAVOURS, file_name
from sources.common.errors import SourceError
from sources.common.vietnamese import decode_tcvn3, encode_tcvn3
from sources.open_data import OpenDataConnector
from sources.open_data.catalog import parse_catalog

from .conftest import FAST, expected_table, plain


def tcvn3_visible(text: str | None) -> str | None:
    """What survives a TCVN3 (VN3) file: uppercase toned vowels come back lowercase."""
    return None if text is None else decode_tcvn3(encode_tcvn3(text))


def connector(url: str, **kwargs) -> OpenDataConnector:
    return OpenDataConnector(url, policy=FAST, **kwargs)


@pytest.mark.integration
@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_every_flavour_parses_to_the_same_typed_table(portal_url: str, scenario, slug: str) -> None:
    dataset = BY_SLUG[slug]
    rows = dataset.rows(scenario)
    with connector(portal_url, page_size=37) as c:
        api = c.read_api(f"{portal_url}/api/datasets/{slug}", slug)
        assert api.quarantined == []
        assert plain(api.data).equals(expected_table(dataset, rows))
        for flavour in FLAVOURS:
            batch = c.read_download(f"{portal_url}/files/{slug}/{file_name(dataset, flavour)}", slug)
            assert batch.quarantined == [], (flavour, batch.quarantined[:3])
            expected = expected_table(dataset, rows, tcvn3_visible if flavour == "csv-tcvn3" else None)
            got = plain(batch.data)
            assert got.schema == expected.schema, flavour
            assert got.equals(expected), (
                flavour,
                [n for n in got.column_names if not got[n].equals(expected[n])],
            )


@pytest.mark.integration
def test_headers_are_kept_in_field_metadata(portal_url: str) -> None:
    dataset = BY_SLUG["truong-hoc"]
    with connector(portal_url) as c:
        batch = c.read_download(f"{portal_url}/files/truong-hoc/{file_name(dataset, 'xlsx')}", "truong-hoc")
    field = batch.data.schema.field("so_hoc_sinh_nu")
    assert field.metadata[b"title"].decode() == "Số học sinh - Nữ"
    assert batch.data.schema.field("ma_truong").type == "string"
    assert batch.data["ma_truong"][0].as_py().startswith("046")  # leading zero kept


@pytest.mark.integration
def test_dcat_catalogue_harvest(portal_url: str) -> None:
    with connector(portal_url) as c:
        records = c.catalog()
        datasets, distributions = c.catalog_batches(records)
    assert [r.identifier for r in records] == sorted(BY_SLUG)
    assert datasets.table == "datasets" and datasets.num_rows == len(DATASETS)
    assert distributions.num_rows == 3 * len(DATASETS)
    schools = next(r for r in records if r.identifier == "truong-hoc")
    assert schools.title == "Danh sách trường học"
    assert schools.publisher == "Sở Giáo dục và Đào tạo"
    assert schools.modified == BY_SLUG["truong-hoc"].modified.isoformat()
    kinds = {d.media_type for d in schools.distributions}
    assert kinds == {"application/json", "text/csv", FLAVOURS["xlsx"][1]}
    for d in schools.distributions:
        assert d.api_method == "GET" and d.api_header
        body = requests.get(
            d.download_url, params={"pageSize": 1000} if d.is_api else None, timeout=10
        ).content
        if not d.is_api:
            assert d.byte_size == len(body)  # dcat:byteSize is the real size of the download
    # the raw RDF/XML carries Huế's own namespace and Vietnamese language tags
    xml = requests.get(f"{portal_url}/dcat", timeout=10).content
    assert b"https://data.thuathienhue.gov.vn/" in xml and b'xml:lang="vi"' in xml
    assert parse_catalog(xml)[0].identifier == records[0].identifier


def test_catalogue_with_entities_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    with pytest.raises(ValueError, match="entities"):
        parse_catalog(bomb)


@pytest.mark.integration
def test_extract_is_incremental_by_modified(portal_url: str) -> None:
    ordered = sorted(DATASETS, key=lambda d: d.modified)
    cursor = ordered[7].modified.isoformat()
    with connector(portal_url) as c:
        batches = list(c.extract(cursor))
    assert [b.table for b in batches[:2]] == ["datasets", "distributions"]
    assert [b.table for b in batches[2:]] == [d.slug for d in ordered[8:]]
    cursors = [b.cursor for b in batches[2:]]
    assert cursors == sorted(cursors) and cursors[-1] == ordered[-1].modified.isoformat()


@pytest.mark.integration
def test_truncated_page_is_fetched_again(portal, portal_url: str, scenario) -> None:
    portal.faults["open_data"].set(Faults(truncate_page_every=2))
    with connector(portal_url, page_size=20) as c:
        batch = c.read_api(f"{portal_url}/api/datasets/truong-hoc", "truong-hoc")
    assert plain(batch.data).equals(
        expected_table(BY_SLUG["truong-hoc"], BY_SLUG["truong-hoc"].rows(scenario))
    )
    assert portal.faults["open_data"].counts()["truncate_page"] > 5  # 5 pages, every 2nd answer cut


@pytest.mark.integration
def test_truncated_pages_that_persist_fail_loudly(portal, portal_url: str) -> None:
    portal.faults["open_data"].set(Faults(truncate_page_every=1))
    with connector(portal_url, page_size=20) as c, pytest.raises(SourceError) as info:
        c.read_api(f"{portal_url}/api/datasets/truong-hoc", "truong-hoc")
    assert "page 1" in str(info.value) and "truncated or invalid JSON" in str(info.value)
    assert info.value.system == "open_data"


@pytest.mark.integration
def test_repeated_page_is_detected_and_fetched_again(portal, portal_url: str, scenario) -> None:
    # through the HTTP faults API, as an operator would switch it on
    requests.post(
        f"{portal_url}/_sandbox/faults", json={"repeat_page_every": 3}, timeout=5
    ).raise_for_status()
    with connector(portal_url, page_size=10) as c:
        batch = c.read_api(f"{portal_url}/api/datasets/co-so-y-te", "co-so-y-te")
    dataset = BY_SLUG["co-so-y-te"]
    assert plain(batch.data).equals(expected_table(dataset, dataset.rows(scenario)))
    assert batch.data["ma_co_so"].to_pylist() == sorted(set(batch.data["ma_co_so"].to_pylist()))


@pytest.mark.integration
def test_repeated_pages_that_persist_fail_loudly(portal, portal_url: str) -> None:
    portal.faults["open_data"].set(Faults(repeat_page_every=1))
    with (
        connector(portal_url, page_size=10) as c,
        pytest.raises(SourceError, match="page 2 failed after retries: the page repeats"),
    ):
        c.read_api(f"{portal_url}/api/datasets/co-so-y-te", "co-so-y-te")


@pytest.mark.integration
def test_malformed_api_rows_are_quarantined_with_reasons(portal, portal_url: str, scenario) -> None:
    portal.faults["open_data"].set(Faults(malformed_rows_every=9))
    dataset = BY_SLUG["co-so-luu-tru-du-lich"]
    with connector(portal_url, page_size=25) as c:
        batch = c.read_api(f"{portal_url}/api/datasets/{dataset.slug}", dataset.slug)
    total = len(dataset.rows(scenario))
    assert len(batch.quarantined) == total // 9
    assert batch.num_rows + len(batch.quarantined) == total  # nothing lost
    reasons = " ".join(q.reason for q in batch.quarantined)
    assert "hang_sao: invalid_number" in reasons and "ngay_cap_phep: invalid_date" in reasons
    for q in batch.quarantined:
        raw = json.loads(q.raw)
        assert raw["ma_co_so"].startswith("LT")  # the row is kept as it came, to be fixed and replayed
    assert batch.data.schema.field("hang_sao").type == "int64"


@pytest.mark.integration
@pytest.mark.parametrize("flavour", ["csv", "csv-bom", "csv-1258", "csv-tcvn3", "csv-vni"])
def test_malformed_csv_rows_are_quarantined_with_reasons(
    portal, portal_url: str, scenario, flavour: str
) -> None:
    portal.faults["open_data"].set(Faults(malformed_rows_every=7))
    dataset = BY_SLUG["co-so-y-te"]
    with connector(portal_url) as c:
        batch = c.read_download(
            f"{portal_url}/files/{dataset.slug}/{file_name(dataset, flavour)}", dataset.slug
        )
    total = len(dataset.rows(scenario))
    assert len(batch.quarantined) == total // 7
    assert batch.num_rows + len(batch.quarantined) == total
    reasons = [q.reason for q in batch.quarantined]
    assert any("so_giuong_benh: invalid_number" in r for r in reasons)
    assert any("ngay_hoat_dong: invalid_date" in r for r in reasons)
    assert any(r.startswith("wrong_field_count") for r in reasons)
    assert batch.data.schema.field("vi_do").type == "double"


@pytest.mark.integration
def test_json_in_a_legacy_encoding_is_decoded(portal, portal_url: str, scenario) -> None:
    portal.faults["open_data"].set(Faults(bad_encoding=True))
    dataset = BY_SLUG["di-tich-lich-su-van-hoa"]
    with connector(portal_url, page_size=50) as c:
        batch = c.read_api(f"{portal_url}/api/datasets/{dataset.slug}", dataset.slug)
    assert plain(batch.data).equals(expected_table(dataset, dataset.rows(scenario)))


@pytest.mark.integration
def test_legacy_lines_inside_a_utf8_csv_are_repaired(portal, portal_url: str, scenario) -> None:
    portal.faults["open_data"].set(Faults(bad_encoding=True))
    dataset = BY_SLUG["nha-thuoc"]
    with connector(portal_url) as c:
        parsed = c.parse_download(f"{portal_url}/files/{dataset.slug}/{file_name(dataset, 'csv')}")
    assert parsed.repaired_lines == len(dataset.rows(scenario)) // 7 + (
        1 if len(dataset.rows(scenario)) % 7 > 3 else 0
    )
    assert parsed.quarantined == []
    rows = dataset.rows(scenario)
    expected = plain(expected_table(dataset, rows))
    got = plain(parsed.table)
    for name in got.column_names:
        for i, (a, b) in enumerate(zip(got[name].to_pylist(), expected[name].to_pylist(), strict=True)):
            # repaired lines came through TCVN3, which has no uppercase toned vowels
            assert a == b or (i % 7 == 3 and a == tcvn3_visible(b)), (name, i, a, b)


@pytest.mark.integration
def test_transport_faults_are_retried(portal, portal_url: str, scenario) -> None:
    portal.faults["open_data"].set(Faults(rate_limit_every=3, error_5xx_every=4, retry_after_s=0.01))
    with connector(portal_url) as c:
        batches = list(c.extract())
        attempts = c.session.attempts
    assert len(batches) == 2 + len(DATASETS)
    assert attempts > 2 + len(DATASETS)  # some requests were refused and sent again
    for batch in batches[2:]:
        dataset = BY_SLUG[batch.table]
        assert plain(batch.data).equals(expected_table(dataset, dataset.rows(scenario)))


@pytest.mark.integration
def test_unknown_dataset_fails_naming_the_endpoint(portal_url: str) -> None:
    with connector(portal_url) as c, pytest.raises(SourceError) as info:
        c.read_api(f"{portal_url}/api/datasets/khong-co", "khong-co")
    assert info.value.endpoint.endswith("/api/datasets/khong-co") and "404" in info.value.last_error


@pytest.mark.integration
def test_api_rejects_bad_paging(portal_url: str) -> None:
    answer = requests.get(f"{portal_url}/api/datasets/bai-do-xe", params={"pageSize": "abc"}, timeout=5)
    assert answer.status_code == 400 and answer.json()["code"] == 400
    answer = requests.get(
        f"{portal_url}/api/datasets/bai-do-xe", params={"pageSize": 5, "page": 2}, timeout=5
    )
    body = answer.json()
    assert (body["code"], body["message"], body["totalRows"], len(body["data"])) == (200, "Thành công", 30, 5)
    assert body["data"][0]["MaBai"] == "BX006"


@pytest.mark.integration
def test_reordered_pages_still_give_every_row_once(portal, portal_url: str, scenario) -> None:
    portal.faults["open_data"].set(Faults(reorder_pages=True))
    dataset = BY_SLUG["truong-hoc"]
    with connector(portal_url, page_size=25) as c:
        batch = c.read_api(f"{portal_url}/api/datasets/{dataset.slug}", dataset.slug)
    expected = expected_table(dataset, dataset.rows(scenario))
    assert batch.data["ma_truong"].to_pylist() != expected["ma_truong"].to_pylist()
    assert plain(batch.data).sort_by("ma_truong").equals(expected.sort_by("ma_truong"))


@pytest.mark.integration
@pytest.mark.parametrize(
    ("drift", "check"),
    [
        ("add_column", lambda t: "ghi_chu" in t.column_names),
        ("remove_column", lambda t: "gia_ve_dong_luot_o_to" not in t.column_names),
        ("rename_column", lambda t: "gia_ve_dong_luot_o_to_moi" in t.column_names),
        ("retype_column", lambda t: t.schema.field("suc_chua_xe").type == "string"),
    ],
)
def test_schema_drift_reaches_the_batch_as_it_is(portal, portal_url: str, drift: str, check) -> None:
    # the connector reports what the source sends; the lake writer compares it with the known schema
    portal.faults["open_data"].set(Faults(schema_drift=drift))
    with connector(portal_url) as c:
        batch = c.read_api(f"{portal_url}/api/datasets/bai-do-xe", "bai-do-xe")
    assert check(batch.data) and batch.num_rows == 30 and batch.quarantined == []
