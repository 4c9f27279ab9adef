"""Huế administrative units (đơn vị hành chính) for the sandbox, read from ``reference/admin_units/``.

Three vintages (domain guide §5), each with its validity dates:

- ``"2021"``: 9 districts (cấp huyện) and 141 communes (cấp xã), valid 1/7/2021–31/12/2024
  (``communes_national_2023-05-07.csv``, province code 46);
- ``"2025-01"``: 9 districts and 133 communes, valid 1/1/2025–30/6/2025
  (``communes_national_2025-01-04.csv``; the list still carries Xã Hương Hòa 20176, merged by
  NQ 1314/NQ-UBTVQH15 and absent from the 2025-01 → 2025-07 crosswalk, so it is left out);
- ``"2025-07"``: no districts, 40 communes (21 phường, 19 xã) from 1/7/2025 (``communes_2025-07.csv``).

A commune code alone is ambiguous across vintages (19753 was Phường Thuận Lộc, then Phường Phú Xuân):
callers key on (code, vintage) or ask :func:`communes_valid_on` for a date.

Pure and cached: files are parsed with the ``csv`` module once per (vintage, folder); codes stay strings
with their leading zeros; names are NFC.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import pathlib
import unicodedata
from dataclasses import dataclass

HUE_PROVINCE_CODE = "46"
DEFAULT_DIR = pathlib.Path(__file__).resolve().parents[1] / "reference" / "admin_units"

#: Xã Hương Hòa: still in the national list of 4/1/2025 but merged into Thị trấn Khe Tre (NQ 1314).
_MERGED_BEFORE_2025_01 = frozenset({"20176"})


@dataclass(frozen=True)
class Vintage:
    """A version of the province's unit list and the dates it was in force (hiệu lực)."""

    name: str
    valid_from: dt.date
    valid_to: dt.date | None  # inclusive; None = still in force
    file: str

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


VINTAGES: tuple[Vintage, ...] = (
    Vintage("2021", dt.date(2021, 7, 1), dt.date(2024, 12, 31), "communes_national_2023-05-07.csv"),
    Vintage("2025-01", dt.date(2025, 1, 1), dt.date(2025, 6, 30), "communes_national_2025-01-04.csv"),
    Vintage("2025-07", dt.date(2025, 7, 1), None, "communes_2025-07.csv"),
)
_BY_NAME = {v.name: v for v in VINTAGES}


@dataclass(frozen=True)
class District:
    """A district-level unit (đơn vị cấp huyện: thành phố, thị xã, huyện, quận)."""

    code: str  # 3 digits, e.g. "474"
    name: str  # "Thành phố Huế"
    vintage: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class Commune:
    """A commune-level unit (đơn vị cấp xã: phường, xã, thị trấn)."""

    code: str  # 5 digits, e.g. "19753"
    name: str  # "Phường Thuận Lộc"
    kind: str  # "Phường" | "Xã" | "Thị trấn"
    district_code: str | None  # None from 1/7/2025 (no district level)
    district_name: str | None
    vintage: str
    valid_from: dt.date
    valid_to: dt.date | None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _kind(name: str) -> str:
    for kind in ("Thị trấn", "Phường", "Xã"):
        if name.startswith(kind):
            return kind
    raise ValueError(f"unrecognised commune kind in {name!r}")


def vintage(name: str) -> Vintage:
    """The vintage called ``name`` ("2021", "2025-01", "2025-07")."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown vintage {name!r}; expected one of {sorted(_BY_NAME)}") from None


def vintage_on(day: dt.date) -> Vintage:
    """The vintage in force on ``day``; the 2021 list is also used for earlier dates (sandbox data start 2022)."""
    for v in VINTAGES:
        if v.covers(day):
            return v
    if day < VINTAGES[0].valid_from:
        return VINTAGES[0]
    raise AssertionError("vintages cover every date from 2021-07-01 on")  # pragma: no cover


@functools.cache
def _national(path: pathlib.Path, vintage_name: str) -> tuple[tuple[District, ...], tuple[Commune, ...]]:
    v = vintage(vintage_name)
    districts: dict[str, District] = {}
    communes: list[Commune] = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            if row["Mã TP"].strip() != HUE_PROVINCE_CODE:
                continue
            code = row["Mã PX"].strip()
            if vintage_name == "2025-01" and code in _MERGED_BEFORE_2025_01:
                continue
            dcode, dname = row["Mã QH"].strip(), _nfc(row["Quận Huyện"])
            districts.setdefault(dcode, District(dcode, dname, v.name, v.valid_from, v.valid_to))
            name = _nfc(row["Phường Xã"])
            communes.append(Commune(code, name, _kind(name), dcode, dname, v.name, v.valid_from, v.valid_to))
    return tuple(sorted(districts.values(), key=lambda d: d.code)), tuple(
        sorted(communes, key=lambda c: c.code)
    )


@functools.cache
def _two_level(path: pathlib.Path) -> tuple[Commune, ...]:
    v = vintage("2025-07")
    communes = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            # Rows are "code, name, province,"; province header rows have an empty code.
            if len(row) < 3 or not row[0].strip() or _nfc(row[2]) != "Thành phố Huế":
                continue
            name = _nfc(row[1])
            communes.append(
                Commune(row[0].strip(), name, _kind(name), None, None, v.name, v.valid_from, None)
            )
    return tuple(sorted(communes, key=lambda c: c.code))


def districts(vintage_name: str = "2021", directory: pathlib.Path = DEFAULT_DIR) -> tuple[District, ...]:
    """Huế's districts of a vintage, sorted by code (empty for "2025-07": the level was abolished)."""
    v = vintage(vintage_name)
    if v.name == "2025-07":
        return ()
    return _national(pathlib.Path(directory) / v.file, v.name)[0]


def communes(vintage_name: str = "2021", directory: pathlib.Path = DEFAULT_DIR) -> tuple[Commune, ...]:
    """Huế's communes of a vintage, sorted by code."""
    v = vintage(vintage_name)
    if v.name == "2025-07":
        return _two_level(pathlib.Path(directory) / v.file)
    return _national(pathlib.Path(directory) / v.file, v.name)[1]


def communes_valid_on(day: dt.date, directory: pathlib.Path = DEFAULT_DIR) -> tuple[Commune, ...]:
    """The communes in force on ``day`` (the 2021 list for any earlier day)."""
    return communes(vintage_on(day).name, directory)


def commune(code: str, vintage_name: str = "2021", directory: pathlib.Path = DEFAULT_DIR) -> Commune:
    """One commune by code within a vintage; ``KeyError`` when the code is not a Huế commune then."""
    for c in communes(vintage_name, directory):
        if c.code == code:
            return c
    raise KeyError(f"no Huế commune {code!r} in vintage {vintage_name}")
