"""Deterministic Vietnamese people (công dân) shared by the one-stop applicants and the population service.

``person(seed, index)`` is a pure function: the one-stop generator and the population service (CSDL quốc
gia về dân cư stand-in) compute the same person for the same (seed, index) without sharing any storage, so
most identity lookups of one-stop applicants match. ``lookup_outcome`` says, independently of the person's
attributes, whether the population service should answer with a match or one of the realistic mismatches.

Structure follows the domain guide §3: the 12-digit personal ID (số định danh cá nhân) is
``PPP`` birth-registration province (046 for most) · ``G`` century and sex (0/1 for 1900s male/female,
2/3 for 2000s) · ``YY`` birth year · 6 serial digits. The serial is a keyed permutation of the index, so
personal IDs are unique within a population (at most :data:`MAX_POPULATION` people), and old 9-digit ID
cards (chứng minh nhân dân) are unique the same way. Names are family-middle-given (họ, tên đệm, tên).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sandbox import reference_data
from sandbox.one_stop import vocab

MAX_POPULATION = 1_000_000  # the 6-digit serial is a permutation of the index below this bound
REFERENCE_YEAR = 2024  # ages are drawn relative to this year, never to "today", to stay pure

# People per scenario: enough applicants for the dossier volumes, bounded by MAX_POPULATION. The province
# has about 1.2 million inhabitants; the national tier reuses the same million applicants.
_POPULATION_BY_SCENARIO = {
    "tiny": 2_000,
    "calibrated": 200_000,
    "province-quarter": 300_000,
    "province-year": 1_000_000,
    "province-3y": 1_000_000,  # the same people as province-year: only the one-stop history is longer
    "national-year": 1_000_000,
}

# Rough district populations (thousands), used to place people's residence (nơi cư trú).
_DISTRICT_WEIGHTS = {
    "474": 455,
    "476": 90,
    "477": 85,
    "478": 180,
    "479": 105,
    "480": 80,
    "481": 50,
    "482": 135,
    "483": 27,
}
_CHUNK = 50_000
_MINORITY_PER_MILLE = {"481": 700, "483": 400}  # A Lưới, Nam Đông; elsewhere about 5 ‰


class _Named(Protocol):
    name: str


@dataclass(frozen=True)
class Person:
    """A citizen (công dân) as both the population service and the one-stop system see them."""

    index: int
    personal_id: str  # số định danh cá nhân, 12 digits
    old_id_card: str | None  # số CMND, 9 digits
    family: str  # họ
    middle: str  # tên đệm
    given: str  # tên
    full_name: str  # họ và tên, e.g. "Nguyễn Thị Mai"
    sex: str  # "Nam" | "Nữ"
    birth_date: dt.date
    birth_province_code: str  # 3 digits, as in the personal ID
    commune_code: str  # residence, 5 digits, 2021-2024 vintage Huế commune
    address_detail: str  # số nhà, đường / thôn
    phone: str  # 0 + 9 digits
    email: str | None
    ethnicity: str  # dân tộc (sensitive: never stored by the platform)
    religion: str  # tôn giáo (sensitive)
    marital_status: str  # tình trạng hôn nhân
    blood_group: str  # nhóm máu


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser on uint64 arrays (wrapping arithmetic is intended)."""
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class _Draws:
    """Independent random streams per (seed, index): field ``k`` of person ``i`` is a hash of (seed, i, k).

    A counter-based generator, so one person or a million come out identical and in any order, with
    no per-person seeding cost.
    """

    def __init__(self, seed: int, index: np.ndarray) -> None:
        self._base = _mix(index.astype(np.uint64) ^ np.uint64(_key(seed)))
        self._field = 0

    def below(self, n: int) -> np.ndarray:
        self._field += 1
        u = _mix(self._base + np.uint64((self._field * 0xD1B54A32D192ED03) & 0xFFFFFFFFFFFFFFFF))
        return ((u >> np.uint64(11)) % np.uint64(n)).astype(np.int64)

    def weighted(self, table: _Weighted) -> np.ndarray:
        return np.searchsorted(table.cum, self.below(table.total), side="right")


class _Weighted:
    """Items with integer weights, drawn by bisection over the cumulative weights."""

    def __init__(self, pairs: Sequence[tuple[str, int]]) -> None:
        self.items = [p[0] for p in pairs]
        self.cum = np.cumsum([p[1] for p in pairs])
        self.total = int(self.cum[-1])


_FAMILY = _Weighted(vocab.FAMILY_NAMES)
_MIDDLE_M = _Weighted(vocab.MIDDLE_NAMES_MALE)
_MIDDLE_F = _Weighted(vocab.MIDDLE_NAMES_FEMALE)
_RELIGION = _Weighted(vocab.RELIGIONS)
_BLOOD = _Weighted(vocab.BLOOD_GROUPS)
_OTHER_PROVINCE = _Weighted(vocab.OTHER_BIRTH_PROVINCES)


@functools.cache
def _residences() -> tuple[_Weighted, tuple[str, ...], tuple[str, ...]]:
    """Communes weighted by their district's population share split evenly among its communes."""
    units = reference_data.communes("2021")
    per_district: dict[str, int] = {}
    for c in units:
        per_district[c.district_code or ""] = per_district.get(c.district_code or "", 0) + 1
    pairs = [
        (
            c.code,
            max(1, _DISTRICT_WEIGHTS[c.district_code or ""] * 1000 // per_district[c.district_code or ""]),
        )
        for c in units
    ]
    return _Weighted(pairs), tuple(c.kind for c in units), tuple(c.district_code or "" for c in units)


def _feistel(value: np.ndarray, key: int, half_bits: int, bound: int) -> np.ndarray:
    """Keyed permutation of ``range(bound)``: a cycle-walking Feistel network over 2·half_bits bits."""
    mask = np.uint64((1 << half_bits) - 1)
    shift = np.uint64(half_bits)
    out = value.astype(np.uint64)
    todo = np.ones(out.shape, dtype=bool)
    while todo.any():
        x = out[todo]
        left, right = x >> shift, x & mask
        for r in range(4):
            f = (
                (right * np.uint64(0x9E3779B1) + np.uint64((key + r * 0x7F4A7C15) & 0xFFFFFFFF))
                >> np.uint64(7)
            ) & mask
            left, right = right, left ^ f
        out[todo] = (left << shift) | right
        todo = out >= np.uint64(bound)
    return out.astype(np.int64)


@functools.cache
def _key(seed: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"people:{seed}".encode(), digest_size=8).digest(), "big")


@functools.cache
def _fold(text: str) -> str:
    return ascii_fold(text).lower().replace(" ", "")


def ascii_fold(text: str) -> str:
    """Remove Vietnamese diacritics (bỏ dấu): 'Đặng Thị Ánh' → 'Dang Thi Anh'."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def person(seed: int, index: int) -> Person:
    """The person number ``index`` (0 ≤ index < MAX_POPULATION) of the population drawn with ``seed``."""
    return people_at(seed, [index])[0]


def people_at(seed: int, indices: Sequence[int] | np.ndarray) -> list[Person]:
    """The persons at ``indices`` (any order, repeats allowed), vectorised: identical to ``person`` one by one."""
    return [Person(*row) for row in person_rows(seed, indices)]


def person_rows(seed: int, indices: Sequence[int] | np.ndarray) -> list[tuple]:
    """Like :func:`people_at` but plain tuples in :class:`Person` field order (cheaper for bulk generators)."""
    idx = np.asarray(indices, dtype=np.int64).reshape(-1)
    if idx.size and (idx.min() < 0 or idx.max() >= MAX_POPULATION):
        raise ValueError(f"person index outside 0..{MAX_POPULATION - 1}")
    d = _Draws(seed, idx)
    female = d.below(1000) < 505
    royal = d.below(1000) < vocab.ROYAL_SHARE_PER_MILLE
    family = d.weighted(_FAMILY)
    middle_m, middle_f = d.weighted(_MIDDLE_M), d.weighted(_MIDDLE_F)
    given_m, given_f = d.below(len(vocab.GIVEN_NAMES_MALE)), d.below(len(vocab.GIVEN_NAMES_FEMALE))
    # Adults only (applicants of one-stop procedures), ages 18-87 in REFERENCE_YEAR, fewer old people.
    age = 18 + np.minimum(d.below(70), d.below(90))
    year = REFERENCE_YEAR - age
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    day_in_year = d.below(366) % np.where(leap, 366, 365)
    birth = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + day_in_year.astype(
        "timedelta64[D]"
    )
    born_in_hue = d.below(1000) < 850
    other_province = d.weighted(_OTHER_PROVINCE)
    key = _key(seed)
    serial = _feistel(idx, key & 0xFFFFFFFF, 10, 1_000_000)
    has_old_card = (year < 1995) & (d.below(100) < 40)
    old_card = _feistel(idx, key >> 32, 12, 10_000_000)
    residence, kinds, districts = _residences()
    commune = d.weighted(residence)
    house, street = 1 + d.below(250), d.below(len(vocab.STREETS))
    hamlet, village = 1 + d.below(12), d.below(len(vocab.VILLAGES))
    prefix, number = d.below(len(vocab.MOBILE_PREFIXES)), d.below(10_000_000)
    has_email, email_n, domain = d.below(100) < 35, d.below(100), d.below(len(vocab.EMAIL_DOMAINS))
    minority_roll, minority_pick = d.below(1000), d.below(len(vocab.ETHNICITIES_MINORITY))
    religion, marital_roll, blood = d.weighted(_RELIGION), d.below(100), d.weighted(_BLOOD)

    # Plain lists: indexing numpy arrays element by element is several times slower.
    (female, royal, family, middle_f, middle_m, given_f, given_m, year, commune, house, street, hamlet, village,
     has_email, email_n, domain, minority_roll, minority_pick, age, marital_roll, born_in_hue, other_province,
     serial, has_old_card, old_card, prefix, number, religion, blood, birth) = (
        a.tolist() for a in (female, royal, family, middle_f, middle_m, given_f, given_m, year, commune, house,
                             street, hamlet, village, has_email, email_n, domain, minority_roll, minority_pick,
                             age, marital_roll, born_in_hue, other_province, serial, has_old_card, old_card,
                             prefix, number, religion, blood, birth)
    )  # fmt: skip
    out = []
    for i, index in enumerate(idx.tolist()):
        sex = "Nữ" if female[i] else "Nam"
        if royal[i]:
            fam = vocab.ROYAL_FAMILY_FEMALE if female[i] else vocab.ROYAL_FAMILY_MALE
        else:
            fam = _FAMILY.items[family[i]]
        if female[i]:
            mid, names, g = _MIDDLE_F.items[middle_f[i]], vocab.GIVEN_NAMES_FEMALE, given_f[i]
        else:
            mid, names, g = _MIDDLE_M.items[middle_m[i]], vocab.GIVEN_NAMES_MALE, given_m[i]
        if names[g] == mid:  # "Minh Minh" does not occur: take the next name in the list
            g = (g + 1) % len(names)
        given = names[g]
        y = year[i]
        c = commune[i]
        kind, district = kinds[c], districts[c]
        if kind == "Phường":
            address = f"Số {house[i]} {vocab.STREETS[street[i]]}"
        elif kind == "Thị trấn":
            address = f"Tổ dân phố {hamlet[i]}"
        else:
            address = f"Thôn {vocab.VILLAGES[village[i]]}"
        email = None
        if has_email[i]:
            email = f"{_fold(given)}.{_fold(fam)}{y % 100:02d}{email_n[i]}@{vocab.EMAIL_DOMAINS[domain[i]]}"
        ethnicity = "Kinh"
        if minority_roll[i] < _MINORITY_PER_MILLE.get(district, 5):
            ethnicity = vocab.ETHNICITIES_MINORITY[minority_pick[i]]
        a, roll = age[i], marital_roll[i]
        if a < 25:
            marital = "Đã kết hôn" if roll < 20 else "Chưa kết hôn"
        elif a <= 60:
            marital = "Đã kết hôn" if roll < 80 else ("Ly hôn" if roll < 88 else "Chưa kết hôn")
        else:
            marital = "Đã kết hôn" if roll < 75 else ("Góa" if roll < 95 else "Ly hôn")
        province = "046" if born_in_hue[i] else _OTHER_PROVINCE.items[other_province[i]]
        century_sex = (0 if y < 2000 else 2) + (1 if female[i] else 0)
        out.append(
            (
                index,
                f"{province}{century_sex}{y % 100:02d}{serial[i]:06d}",
                f"19{old_card[i]:07d}" if has_old_card[i] else None,
                fam,
                mid,
                given,
                f"{fam} {mid} {given}",
                sex,
                birth[i],
                province,
                residence.items[c],
                address,
                f"{vocab.MOBILE_PREFIXES[prefix[i]]}{number[i]:07d}",
                email,
                ethnicity,
                _RELIGION.items[religion[i]],
                marital,
                _BLOOD.items[blood[i]],
            )
        )
    return out


def people(seed: int, count: int, start: int = 0) -> Iterator[Person]:
    """Persons ``start .. start+count-1`` in index order, generated lazily."""
    for lo in range(start, start + count, _CHUNK):
        yield from people_at(seed, np.arange(lo, min(lo + _CHUNK, start + count)))


def population_size(scenario: _Named) -> int:
    """How many people a scenario draws applicants from (its ``name`` decides; see the table above)."""
    try:
        return _POPULATION_BY_SCENARIO[scenario.name]
    except KeyError:
        raise ValueError(f"unknown scenario {scenario.name!r}") from None


def lookup_outcome(seed: int, index: int) -> str:
    """How the population service answers a lookup of this person (kết quả tra cứu).

    "match" (about 90 %), "name_mismatch" (4 %), "birth_date_mismatch" (3 %) or "unknown" (3 %, not in
    the population database). Independent of the person's attributes, deterministic in (seed, index).
    """
    digest = hashlib.blake2b(f"lookup:{seed}:{index}".encode(), digest_size=8).digest()
    roll = int.from_bytes(digest, "big") % 1000
    if roll < 900:
        return "match"
    if roll < 940:
        return "name_mismatch"
    if roll < 970:
        return "birth_date_mismatch"
    return "unknown"
