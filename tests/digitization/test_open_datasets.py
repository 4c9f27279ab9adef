"""The catalogue's open tables as published datasets: generated entries, privacy rules, the gate's view."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from dbt_project.generator import generate_staging as g
from dbt_project.generator import open_datasets as od
from expectations.pii import PiiAllowlist, scan_table
from orchestration.defs.publish.catalog import published_datasets
from sources.digitization.catalogue import Catalogue

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return g.load_catalogue(REPO / g.CATALOGUE_PATH)


@pytest.fixture(scope="module")
def open_datasets():
    return {d.slug: d for d in published_datasets() if d.suite.startswith("digitization/")}


def test_every_open_table_is_published_once(catalogue: Catalogue, open_datasets) -> None:
    open_tables = [t for t in catalogue.tables if t.classification == "open"]
    assert len(open_tables) == 43 and len(open_datasets) == 43
    for table in open_tables:
        dataset = open_datasets[od.portal_slug(table)]
        assert dataset.asset == f"stg_digitization__{table.slug}"
        assert dataset.warehouse_table == f"staging.{dataset.asset}"
        assert (REPO / "expectations/suites" / dataset.suite).is_file()
    slugs = [d.slug for d in published_datasets()]
    assert len(slugs) == len(set(slugs))


def test_specs_are_valid_vietnamese_dcat(open_datasets) -> None:
    for dataset in open_datasets.values():
        spec = dataset.dataset_spec()
        spec.validate()
        assert spec.title_vi and spec.description_vi.startswith(spec.title_vi)
        assert "Huế" in spec.description_vi and spec.update_frequency in {
            "DAILY",
            "WEEKLY",
            "MONTHLY",
            "QUARTERLY",
            "ANNUAL",
        }


def test_personal_columns_are_withheld(catalogue: Catalogue, open_datasets) -> None:
    pharmacies = open_datasets["nha-thuoc-huong-tra"]
    assert "nguoi_phu_trach" not in pharmacies.columns  # the pharmacist in charge: a person
    assert "nguoi_phu_trach" in catalogue.table("nha_thuoc_huong_tra").column_ids
    assert "Không công bố cột thông tin cá nhân" in pharmacies.spec["description_vi"]
    for dataset in open_datasets.values():
        assert not {"person_name", "personal_id", "address"} & set(dataset.column_types.values())


def test_codes_are_published_as_text_and_contacts_are_reviewed(open_datasets) -> None:
    schools = open_datasets["truong-hoc-tp-hue"]
    columns = {c["name"]: c for c in schools.spec["columns"]}
    assert all(columns[c]["type"] == "string" for c, t in schools.column_types.items() if t == "code")
    assert columns["so_dien_thoai"]["pii_reviewed"] and columns["email"]["pii_reviewed"]
    assert schools.pii_allowlist["columns"] == {"so_dien_thoai": ["phone"], "email": ["email"]}
    assert not columns["ten_truong"]["pii_reviewed"]  # only the contacts were reviewed


def test_allowlisted_contact_column_still_blocks_other_personal_data(open_datasets) -> None:
    schools = open_datasets["truong-hoc-tp-hue"]
    allowlist = PiiAllowlist().with_dataset(schools.slug, schools.pii_allowlist)
    table = pa.table(
        {
            "so_dien_thoai": ["0234 3822 123", "0905123456"],
            "email": ["thpt.quochoc@hue.edu.vn", "lienhe@truong.edu.vn"],
            "ghi_chu": ["Liên hệ bà Nguyễn Thị Mai", "Điểm trường chính"],
        }
    )
    report = scan_table(table, dataset=schools.slug, column_types=schools.column_types, allowlist=allowlist)
    assert report.blocked
    assert set(report.counts) == {"ghi_chu:person_name"}, (
        report.counts
    )  # the contacts passed, the name did not
    leaked = table.set_column(0, "so_dien_thoai", pa.array(["079204012345", "0905123456"]))
    report = scan_table(leaked, dataset=schools.slug, column_types=schools.column_types, allowlist=allowlist)
    assert any(k.startswith("so_dien_thoai:personal_id") for k in report.counts), report.counts


def test_allowlist_sections_merge_without_losing_the_files_entries() -> None:
    base = PiiAllowlist.from_dict(
        {"datasets": {"d": {"values": ["0234 3822 123"], "columns": {"hotline": ["phone"]}}}}
    )
    merged = base.with_dataset("d", {"columns": {"hotline": ["email"], "email": ["email"]}})
    own = merged.for_dataset("d")
    assert own.columns["hotline"] == frozenset({"phone", "email"}) and own.columns["email"] == {"email"}
    assert own.values == base.for_dataset("d").values
    with pytest.raises(ValueError, match="unknown kinds"):
        base.with_dataset("d", {"columns": {"x": ["shoe_size"]}})
