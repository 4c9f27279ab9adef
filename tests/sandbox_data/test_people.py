"""Deterministic Vietnamese people (công dân) shared by the one-stop and population sandboxes."""

from __future__ import annotations

import collections
import datetime as dt
import re
import time
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox import people, reference_data
from sandbox.one_stop import vocab
from sandbox.scenario import SCENARIO_NAMES, Scenario

HUE_COMMUNES_2021 = {c.code for c in reference_data.communes("2021")}
PHONE = re.compile(r"^0(" + "|".join(p[1:] for p in vocab.MOBILE_PREFIXES) + r")\d{7}$")


@pytest.fixture(scope="module")
def sample() -> list[people.Person]:
    return list(people.people(46, 20_000))


def check_person(p: people.Person) -> None:
    pid = p.personal_id
    assert len(pid) == 12 and pid.isdigit()
    assert pid[:3] == p.birth_province_code
    g = int(pid[3])
    # Domain guide §3: female if odd; birth year = (⌊G/2⌋ + 19) × 100 + YY.
    assert (g % 2 == 1) == (p.sex == "Nữ")
    assert (g // 2 + 19) * 100 + int(pid[4:6]) == p.birth_date.year
    if p.old_id_card is not None:
        assert len(p.old_id_card) == 9 and p.old_id_card.isdigit()
    assert p.full_name == f"{p.family} {p.middle} {p.given}"
    assert unicodedata.normalize("NFC", p.full_name) == p.full_name
    assert p.sex in {"Nam", "Nữ"}
    assert p.commune_code in HUE_COMMUNES_2021
    assert PHONE.match(p.phone), p.phone
    if p.email is not None:
        assert p.email.isascii() and "@" in p.email
    age = people.REFERENCE_YEAR - p.birth_date.year
    assert 18 <= age <= 88
    assert p.blood_group in {"O", "A", "B", "AB"}


def test_every_person_is_well_formed(sample: list[people.Person]) -> None:
    for p in sample:
        check_person(p)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=-(2**40), max_value=2**40), index=st.integers(0, people.MAX_POPULATION - 1))
def test_any_seed_and_index_gives_a_valid_person(seed: int, index: int) -> None:
    p = people.person(seed, index)
    check_person(p)
    assert p.index == index
    assert people.person(seed, index) == p  # pure


def test_vectorised_and_single_agree(sample: list[people.Person]) -> None:
    picks = [0, 7, 19_999, 4242, 7]
    assert people.people_at(46, picks) == [sample[i] for i in picks]
    assert people.person(46, 4242) == sample[4242]
    assert list(people.people(46, 3, start=4241)) == sample[4241:4244]


def test_seed_changes_the_population() -> None:
    a, b = people.people_at(46, range(50)), people.people_at(47, range(50))
    assert sum(x.personal_id == y.personal_id for x, y in zip(a, b, strict=True)) < 3


def test_personal_ids_and_old_cards_are_unique_over_the_whole_index_range() -> None:
    # The serial is a permutation of the index: check it directly over the full million.
    serial = people._feistel(np.arange(people.MAX_POPULATION), people._key(46) & 0xFFFFFFFF, 10, 1_000_000)
    assert np.all(np.diff(np.sort(serial)) > 0) and serial.min() >= 0 and serial.max() < 1_000_000
    cards = people._feistel(np.arange(people.MAX_POPULATION), people._key(46) >> 32, 12, 10_000_000)
    assert np.all(np.diff(np.sort(cards)) > 0) and cards.max() < 10_000_000


def test_realistic_shares(sample: list[people.Person]) -> None:
    n = len(sample)
    families = collections.Counter(p.family for p in sample)
    assert 0.33 < families["Nguyễn"] / n < 0.42
    assert families["Tôn Nữ"] > 0 and families["Tôn Thất"] > 0
    assert all(p.sex == "Nữ" for p in sample if p.family == "Tôn Nữ")
    assert 0.80 < sum(p.birth_province_code == "046" for p in sample) / n < 0.90
    assert 0.45 < sum(p.sex == "Nữ" for p in sample) / n < 0.56
    assert 0.08 < sum(p.old_id_card is not None for p in sample) / n < 0.5
    assert sum(p.middle == "Thị" for p in sample if p.sex == "Nữ") > sum(
        p.middle == "Thị" for p in sample if p.sex == "Nam"
    )
    assert not any(p.middle == p.given for p in sample)
    a_luoi = [p for p in sample if reference_data.commune(p.commune_code).district_code == "481"]
    assert a_luoi and sum(p.ethnicity != "Kinh" for p in a_luoi) / len(a_luoi) > 0.5


def test_lookup_outcome_shares_and_determinism() -> None:
    counts = collections.Counter(people.lookup_outcome(46, i) for i in range(50_000))
    assert set(counts) == {"match", "name_mismatch", "birth_date_mismatch", "unknown"}
    assert 0.88 < counts["match"] / 50_000 < 0.92
    assert 0.03 < counts["name_mismatch"] / 50_000 < 0.05
    assert 0.02 < counts["birth_date_mismatch"] / 50_000 < 0.04
    assert 0.02 < counts["unknown"] / 50_000 < 0.04
    assert [people.lookup_outcome(46, i) for i in range(100)] == [
        people.lookup_outcome(46, i) for i in range(100)
    ]


def test_population_size_per_scenario() -> None:
    sizes = {name: people.population_size(Scenario.named(name)) for name in SCENARIO_NAMES}
    assert all(0 < s <= people.MAX_POPULATION for s in sizes.values())
    assert sizes["tiny"] < sizes["calibrated"] <= sizes["province-year"]


def test_index_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError):
        people.person(46, people.MAX_POPULATION)
    with pytest.raises(ValueError):
        people.person(46, -1)


def test_birth_dates_are_real_dates(sample: list[people.Person]) -> None:
    assert all(isinstance(p.birth_date, dt.date) for p in sample)
    assert {p.birth_date.month for p in sample} == set(range(1, 13))
    assert any(p.birth_date.month == 2 and p.birth_date.day == 29 for p in sample)


def test_ascii_fold() -> None:
    assert people.ascii_fold("Đặng Thị Ánh Tuyết") == "Dang Thi Anh Tuyet"
    assert people.ascii_fold("Tôn Nữ Quỳnh") == "Ton Nu Quynh"


def test_speed_is_bulk_friendly() -> None:
    # 450k people must take seconds: 50k here must stay well under the budget even on a busy machine.
    t = time.perf_counter()
    rows = people.person_rows(46, np.arange(50_000))
    assert len(rows) == 50_000
    assert time.perf_counter() - t < 5
