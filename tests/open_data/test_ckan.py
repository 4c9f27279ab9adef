"""CKAN harvest through ckanapi against the sandbox's CKAN Action API routes (not a real CKAN: see README)."""

from __future__ import annotations

import ckanapi
import pytest

from sandbox.faults import Faults
from sandbox.open_data.datasets import BY_SLUG, DATASETS
from sources.common.errors import SourceError
from sources.open_data import CkanHarvester

from .conftest import FAST, expected_table, plain

pytestmark = pytest.mark.integration


@pytest.fixture
def ckan_url(portal, portal_url: str) -> str:
    return portal.env["HUE_CKAN_SOURCE_URL"]


def test_action_api_contract_with_plain_ckanapi(ckan_url: str) -> None:
    for get_only in (False, True):
        with ckanapi.RemoteCKAN(ckan_url, get_only=get_only) as site:
            assert site.action.package_list() == sorted(BY_SLUG)
            package = site.action.package_show(id="truong-hoc")
            assert package["title"] == "Danh sách trường học"
            assert package["organization"]["title"] == "Sở Giáo dục và Đào tạo"
            assert {r["format"] for r in package["resources"]} == {"JSON", "CSV", "XLSX"}
            with pytest.raises(ckanapi.NotFound):
                site.action.package_show(id="khong-co")
            orgs = site.action.organization_list(all_fields=True)
            assert sum(o["package_count"] for o in orgs) == len(DATASETS)
            assert site.action.organization_list() == [o["name"] for o in orgs]


def test_package_search_matches_without_diacritics_and_filters_by_organization(ckan_url: str) -> None:
    with ckanapi.RemoteCKAN(ckan_url) as site:
        found = site.action.package_search(q="truong hoc")
        assert [p["name"] for p in found["results"]] == ["truong-hoc"]
        health = site.action.package_search(fq="organization:so-y-te", rows=50)
        assert {p["name"] for p in health["results"]} == {"co-so-y-te", "nha-thuoc"}
        assert health["count"] == 2
        with pytest.raises(ckanapi.ValidationError):
            site.action.package_search(rows="nhiều")


def test_harvest_pages_packages_and_reads_resources(ckan_url: str, scenario) -> None:
    with CkanHarvester(ckan_url, rows=3, policy=FAST) as harvester:
        batches = list(harvester.extract())
        attempts = harvester.session.attempts
    packages, resources = batches[0], batches[1]
    assert packages.table == "ckan_packages" and packages.num_rows == len(DATASETS)
    assert resources.table == "ckan_resources" and resources.num_rows == 3 * len(DATASETS)
    assert sorted(packages.data["name"].to_pylist()) == sorted(BY_SLUG)
    assert attempts >= 4 + len(DATASETS)  # 11 packages in pages of 3 → 4 searches, then one download each
    for batch in batches[2:]:
        dataset = BY_SLUG[batch.table]
        assert batch.quarantined == []
        assert batch.cursor == dataset.modified.isoformat()
        assert plain(batch.data).equals(expected_table(dataset, dataset.rows(scenario)))


def test_harvest_is_incremental(ckan_url: str) -> None:
    newest = max(DATASETS, key=lambda d: d.modified)
    second = sorted(DATASETS, key=lambda d: d.modified)[-2]
    with CkanHarvester(ckan_url, policy=FAST) as harvester:
        tables = [b.table for b in harvester.extract(cursor=second.modified.isoformat())]
    assert tables == ["ckan_packages", "ckan_resources", newest.slug]


def test_harvest_reads_csv_or_json_resources_when_asked(ckan_url: str, scenario) -> None:
    for formats in (("CSV",), ("JSON",)):
        with CkanHarvester(ckan_url, policy=FAST, formats=formats) as harvester:
            package = next(p for p in harvester.packages() if p["name"] == "khach-du-lich-theo-thang")
            batch = harvester.read_package(package)
        dataset = BY_SLUG["khach-du-lich-theo-thang"]
        assert plain(batch.data).equals(expected_table(dataset, dataset.rows(scenario))), formats


def test_harvest_survives_rate_limits_and_server_errors(portal, ckan_url: str) -> None:
    portal.faults["open_data"].set(Faults(rate_limit_every=2, error_5xx_every=5, retry_after_s=0.01))
    with CkanHarvester(ckan_url, rows=4, policy=FAST) as harvester:
        packages = harvester.packages()
    assert [p["name"] for p in packages] == sorted(BY_SLUG)


def test_harvest_of_a_missing_portal_fails_naming_it(portal_url: str) -> None:
    with (
        CkanHarvester(f"{portal_url}/khong-phai-ckan", policy=FAST) as harvester,
        pytest.raises(SourceError) as info,
    ):
        harvester.packages()
    assert info.value.system == "ckan" and "404" in info.value.last_error
