"""How dbt nodes become Dagster assets: groups follow dbt folders, sources meet ingestion assets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


def group_for_path(fqn: list[str]) -> str | None:
    """``[project, 'staging', 'one_stop', model]`` → ``staging_one_stop``; marts keep their domain too.

    Pure, so it is unit-tested without a manifest.
    """
    folders = fqn[1:-1]
    if not folders:
        return None
    return "_".join(folders[:2])


class HueDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        # Sources carry meta.dagster.asset_key (the ingestion asset's key), handled by the default.
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return group_for_path(dbt_resource_props.get("fqn", []))

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        return {tag: "" for tag in dbt_resource_props.get("tags", [])}
