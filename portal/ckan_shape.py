"""Datasets of the store in the shape of CKAN's Action API (gói dữ liệu theo định dạng CKAN).

Shared by the portal's read-only CKAN endpoints and by the CKAN publisher, so what the portal shows as a
CKAN package is exactly what the publisher pushes to a CKAN portal.
"""

from __future__ import annotations

import hashlib
from typing import Any

from portal.dcat import download_url
from portal.formats import FORMAT_TITLES_VI
from portal.spec import slugify
from portal.store import DatasetRecord

HASH_EXTRA = "hue_portal_hash"
VERSION_EXTRA = "hue_portal_version"
LICENSE_ID = "nd-47-2020-nd-cp"


def publication_hash(record: DatasetRecord) -> str:
    """What the CKAN copy must match: the current version's data hash and metadata hash together."""
    text = f"{record.current.content_hash}|{record.current.metadata_hash}"
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def organization_name(publisher: str) -> str:
    return slugify(publisher)[:100]


def package_fields(record: DatasetRecord) -> dict[str, Any]:
    """The fields a client may set on a CKAN package (what package_create/package_update take)."""
    spec = record.spec
    extras = {
        "title_en": spec.title_en,
        "description_en": spec.description_en,
        "theme": spec.theme,
        "frequency": spec.update_frequency,
        "temporal_start": spec.temporal_start.isoformat() if spec.temporal_start else "",
        "temporal_end": spec.temporal_end.isoformat() if spec.temporal_end else "",
        "spatial_code": spec.spatial_code,
        "spatial_name": spec.spatial_name,
        "reuse_terms_en": spec.reuse_terms_en,
        VERSION_EXTRA: record.current.version,
        HASH_EXTRA: publication_hash(record),
    }
    return {
        "name": spec.slug,
        "title": spec.title_vi,
        "notes": spec.description_vi,
        "version": record.current.version,
        "license_id": LICENSE_ID,
        "author": spec.publisher,
        "maintainer": spec.contact.name,
        "maintainer_email": spec.contact.email,
        "tags": [{"name": keyword} for keyword in spec.keywords],
        "extras": [{"key": k, "value": v} for k, v in extras.items()],
    }


def resource_dicts(record: DatasetRecord, base_url: str) -> list[dict[str, Any]]:
    current = record.current
    resources = []
    for position, fmt in enumerate(current.available_formats()):
        info = current.files[fmt]
        resources.append(
            {
                "id": f"{record.slug}-{current.version}-{fmt}".lower(),
                "package_id": record.slug,
                "name": FORMAT_TITLES_VI[fmt],
                "format": fmt.upper(),
                "mimetype": info["media_type"],
                "url": download_url(base_url, record.slug, current.version, fmt),
                "size": info["bytes"],
                "hash": "sha256:" + info["sha256"],
                "created": current.published_at,
                "last_modified": current.published_at,
                "position": position,
            }
        )
    return resources


def package_dict(record: DatasetRecord, base_url: str) -> dict[str, Any]:
    """A full package as ``package_show`` returns it."""
    spec = record.spec
    org = organization_name(spec.publisher)
    package = package_fields(record)
    resources = resource_dicts(record, base_url)
    package.update(
        id=spec.slug,
        type="dataset",
        state="active",
        private=False,
        license_title=spec.reuse_terms_vi,
        metadata_created=record.first_published_at,
        metadata_modified=record.current.published_at,
        owner_org=org,
        organization={
            "id": org,
            "name": org,
            "title": spec.publisher,
            "type": "organization",
            "is_organization": True,
        },
        groups=[{"name": slugify(spec.theme), "title": spec.theme}],
        tags=[{"name": k, "display_name": k} for k in spec.keywords],
        num_tags=len(spec.keywords),
        resources=resources,
        num_resources=len(resources),
        url=f"{base_url}/datasets/{spec.slug}",
    )
    return package
