"""The published datasets, from datasets.yml: what each reads, which suite gates it, its DCAT metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_FILE = Path(__file__).with_name("datasets.yml")


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

    def dataset_spec(self):
        from portal.spec import DatasetSpec

        return DatasetSpec.from_dict(
            {"slug": self.slug, "temporal_start": None, "temporal_end": None, "keywords": [], **self.spec}
        )


@cache
def published_datasets() -> tuple[PublishedDataset, ...]:
    document = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    return tuple(
        PublishedDataset(
            slug=entry["slug"],
            warehouse_table=entry["warehouse_table"],
            asset=entry["asset"],
            suite=entry["suite"],
            max_row_change_ratio=float(entry["max_row_change_ratio"]),
            spec=_with_column_defaults(entry["spec"]),
            column_types=dict(entry.get("column_types") or {}),
        )
        for entry in document["datasets"]
    )


def _with_column_defaults(spec: dict[str, Any]) -> dict[str, Any]:
    columns = [
        {"description_vi": "", "description_en": "", "pii_reviewed": False, **column}
        for column in spec["columns"]
    ]
    return {**spec, "columns": columns}
