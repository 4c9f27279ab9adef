"""Catalogue search (tìm kiếm): accent- and case-insensitive match over titles, descriptions, keywords.

Vietnamese users type with and without tone marks ("ho so" for "hồ sơ"), so both sides are folded to
ASCII before comparing; every word of the query must start a word of the dataset's text.
"""

from __future__ import annotations

import re
import unicodedata

from portal.store import DatasetRecord


def fold(text: str) -> str:
    """``Hồ sơ Đất đai`` → ``ho so dat dai``."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def searchable_text(record: DatasetRecord) -> str:
    spec = record.spec
    parts = [
        spec.slug,
        spec.title_vi,
        spec.title_en,
        spec.description_vi,
        spec.description_en,
        *spec.keywords,
    ]
    return " " + fold(" ".join(parts)) + " "


def matches(record: DatasetRecord, query: str) -> bool:
    words = fold(query).split()
    text = searchable_text(record)
    # Word-prefix match: "ho" finds "hồ sơ" but not "phố"; "khach" finds "khách sạn".
    return all(" " + word in text for word in words)


def search(
    records: list[DatasetRecord], query: str = "", *, theme: str | None = None, publisher: str | None = None
) -> list[DatasetRecord]:
    """Records matching every given criterion, in catalogue (slug) order."""
    return [
        r
        for r in records
        if (not query or matches(r, query))
        and (theme is None or r.spec.theme == theme)
        and (publisher is None or r.spec.publisher == publisher)
    ]
