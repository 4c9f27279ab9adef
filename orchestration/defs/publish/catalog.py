"""The published datasets: what each reads, which suite gates it, its DCAT metadata.

Two files, one shape: ``datasets.yml`` (written by hand: the KPI datasets) and
``open_catalogue_datasets.yml`` (generated from the digitisation catalogue's open tables by
``dbt_project/generator/generate_staging.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_FILES = (
    Path(__file__).with_name("datasets.yml"),
    Path(__file__).with_name("open_catalogue_datasets.yml"),
)


@dataclass(frozen=True)
class PublishedDataset:
    slug: str
    warehouse_table: str  # schema.table in the warehouse: what the gate checks and the publisher reads
    asset: str  # the Dagster asset key (the dbt model name) of that table
    suite: str  # path under expectations/suites/
    max_row_change_ratio: float
    spec: dict[str, Any]
    # semantic type per column (person_name, personal_id, phone, ...), for the PII scan's classification
    column_types: dict[str, str] = field(default_factory=dict)
    # this dataset's section of the PII allowlist (expectations/pii_allowlist.yml shape): public contacts
    pii_allowlist: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """The published columns: what the publisher reads and the PII scan looks at."""
        return [column["name"] for column in self.spec["columns"]]

    def dataset_spec(self):
        from portal.spec import DatasetSpec

        return DatasetSpec.from_dict(
            {"slug": self.slug, "temporal_start": None, "temporal_end": None, "keywords": [], **self.spec}
        )


# libyaml's safe loader when PyYAML was built with it (the wheels are): the catalogue is read at every code
# location load, and the pure-Python parser took 0.2–0.3 s of CPU of it, libyaml 0.03–0.05 s (docs/benchmarks.md).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def published_datasets() -> tuple[PublishedDataset, ...]:
    entries = [
        entry
        for path in CATALOG_FILES
        for entry in yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)["datasets"]
    ]
    slugs = [entry["slug"] for entry in entries]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise ValueError(f"published dataset slugs defined twice: {duplicates}")
    return tuple(
        PublishedDataset(
            slug=entry["slug"],
            warehouse_table=entry["warehouse_table"],
            asset=entry["asset"],
            suite=entry["suite"],
            max_row_change_ratio=float(entry["max_row_change_ratio"]),
            spec=_with_column_defaults(entry["spec"]),
            column_types=dict(entry.get("column_types") or {}),
            pii_allowlist=dict(entry.get("pii_allowlist") or {}),
        )
        for entry in entries
    )


def _with_column_defaults(spec: dict[str, Any]) -> dict[str, Any]:
    columns = [
        {"description_vi": "", "description_en": "", "pii_reviewed": False, **column}
        for column in spec["columns"]
    ]
    return {**spec, "columns": columns}
