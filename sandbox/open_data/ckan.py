"""The same datasets through the CKAN Action API contract (``/api/3/action/...``), read-only.

Huế's portal is not CKAN, but many portals a harvester meets are; this answers ``package_list``,
``package_show``, ``package_search`` (``q``, ``rows``, ``start``, ``fq=organization:<name>``) and
``organization_list`` (``all_fields``) in CKAN 2.x's envelope ``{help, success, result}`` and its error
shape ``{success: false, error: {__type, message}}``. Not tested against CKAN itself (it cannot run here).
"""

from __future__ import annotations

from typing import Any

from sandbox.open_data.datasets import Dataset
from sandbox.open_data.dcat import REUSE_TERMS, distributions
from sources.common.vietnamese import strip_diacritics


def organization_name(publisher: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in strip_diacritics(publisher).lower()).split())


def organization(publisher: str) -> dict[str, Any]:
    name = organization_name(publisher)
    return {
        "id": name,
        "name": name,
        "title": publisher,
        "type": "organization",
        "is_organization": True,
        "state": "active",
    }


def package(dataset: Dataset, base_url: str, sizes: dict[str, int]) -> dict[str, Any]:
    modified = dataset.modified.isoformat()
    return {
        "id": dataset.slug,
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "state": "active",
        "private": False,
        "type": "dataset",
        "license_id": "other-open",
        "license_title": REUSE_TERMS,
        "metadata_created": dataset.created.isoformat(),
        "metadata_modified": modified,
        "organization": organization(dataset.publisher),
        "owner_org": organization_name(dataset.publisher),
        "tags": [{"name": k, "display_name": k} for k in dataset.keywords],
        "groups": [{"name": organization_name(dataset.theme), "title": dataset.theme}],
        "num_resources": 3,
        "resources": [
            {
                "id": str(d["id"]),
                "package_id": dataset.slug,
                "name": d["title"],
                "format": d["format"],
                "mimetype": d["media_type"],
                "url": d["url"],
                "size": d["size"],
                "created": dataset.created.isoformat(),
                "last_modified": modified,
            }
            for d in distributions(dataset, base_url, sizes)
        ],
    }


class ActionError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        self.status, self.kind, self.message = status, kind, message


def _int(params: dict[str, Any], name: str, default: int, maximum: int) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        raise ActionError(409, "Validation Error", f"{name}: Invalid integer") from None
    if value < 0:
        raise ActionError(409, "Validation Error", f"{name}: Must be a natural number")
    return min(value, maximum)


def call(
    action: str, params: dict[str, Any], datasets: tuple[Dataset, ...], base_url: str, sizes: dict
) -> Any:
    """The ``result`` of one action, or :class:`ActionError`."""
    by_slug = {d.slug: d for d in datasets}
    if action == "package_list":
        names = sorted(by_slug)
        offset = _int(params, "offset", 0, 10**9)
        limit = _int(params, "limit", len(names), 1000)
        return names[offset : offset + limit]
    if action == "package_show":
        slug = params.get("id") or params.get("name_or_id")
        if slug not in by_slug:
            raise ActionError(404, "Not Found Error", "Not found")
        return package(by_slug[slug], base_url, sizes.get(slug, {}))
    if action == "package_search":
        q = strip_diacritics(str(params.get("q") or "")).lower().strip()
        fq = str(params.get("fq") or "")
        rows = _int(params, "rows", 10, 1000)
        start = _int(params, "start", 0, 10**9)
        hits = sorted(by_slug.values(), key=lambda d: d.slug)
        if q and q != "*:*":
            hits = [
                d
                for d in hits
                if q in strip_diacritics(f"{d.title} {d.description} {' '.join(d.keywords)}").lower()
            ]
        if fq.startswith("organization:"):
            org = fq.split(":", 1)[1].strip('"')
            hits = [d for d in hits if organization_name(d.publisher) == org]
        return {
            "count": len(hits),
            "results": [package(d, base_url, sizes.get(d.slug, {})) for d in hits[start : start + rows]],
            "sort": "name asc",
            "facets": {},
            "search_facets": {},
        }
    if action == "organization_list":
        publishers = sorted({d.publisher for d in datasets}, key=organization_name)
        if str(params.get("all_fields", "")).lower() in ("true", "1"):
            return [
                {**organization(p), "package_count": sum(1 for d in datasets if d.publisher == p)}
                for p in publishers
            ]
        return [organization_name(p) for p in publishers]
    if action == "status_show":
        return {"ckan_version": "2.10.0", "site_title": "Huế open data (sandbox)", "extensions": []}
    raise ActionError(400, "Bad Request", f"Action name not known: {action}")
