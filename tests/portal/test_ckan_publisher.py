"""The CKAN publisher against a server that follows the CKAN Action API contract (not a real CKAN)."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from portal.ckan_publisher import CkanPublisher, CkanPublishError
from portal.ckan_shape import HASH_EXTRA
from portal.store import PortalStore
from tests.portal.ckan_contract_server import CkanContractServer
from tests.portal.conftest import T0, dossier_spec, dossier_table

TOKEN = "test-token-not-a-secret"
SLUG = "ho-so-mot-cua-theo-don-vi"


@pytest.fixture
def ckan():
    with CkanContractServer(TOKEN) as server:
        yield server


def _package(ckan: CkanContractServer, slug: str) -> dict:
    return next(p for p in ckan.packages.values() if p["name"] == slug)


def _hash(package: dict) -> str | None:
    return next((e["value"] for e in package["extras"] if e["key"] == HASH_EXTRA), None)


def test_first_sync_creates_packages_with_uploaded_files(ckan, filled_store: PortalStore):
    results = CkanPublisher(ckan.url, TOKEN, owner_org="hue").sync(filled_store)
    assert {(r.slug, r.action) for r in results} == {(SLUG, "created"), ("co-so-luu-tru-du-lich", "created")}
    package = _package(ckan, SLUG)
    assert package["title"] == "Hồ sơ thủ tục hành chính theo đơn vị" and package["owner_org"] == "hue"
    assert _hash(package).startswith("sha256:")
    snapshot = filled_store.snapshot()
    assert len(package["resources"]) == 5
    for resource in package["resources"]:
        fmt = resource["format"].lower()
        content = requests.get(resource["url"], timeout=10).content
        assert content == snapshot.file_path(SLUG, None, fmt).read_bytes()


def test_second_sync_is_a_no_op(ckan, filled_store: PortalStore):
    publisher = CkanPublisher(ckan.url, TOKEN)
    publisher.sync(filled_store)
    ckan.calls.clear()
    results = publisher.sync(filled_store)
    assert {r.action for r in results} == {"unchanged"}
    assert ckan.calls == ["package_show", "package_show"]


def test_new_version_updates_only_that_package_and_replaces_its_resources(ckan, filled_store: PortalStore):
    publisher = CkanPublisher(ckan.url, TOKEN)
    publisher.sync(filled_store)
    old_ids = {r["id"] for r in _package(ckan, SLUG)["resources"]}
    filled_store.publish(dossier_spec(), dossier_table(offset=99), now=T0 + dt.timedelta(days=5))
    results = {r.slug: r for r in publisher.sync(filled_store)}
    assert results[SLUG].action == "updated" and results[SLUG].version == "2026-11-28T01-00-00Z"
    assert results["co-so-luu-tru-du-lich"].action == "unchanged"
    package = _package(ckan, SLUG)
    assert len(package["resources"]) == 5 and not old_ids & {r["id"] for r in package["resources"]}
    assert package["version"] == "2026-11-28T01-00-00Z"
    csv = next(r for r in package["resources"] if r["format"] == "CSV")
    assert (
        requests.get(csv["url"], timeout=10).content
        == filled_store.snapshot().file_path(SLUG, None, "csv").read_bytes()
    )


def test_interrupted_push_is_finished_by_the_next_run(ckan, filled_store: PortalStore):
    publisher = CkanPublisher(ckan.url, TOKEN)
    ckan.fail_on = "resource_create"
    with pytest.raises(CkanPublishError, match="resource_create"):
        publisher.sync(filled_store)
    # Datasets go in slug order: the first package exists, its files did not all arrive.
    half = _package(ckan, "co-so-luu-tru-du-lich")
    assert _hash(half) is None and half["resources"] == []  # not marked as pushed
    results = publisher.sync(filled_store)
    assert all(r.action in ("created", "updated") for r in results)
    assert all(_hash(p) and len(p["resources"]) == 5 for p in ckan.packages.values())


def test_wrong_token_fails_loudly_without_echoing_the_token(ckan, filled_store: PortalStore):
    with pytest.raises(CkanPublishError, match="Authorization") as info:
        CkanPublisher(ckan.url, "wrong-token-xyz").sync(filled_store)
    assert "wrong-token-xyz" not in str(info.value)


def test_link_mode_points_resources_at_the_portal(ckan, filled_store: PortalStore):
    CkanPublisher(ckan.url, TOKEN, portal_url="https://data.hue.gov.vn/").sync(filled_store)
    urls = [r["url"] for r in _package(ckan, SLUG)["resources"]]
    assert all(
        u.startswith(f"https://data.hue.gov.vn/datasets/{SLUG}/versions/2026-11-24T01-00-00Z/download/")
        for u in urls
    )
    assert not ckan.uploads


def test_command_line_pushes_the_store_named_by_the_environment(ckan, filled_store, monkeypatch, capsys):
    from portal.ckan_publisher import main

    monkeypatch.delenv("HUE_CKAN_URL", raising=False)
    assert main(["--root", str(filled_store.root)]) == 2
    assert "HUE_CKAN_URL" in capsys.readouterr().err
    monkeypatch.setenv("HUE_CKAN_URL", ckan.url)
    monkeypatch.setenv("HUE_CKAN_API_TOKEN", "wrong-token-not-a-secret")
    assert main(["--root", str(filled_store.root)]) == 1  # the push is refused: named, token never shown
    err = capsys.readouterr().err
    assert "package_create" in err and "wrong-token" not in err and not ckan.packages
    monkeypatch.setenv("HUE_CKAN_API_TOKEN", TOKEN)
    monkeypatch.setenv("HUE_CKAN_OWNER_ORG", "hue")
    assert main(["--root", str(filled_store.root)]) == 0
    assert f"{SLUG}: created" in capsys.readouterr().out
    assert _package(ckan, SLUG)["owner_org"] == "hue"
