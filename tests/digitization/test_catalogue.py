"""The sandbox catalogue: deterministic, the province's counts, growth that keeps the first 597 tables."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from sandbox.digitization.catalogue import (
    BASE_TABLES,
    build_catalogue,
    catalogue_dict,
    max_tables,
    rows_for_scenario,
    table_spec,
)
from sandbox.digitization.templates import TEMPLATES
from sources.digitization.catalogue import SEMANTIC_TYPES, Catalogue

REPO = Path(__file__).resolve().parents[2]
PERSONAL_TEMPLATES = {t.key for t in TEMPLATES if t.personal}


@pytest.fixture(scope="module")
def base() -> tuple:
    return build_catalogue(597)


@pytest.fixture(scope="module")
def grown() -> tuple:
    return build_catalogue(950)


def test_counts_match_the_province_figures(base: tuple) -> None:
    assert len(base) == 597
    assert sum(t.classification == "open" for t in base) == 43
    assert sum(t.in_operation for t in base) == 128
    assert all(t.in_operation for t in base if t.classification == "open")  # published means operating
    assert sum(t.big_data for t in base) == 2


def test_growth_to_950_keeps_the_first_597_identical(base: tuple, grown: tuple) -> None:
    assert len(grown) == 950
    assert grown[:597] == base
    assert catalogue_dict(950)["tables"][:597] == catalogue_dict(597)["tables"]
    assert len({t.slug for t in grown}) == 950


def test_deterministic_for_a_seed_and_different_across_seeds(base: tuple) -> None:
    assert build_catalogue(597, seed=46) == base
    other = build_catalogue(597, seed=7)
    assert [t.slug for t in other] == [t.slug for t in base]  # structure comes from the templates
    assert [t.row_count for t in other] != [t.row_count for t in base]
    assert {t.slug for t in other if t.classification == "open"} != {
        t.slug for t in base if t.classification == "open"
    }
    assert sum(t.classification == "open" for t in other) == 43


def test_personal_registers_are_never_open(grown: tuple) -> None:
    for t in grown:
        if t.template in PERSONAL_TEMPLATES:
            assert t.classification == "restricted", t.slug
        else:
            assert t.classification in ("open", "internal"), t.slug


def test_volumes_most_small_a_few_large(base: tuple) -> None:
    counts = sorted(t.row_count for t in base)
    assert 2_500_000 <= sum(counts) <= 3_500_000  # about 3M rows at province-year scale
    assert counts[len(counts) // 2] < 5_000  # the median register is small
    assert counts[-1] >= 500_000
    tiny = sum(rows_for_scenario(t, "tiny") for t in base)
    assert 1_000 <= tiny <= 10_000  # tests stay fast
    with pytest.raises(ValueError, match="unknown scenario"):
        rows_for_scenario(base[0], "galaxy")


def test_tables_and_columns_are_well_formed(grown: tuple) -> None:
    ident = re.compile(r"^[a-z][a-z0-9_]*$")
    domains = Counter(t.domain for t in grown)
    assert {
        "du_lich",
        "buu_chinh_vien_thong",
        "bao_chi_xuat_ban",
        "giao_thong_van_tai",
        "y_te",
        "giao_duc",
    } <= set(domains)
    for t in grown:
        assert ident.match(t.slug) and ident.match(t.domain)
        assert unicodedata.is_normalized("NFC", t.name) and t.owner_agency.startswith(("Sở ", "Trung tâm "))
        ids = [c.id for c in t.columns]
        assert len(ids) == len(set(ids))
        assert t.primary_key[0] == ids[0] and not t.columns[0].nullable
        assert t.update_frequency in ("daily", "weekly", "monthly", "quarterly", "yearly")
        for c in t.columns:
            assert ident.match(c.id) and c.semantic_type in SEMANTIC_TYPES
            assert unicodedata.is_normalized("NFC", c.name)


def test_the_realistic_accommodation_register_is_there(base: tuple) -> None:
    t = next(t for t in base if t.template == "co_so_luu_tru")
    assert t.name.startswith("Danh sách cơ sở lưu trú du lịch")
    types = {c.id: c.semantic_type for c in t.columns}
    assert (
        types["ten_co_so"] == "text" and types["ma_xa"] == "admin_unit" and types["so_dien_thoai"] == "phone"
    )
    assert (
        types["vi_do"] == "latitude" and types["kinh_do"] == "longitude" and types["ngay_cap_phep"] == "date"
    )
    assert types["hang_sao"] == "integer" and types["so_phong"] == "integer" and types["email"] == "email"


def test_out_of_range_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at most"):
        table_spec(max_tables())
    with pytest.raises(ValueError):
        build_catalogue(0)


def test_sandbox_catalogue_parses_with_the_connector_model() -> None:
    parsed = Catalogue.from_dict(catalogue_dict(BASE_TABLES))
    assert len(parsed.tables) == 597 and parsed.to_dict() == catalogue_dict(BASE_TABLES)


def test_committed_snapshot_is_the_sandbox_catalogue() -> None:
    snapshot = json.loads(
        (REPO / "dbt_project/catalogue/digitization_catalogue.json").read_text(encoding="utf-8")
    )
    assert snapshot == catalogue_dict(597, 46)
