"""Column names for the lake: ASCII snake case from Vietnamese headers or the API's PascalCase keys.

``Số học sinh - Nam`` (a flattened CSV/XLSX header) and ``SoHocSinhNam`` (the JSON API key) both become
``so_hoc_sinh_nam``, so every flavour of a dataset lands with the same columns. The original header is
kept in the Arrow field metadata (``title``).
"""

from __future__ import annotations

import re

from sources.common.vietnamese import nfc, strip_diacritics

_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def column_slug(name: str) -> str:
    """``Giá vé (đồng/lượt) - Ô tô`` → ``gia_ve_dong_luot_o_to``; ``GiaVeDongLuotOTo`` → the same."""
    ascii_name = strip_diacritics(nfc(name))
    words: list[str] = []
    for chunk in re.split(r"[^0-9A-Za-z]+", ascii_name):
        words.extend(w.lower() for w in _CAMEL_RE.findall(chunk))
    return "_".join(words)


def unique_slugs(names: list[str]) -> list[str]:
    """Slugs for a header row; blanks become ``column_<n>`` and repeats get ``_2``, ``_3``..."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(names, 1):
        slug = column_slug(name) or f"column_{position}"
        if slug[0].isdigit():
            slug = "c_" + slug  # SQL identifiers cannot start with a digit unquoted: "2023" → c_2023
        if slug in seen:
            seen[slug] += 1
            slug = f"{slug}_{seen[slug]}"
        else:
            seen[slug] = 1
        out.append(slug)
    return out


def lake_table(identifier: str) -> str:
    """The lake (and dbt source) table of a dataset: ``bai-do-xe`` → ``bai_do_xe``.

    Portal identifiers are URL slugs; lake folders, Dagster asset keys and SQL identifiers want snake case.
    """
    return column_slug(identifier) or "dataset"
