"""Push the portal store's current versions to a CKAN portal (đẩy dữ liệu lên cổng CKAN), idempotently.

For each dataset: ``package_show``; if the package's ``hue_portal_hash`` extra equals the current
version's publication hash (data hash + metadata hash), do nothing. Otherwise create or update the package
(dropping the previous version's resources), ``resource_create`` one resource per file of the current
version (uploaded, or linked to the portal's download URLs when ``portal_url`` is given), and only then
write the hash extra. A run interrupted half-way therefore leaves a package without the new hash, and the
next run redoes it: the hash marks a finished push, never a started one.

Tested against a local server that follows the CKAN Action API contract for package_show,
package_create, package_update and resource_create (``tests/portal/ckan_contract_server.py``), with the
``ckanapi`` client; not against a real CKAN, which cannot run on our machines (it needs Solr, PostgreSQL
and Redis).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import ckanapi

from portal.ckan_shape import HASH_EXTRA, package_fields, publication_hash, resource_dicts
from portal.formats import FORMAT_TITLES_VI
from portal.store import CatalogSnapshot, DatasetRecord, PortalStore

log = logging.getLogger(__name__)


class CkanPublishError(RuntimeError):
    """A CKAN call failed; names the dataset and the action. The token never appears in the message."""

    def __init__(self, slug: str, action: str, error: Exception) -> None:
        self.slug, self.action = slug, action
        super().__init__(f"CKAN {action} for {slug} failed: {type(error).__name__}: {error}")


@dataclass(frozen=True)
class CkanSyncResult:
    slug: str
    action: str  # "created" | "updated" | "unchanged"
    version: str
    resources: int


def _extra(package: dict[str, Any], key: str) -> str | None:
    return next((e.get("value") for e in package.get("extras", []) if e.get("key") == key), None)


class CkanPublisher:
    """Publishes every dataset of a :class:`PortalStore` to the CKAN Action API at ``url``.

    ``owner_org`` is the CKAN organisation the packages belong to (most CKAN sites require one).
    ``portal_url``: when given, resources link to the Huế portal's downloads instead of uploading files.
    """

    def __init__(
        self,
        url: str,
        api_token: str,
        *,
        owner_org: str | None = None,
        portal_url: str | None = None,
        user_agent: str = "hue-data-platform-portal/1",
    ) -> None:
        self.owner_org = owner_org
        self.portal_url = portal_url.rstrip("/") if portal_url else None
        self._ckan = ckanapi.RemoteCKAN(url.rstrip("/"), apikey=api_token, user_agent=user_agent)

    def _call(self, slug: str, action: str, **data: Any) -> Any:
        try:
            return self._ckan.call_action(
                action, data_dict={k: v for k, v in data.items() if k != "_files"}, files=data.get("_files")
            )
        except ckanapi.NotFound:
            raise
        except Exception as exc:  # ckanapi raises several unrelated classes; all mean this push failed
            raise CkanPublishError(slug, action, exc) from exc

    def sync(self, store: PortalStore) -> list[CkanSyncResult]:
        """Push every dataset of one consistent catalogue snapshot; return what happened to each."""
        snapshot = store.snapshot()
        return [self.sync_dataset(snapshot, record) for record in snapshot.datasets()]

    def sync_dataset(self, snapshot: CatalogSnapshot, record: DatasetRecord) -> CkanSyncResult:
        slug, wanted = record.slug, publication_hash(record)
        try:
            existing = self._call(slug, "package_show", id=slug)
        except ckanapi.NotFound:
            existing = None
        if existing is not None and _extra(existing, HASH_EXTRA) == wanted:
            return CkanSyncResult(
                slug, "unchanged", record.current.version, len(existing.get("resources", []))
            )
        fields = package_fields(record)
        if self.owner_org:
            fields["owner_org"] = self.owner_org
        # The hash extra is written last (see module docstring): mark the package as not yet pushed.
        pending = dict(fields, extras=[e for e in fields["extras"] if e["key"] != HASH_EXTRA])
        if existing is None:
            package = self._call(slug, "package_create", **pending)
        else:
            package = self._call(slug, "package_update", id=existing["id"], **pending, resources=[])
        for resource in self._resources(snapshot, record):
            self._call(slug, "resource_create", package_id=package["id"], **resource)
        package = self._call(slug, "package_show", id=package["id"])
        self._call(slug, "package_update", id=package["id"], **fields, resources=package["resources"])
        action = "created" if existing is None else "updated"
        log.info("CKAN %s %s version %s", action, slug, record.current.version)
        return CkanSyncResult(slug, action, record.current.version, len(package["resources"]))

    def _resources(self, snapshot: CatalogSnapshot, record: DatasetRecord) -> list[dict[str, Any]]:
        if self.portal_url:
            return [
                {k: r[k] for k in ("name", "format", "mimetype", "url", "size", "hash")}
                for r in resource_dicts(record, self.portal_url)
            ]
        resources = []
        for fmt in record.current.available_formats():
            info = record.current.files[fmt]
            path = snapshot.file_path(record.slug, record.current.version, fmt)
            resources.append(
                {
                    "name": FORMAT_TITLES_VI[fmt],
                    "format": fmt.upper(),
                    "mimetype": info["media_type"],
                    "size": info["bytes"],
                    "hash": "sha256:" + info["sha256"],
                    "_files": {
                        "upload": (f"{record.slug}-{record.current.version}-{path.name}", path.read_bytes())
                    },
                }
            )
        return resources


def main(argv: list[str] | None = None) -> int:
    """``python -m portal.ckan_publisher``: push the portal store to the CKAN portal named by the environment.

    ``HUE_CKAN_URL`` (the CKAN site), ``HUE_CKAN_API_TOKEN`` (secret), optional ``HUE_CKAN_OWNER_ORG`` and
    ``HUE_PORTAL_PUBLIC_URL`` (link the resources to this portal's downloads instead of uploading them);
    the store is ``--root`` or ``HUE_PORTAL_DIR``. Exit 1, naming the dataset and action, when a push fails.
    """
    import argparse
    import os
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m portal.ckan_publisher", description=main.__doc__)
    parser.add_argument(
        "--root", type=Path, default=os.environ.get("HUE_PORTAL_DIR"), help="the portal store"
    )
    args = parser.parse_args(argv)
    missing = [v for v in ("HUE_CKAN_URL", "HUE_CKAN_API_TOKEN") if not os.environ.get(v)]
    if args.root is None:
        missing.append("HUE_PORTAL_DIR (or --root)")
    if missing:
        print(f"ckan_publisher: not set: {', '.join(missing)}", file=sys.stderr)
        return 2
    publisher = CkanPublisher(
        os.environ["HUE_CKAN_URL"],
        os.environ["HUE_CKAN_API_TOKEN"],
        owner_org=os.environ.get("HUE_CKAN_OWNER_ORG") or None,
        portal_url=os.environ.get("HUE_PORTAL_PUBLIC_URL") or None,
    )
    try:
        results = publisher.sync(PortalStore(args.root))
    except CkanPublishError as exc:
        print(f"ckan_publisher: {exc}", file=sys.stderr)
        return 1
    for r in results:
        print(f"{r.slug}: {r.action} (version {r.version}, {r.resources} resource(s))")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
