"""Dagster groups follow dbt folders; sources meet the ingestion assets' keys."""

from __future__ import annotations

import pytest

from orchestration.lib.dbt.translator import HueDbtTranslator, group_for_path


@pytest.mark.parametrize(
    ("fqn", "group"),
    [
        (["hue_warehouse", "staging", "one_stop", "stg_one_stop__dossiers"], "staging_one_stop"),
        (
            ["hue_warehouse", "staging", "digitization", "du_lich", "stg_digitization__x"],
            "staging_digitization",
        ),
        (["hue_warehouse", "marts", "public_service", "fct_dossiers"], "marts_public_service"),
        (["hue_warehouse", "top_level_model"], None),
    ],
)
def test_group_follows_folders(fqn, group):
    assert group_for_path(fqn) == group


def test_model_keys_are_model_names_and_seeds_are_reference():
    translator = HueDbtTranslator()
    props = {
        "resource_type": "model",
        "name": "fct_dossiers",
        "fqn": ["p", "marts", "public_service", "fct_dossiers"],
    }
    assert translator.get_asset_key(props).path == ["fct_dossiers"]
    assert translator.get_group_name({"resource_type": "seed", "fqn": ["p", "published", "x"]}) == "reference"
