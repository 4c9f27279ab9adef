"""Harvest a CKAN portal through its Action API with ``ckanapi.RemoteCKAN`` (thu thập từ cổng CKAN).

Packages are listed with ``package_search`` page by page (``rows``/``start``) and checked against the
announced ``count``; each package becomes a row of ``ckan_packages`` and each resource a row of
``ckan_resources``, then every package modified after the cursor is read from its best resource (XLSX,
CSV, then a JSON API in the ``{code, data, totalRows}`` shape) as a batch named after the package.

Every HTTP call goes through :class:`~sources.common.http.RetryingSession`: ``RemoteCKAN`` is given a
small adapter with the ``get``/``post`` of a ``requests.Session``, so retries, backoff and
``SourceError`` apply to CKAN exactly as to the other connectors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import requests
from ckanapi import RemoteCKAN
from ckanapi.errors import CKANAPIError

from sources.common.batch import SourceBatch
from sources.common.errors import SourceError
from sources.common.http import RetryingSession, RetryPolicy
from sources.common.vietnamese import nfc
from sources.open_data.connector import OpenDataConnector
from sources.open_data.tabular import ColumnType

SYSTEM = "ckan"


class _SessionAdapter:
    """What ``RemoteCKAN`` needs of a ``requests.Session``, backed by a :class:`RetryingSession`."""

    def __init__(self, session: RetryingSession) -> None:
        self._session = session

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        kwargs.pop("allow_redirects", None)
        if kwargs.get("files") is None:
            kwargs.pop("files", None)
        return self._session.request("POST", url, allow_redirects=False, **kwargs)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self._session.request("GET", url, **kwargs)

    def close(self) -> None:
        self._session.close()


PACKAGE_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("id", pa.string()),
        ("title", pa.string()),
        ("notes", pa.string()),
        ("organization", pa.string()),
        ("organization_title", pa.string()),
        ("license_id", pa.string()),
        ("tags", pa.string()),  # "; "-joined, sorted
        ("metadata_created", pa.string()),
        ("metadata_modified", pa.string()),
        ("num_resources", pa.int64()),
    ]
)
RESOURCE_SCHEMA = pa.schema(
    [
        ("package", pa.string()),
        ("id", pa.string()),
        ("name", pa.string()),
        ("format", pa.string()),
        ("mimetype", pa.string()),
        ("url", pa.string()),
        ("size", pa.int64()),
        ("last_modified", pa.string()),
    ]
)


def _str(value: Any) -> str | None:
    return None if value is None else nfc(str(value))


def _size(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class CkanHarvester:
    """Harvest packages, resources and resource data from a portal speaking the CKAN Action API."""

    def __init__(
        self,
        base_url: str,
        *,
        rows: int = 100,
        policy: RetryPolicy | None = None,
        page_size: int = 100,
        formats: tuple[str, ...] = ("XLSX", "CSV", "JSON"),
        column_types: dict[str, dict[str, ColumnType]] | None = None,
        user_agent: str = "hue-data-platform/0.1 (ckan harvester)",
    ) -> None:
        if rows < 1:
            raise ValueError("rows must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.rows = rows
        self.formats = formats
        self.session = RetryingSession(SYSTEM, policy)
        self.ckan = RemoteCKAN(self.base_url, user_agent=user_agent, session=_SessionAdapter(self.session))
        self.reader = OpenDataConnector(
            self.base_url, page_size=page_size, session=self.session, column_types=column_types
        )

    def _action(self, name: str, **params: Any) -> Any:
        try:
            return self.ckan.call_action(name, params)
        except CKANAPIError as exc:
            raise SourceError(
                SYSTEM, f"{self.base_url}/api/action/{name}", f"{type(exc).__name__}: {exc}"
            ) from exc
        except json.JSONDecodeError as exc:
            raise SourceError(SYSTEM, f"{self.base_url}/api/action/{name}", f"not JSON: {exc}") from exc

    def packages(self, fq: str | None = None) -> list[dict[str, Any]]:
        """Every package, through ``package_search`` pages; fails if the pages do not add up to ``count``."""
        found: dict[str, dict[str, Any]] = {}
        start = 0
        count = None
        while True:
            params: dict[str, Any] = {"q": "*:*", "rows": self.rows, "start": start, "sort": "name asc"}
            if fq:
                params["fq"] = fq
            result = self._action("package_search", **params)
            if count is None:
                count = int(result["count"])
            page = result.get("results") or []
            for package in page:
                found.setdefault(package["name"], package)
            start += len(page)
            if not page or start >= count:
                break
        if len(found) != count:
            raise SourceError(
                SYSTEM,
                f"{self.base_url}/api/action/package_search",
                f"count is {count} but {len(found)} packages came back",
            )
        return [found[name] for name in sorted(found)]

    def organizations(self) -> list[dict[str, Any]]:
        return self._action("organization_list", all_fields=True)

    def catalog_batches(self, packages: list[dict[str, Any]]) -> list[SourceBatch]:
        package_rows = []
        resource_rows = []
        for p in packages:
            org = p.get("organization") or {}
            package_rows.append(
                {
                    "name": p["name"],
                    "id": _str(p.get("id")),
                    "title": _str(p.get("title")),
                    "notes": _str(p.get("notes")),
                    "organization": _str(org.get("name")),
                    "organization_title": _str(org.get("title")),
                    "license_id": _str(p.get("license_id")),
                    "tags": "; ".join(sorted(nfc(t["name"]) for t in p.get("tags") or [])),
                    "metadata_created": _str(p.get("metadata_created")),
                    "metadata_modified": _str(p.get("metadata_modified")),
                    "num_resources": len(p.get("resources") or []),
                }
            )
            for r in p.get("resources") or []:
                resource_rows.append(
                    {
                        "package": p["name"],
                        "id": _str(r.get("id")),
                        "name": _str(r.get("name")),
                        "format": _str(r.get("format")),
                        "mimetype": _str(r.get("mimetype")),
                        "url": _str(r.get("url")),
                        "size": _size(r.get("size")),
                        "last_modified": _str(r.get("last_modified")),
                    }
                )
        return [
            SourceBatch("ckan_packages", pa.Table.from_pylist(package_rows, schema=PACKAGE_SCHEMA)),
            SourceBatch("ckan_resources", pa.Table.from_pylist(resource_rows, schema=RESOURCE_SCHEMA)),
        ]

    def choose_resource(self, package: dict[str, Any]) -> dict[str, Any] | None:
        resources = [r for r in package.get("resources") or [] if r.get("url")]
        for wanted in self.formats:
            for r in resources:
                if str(r.get("format") or "").upper() == wanted:
                    return r
        return None

    def read_package(self, package: dict[str, Any]) -> SourceBatch:
        resource = self.choose_resource(package)
        name = package["name"]
        cursor = _str(package.get("metadata_modified"))
        if resource is None:
            raise SourceError(
                SYSTEM,
                f"{self.base_url}/dataset/{name}",
                f"package {name} has no {'/'.join(self.formats)} resource",
            )
        if str(resource.get("format")).upper() == "JSON":
            return self.reader.read_api(resource["url"], name, cursor=cursor)
        return self.reader.read_download(
            resource["url"], name, media_type=resource.get("mimetype"), cursor=cursor
        )

    def extract(self, cursor: str | None = None) -> Iterator[SourceBatch]:
        """Packages and resources (snapshots), then each package modified after ``cursor``, oldest first."""
        packages = self.packages()
        yield from self.catalog_batches(packages)
        changed = [p for p in packages if cursor is None or (p.get("metadata_modified") or "") > cursor]
        for package in sorted(changed, key=lambda p: (p.get("metadata_modified") or "", p["name"])):
            yield self.read_package(package)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> CkanHarvester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
