"""What a published dataset (bộ dữ liệu mở) says about itself: the metadata a publisher passes in.

A :class:`DatasetSpec` carries everything the portal, the DCAT catalogue, the Frictionless data package
and the CKAN push need: bilingual titles and descriptions, theme, publisher (cơ quan công bố), contact,
update frequency (tần suất cập nhật), temporal and spatial coverage, the Decree 47/2020/NĐ-CP reuse terms,
and the column schema. Specs are plain data: they round-trip through ``to_dict``/``from_dict`` so the
catalogue file can hold them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
COLUMN_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
COLUMN_TYPES = ("string", "integer", "number", "date", "datetime", "boolean")

# Names from the EU frequency vocabulary, which DCAT-AP (and the DCAT-VN draft) use for accrualPeriodicity.
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "BIANNUAL", "ANNUAL", "IRREGULAR", "NEVER")

# Decree 47/2020/NĐ-CP names no licence; it states what anyone may do with open data. We state those terms.
DECREE_47_REUSE_TERMS_VI = (
    "Dữ liệu mở theo Nghị định 47/2020/NĐ-CP: mọi tổ chức, cá nhân được tự do sao chép, chia sẻ, "
    "trao đổi, sử dụng, kết hợp dữ liệu, kể cả cho mục đích thương mại; ghi rõ nguồn là cơ quan công bố."
)
DECREE_47_REUSE_TERMS_EN = (
    "Open data under Decree 47/2020/ND-CP: anyone may freely copy, share, exchange, use and combine the "
    "data, commercially too; credit the publishing agency as the source."
)


class SpecError(ValueError):
    """A dataset spec that the portal cannot publish (bad slug, unknown type, duplicate column...)."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class ColumnSpec:
    """One column (cột) of a published table.

    ``type`` is a Frictionless/Table Schema type. Codes and IDs (mã) are ``string``: ``046``, ``00001``
    keep their leading zeros. ``pii_reviewed`` exempts the column from the store's personal-data scan
    (e.g. an agency hotline that looks like a phone number); set it only after a human review.
    """

    name: str
    type: str
    title_vi: str
    description_vi: str = ""
    description_en: str = ""
    pii_reviewed: bool = False

    def validate(self) -> None:
        if not COLUMN_NAME_PATTERN.match(self.name):
            raise SpecError(f"column name {self.name!r} must match {COLUMN_NAME_PATTERN.pattern}")
        if self.type not in COLUMN_TYPES:
            raise SpecError(f"column {self.name!r}: type {self.type!r} is not one of {COLUMN_TYPES}")
        if not self.title_vi.strip():
            raise SpecError(f"column {self.name!r}: title_vi is required")


@dataclass(frozen=True)
class Contact:
    """Contact point (đầu mối liên hệ) for questions about a dataset."""

    name: str
    email: str

    def validate(self) -> None:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.email):
            raise SpecError(f"contact email {self.email!r} is not an e-mail address")


@dataclass(frozen=True)
class DatasetSpec:
    """Metadata of one open dataset (siêu dữ liệu bộ dữ liệu mở).

    ``spatial_code``/``spatial_name`` name the Huế administrative unit (đơn vị hành chính) covered: the
    province is ``46`` / ``Thành phố Huế``. ``temporal_start``/``temporal_end`` bound the period covered.
    """

    slug: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    keywords: tuple[str, ...]
    theme: str
    publisher: str
    contact: Contact
    update_frequency: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    columns: tuple[ColumnSpec, ...]
    spatial_code: str = "46"
    spatial_name: str = "Thành phố Huế"
    reuse_terms_vi: str = DECREE_47_REUSE_TERMS_VI
    reuse_terms_en: str = DECREE_47_REUSE_TERMS_EN

    def __post_init__(self) -> None:
        # Tuples keep the spec hashable and comparable; NFC keeps equal titles equal byte for byte.
        object.__setattr__(self, "keywords", tuple(nfc(k) for k in self.keywords))
        object.__setattr__(self, "columns", tuple(self.columns))
        for name in ("title_vi", "title_en", "description_vi", "description_en", "theme", "publisher"):
            object.__setattr__(self, name, nfc(getattr(self, name)))

    def validate(self) -> None:
        if not SLUG_PATTERN.match(self.slug):
            raise SpecError(f"slug {self.slug!r} must match {SLUG_PATTERN.pattern}")
        for name in ("title_vi", "title_en", "description_vi", "theme", "publisher"):
            if not getattr(self, name).strip():
                raise SpecError(f"{self.slug}: {name} is required")
        if self.update_frequency not in FREQUENCIES:
            raise SpecError(f"{self.slug}: update_frequency must be one of {FREQUENCIES}")
        if self.temporal_start and self.temporal_end and self.temporal_start > self.temporal_end:
            raise SpecError(f"{self.slug}: temporal_start is after temporal_end")
        if not self.columns:
            raise SpecError(f"{self.slug}: at least one column is required")
        self.contact.validate()
        seen: set[str] = set()
        for column in self.columns:
            column.validate()
            if column.name in seen:
                raise SpecError(f"{self.slug}: duplicate column {column.name!r}")
            seen.add(column.name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["keywords"] = list(self.keywords)
        data["columns"] = [dataclasses.asdict(c) for c in self.columns]
        data["temporal_start"] = self.temporal_start.isoformat() if self.temporal_start else None
        data["temporal_end"] = self.temporal_end.isoformat() if self.temporal_end else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetSpec:
        data = dict(data)
        data["contact"] = Contact(**data["contact"])
        data["columns"] = tuple(ColumnSpec(**c) for c in data["columns"])
        data["keywords"] = tuple(data["keywords"])
        for key in ("temporal_start", "temporal_end"):
            data[key] = dt.date.fromisoformat(data[key]) if data.get(key) else None
        return cls(**data)


def slugify(text: str) -> str:
    """ASCII slug of Vietnamese text: ``Sở Thông tin và Truyền thông`` → ``so-thong-tin-va-truyen-thong``."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-") or "x"
