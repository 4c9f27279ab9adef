"""The open catalogue tables as published datasets (bộ dữ liệu mở từ danh mục số hóa).

The digitisation catalogue classifies 43 tables as open (``classification: open``): the province publishes
them on its open-data portal. For each, this renders an entry of
``orchestration/defs/publish/open_catalogue_datasets.yml`` in the shape of the hand-written ``datasets.yml``:
the staging model the gate checks and the publisher reads, the generated Great Expectations suite, the
DCAT metadata in Vietnamese (with English), and the published columns with their types.

Two privacy rules are applied here, from the catalogue's semantic types, so that no one has to remember them
table by table:

* columns that describe a person (``person_name``, ``personal_id``, ``address``) are never published, even
  in an open table (a pharmacy's pharmacist in charge, a book's author): Decree 13/2023/NĐ-CP;
* the contact columns of an open table (``phone``, ``email``) are the published contacts of the
  organisations the table lists (schools, shops, post offices, licensed businesses); they are allowlisted for
  that dataset and that column only, with the reason, so the PII scan still blocks a personal ID or a name
  that turns up in them, and still scans every other column.

Called by ``generate_staging.py`` (one generator, one drift check).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

import yaml

from sources.digitization.catalogue import CatalogueTable

DATASETS_PATH = PurePosixPath("orchestration/defs/publish/open_catalogue_datasets.yml")

WITHHELD_TYPES = frozenset({"person_name", "personal_id", "address"})
CONTACT_TYPES = {"phone": "phone", "email": "email"}  # semantic type → PII-scan kind allowlisted

# semantic type → published (Table Schema) type; matches what the std_* macros return on DuckDB
PUBLISHED_TYPES = {
    "text": "string",
    "code": "string",
    "place_name": "string",
    "admin_unit": "string",
    "phone": "string",
    "email": "string",
    "url": "string",
    "integer": "integer",
    "money": "integer",
    "decimal": "number",
    "latitude": "number",
    "longitude": "number",
    "date": "date",
    "timestamp": "datetime",
    "yes_no": "boolean",
}

FREQUENCIES = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "yearly": "ANNUAL",
}

DOMAIN_EN = {
    "bao_chi_xuat_ban": "press and publishing",
    "buu_chinh_vien_thong": "post and telecommunications",
    "cong_thuong": "industry and trade",
    "di_san": "cultural heritage",
    "du_lich": "tourism",
    "giao_duc": "education and training",
    "giao_thong_van_tai": "transport",
    "ke_hoach_dau_tu": "planning and investment",
    "lao_dong_xa_hoi": "labour, invalids and social affairs",
    "nong_nghiep": "agriculture and rural development",
    "tai_nguyen_moi_truong": "natural resources and environment",
    "tu_phap": "justice",
    "van_hoa_the_thao": "culture and sports",
    "xay_dung": "construction",
    "y_te": "health",
}

TYPE_EN = {
    "text": "text",
    "code": "code (text, leading zeros kept)",
    "place_name": "place name",
    "admin_unit": "administrative unit code valid at the record's date",
    "phone": "organisation's phone number (E.164)",
    "email": "organisation's e-mail address",
    "url": "web address",
    "integer": "integer",
    "money": "amount in VND",
    "decimal": "decimal number",
    "latitude": "latitude (WGS 84)",
    "longitude": "longitude (WGS 84)",
    "date": "date",
    "timestamp": "date and time, Asia/Ho_Chi_Minh",
    "yes_no": "yes/no",
}

PUBLISHER_CONTACT = {"name": "Bộ phận dữ liệu mở", "email": "dulieumo@hue.gov.vn"}


def portal_slug(table: CatalogueTable) -> str:
    """The portal's dataset slug: the catalogue slug with hyphens (URLs), stable as long as the table is."""
    return table.slug.replace("_", "-")


def published_columns(table: CatalogueTable) -> list:
    return [c for c in table.columns if c.semantic_type not in WITHHELD_TYPES]


def withheld_columns(table: CatalogueTable) -> list:
    return [c for c in table.columns if c.semantic_type in WITHHELD_TYPES]


def dataset_entry(table: CatalogueTable, model: str, suite: str) -> dict:
    columns = []
    for col in published_columns(table):
        if col.semantic_type not in PUBLISHED_TYPES:
            raise ValueError(
                f"{table.slug}.{col.id}: no published type for semantic type {col.semantic_type!r}"
            )
        entry = {
            "name": col.id,
            "type": PUBLISHED_TYPES[col.semantic_type],
            "title_vi": col.name,
            "description_vi": col.name + (" (khóa chính)" if col.id in table.primary_key else ""),
            "description_en": TYPE_EN[col.semantic_type]
            + ("; primary key" if col.id in table.primary_key else ""),
        }
        if col.semantic_type in CONTACT_TYPES:
            entry["pii_reviewed"] = True
        columns.append(entry)
    contacts = {
        c.id: [CONTACT_TYPES[c.semantic_type]] for c in table.columns if c.semantic_type in CONTACT_TYPES
    }
    withheld = withheld_columns(table)
    description_vi = (
        f"{table.name}. Bảng số {table.number} của danh mục dữ liệu số hóa dùng chung tỉnh Thừa Thiên Huế "
        f"(nay là thành phố Huế), lĩnh vực {table.domain_name.lower()}, do {table.owner_agency} quản lý; "
        "giá trị đã được chuẩn hóa (mã giữ số 0 đầu, ngày giờ theo múi giờ Việt Nam, đơn vị hành chính "
        "theo mã hiện hành tại thời điểm ghi nhận)."
    )
    description_en = (
        f"Table {table.number} of Huế's shared digitisation catalogue ({DOMAIN_EN[table.domain]}), "
        f"maintained by {table.owner_agency}; values standardised (codes keep leading zeros, times in "
        "Asia/Ho_Chi_Minh, administrative units as the code valid at the record's date)."
    )
    if withheld:
        names = ", ".join(c.name.lower() for c in withheld)
        description_vi += f" Không công bố cột thông tin cá nhân: {names}."
        description_en += f" Personal columns are not published ({', '.join(c.id for c in withheld)})."
    entry = {
        "slug": portal_slug(table),
        "warehouse_table": f"staging.{model}",
        "asset": model,
        "suite": suite,
        # open registers change slowly; a jump by half is a source problem until someone has looked
        "max_row_change_ratio": 0.5,
        "spec": {
            "title_vi": table.name,
            "title_en": f"{DOMAIN_EN[table.domain].capitalize()}: Huế digitisation catalogue table "
            f"{table.number} ({table.slug})",
            "description_vi": description_vi,
            "description_en": description_en,
            "keywords": [table.domain_name, "dữ liệu số hóa", "dữ liệu mở", "thành phố Huế"],
            "theme": table.domain_name,
            "publisher": table.owner_agency,
            "contact": dict(PUBLISHER_CONTACT),
            "update_frequency": FREQUENCIES[table.update_frequency],
            "columns": columns,
        },
        "column_types": {c.id: c.semantic_type for c in published_columns(table)},
    }
    if contacts:
        entry["pii_allowlist"] = {
            "reason": f"Liên hệ công khai của các tổ chức, cơ sở trong danh mục «{table.name}» (bảng mở theo "
            "phân loại của danh mục) / the listed organisations' published contacts",
            "columns": contacts,
        }
    return entry


def render_open_datasets(tables: Iterable[CatalogueTable], model_name, suite_path, generator: str) -> str:
    """The YAML document of every open table's dataset entry, in catalogue order."""
    entries = [dataset_entry(t, model_name(t), suite_path(t)) for t in tables if t.classification == "open"]
    header = (
        f"# Generated by {generator} from the digitisation catalogue: do not edit by hand.\n"
        "# Bộ dữ liệu mở từ danh mục số hóa — the catalogue's open tables, published through the same gate as\n"
        "# the hand-written datasets.yml (see dbt_project/generator/open_datasets.py for the privacy rules).\n"
    )
    body = yaml.dump(
        {"datasets": entries},
        Dumper=yaml.CSafeDumper,
        allow_unicode=True,
        sort_keys=False,
        width=110,
        default_flow_style=False,
    )
    return header + body
