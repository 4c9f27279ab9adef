"""Procedure catalogue (danh mục thủ tục) and agencies (cơ quan) against the domain guide's counts."""

from __future__ import annotations

import collections
import datetime as dt
import re

from sandbox import reference_data
from sandbox.one_stop import calibration as cal
from sandbox.one_stop import generate as gen

SNAPSHOT = dt.datetime(2024, 9, 15, 23, 59, 59)


def test_catalogue_counts_match_q1_2023() -> None:
    procs = gen.build_catalogue(46, SNAPSHOT)
    q1 = dt.date(2023, 3, 14)  # the catalogue has a history: count what was in force at the period end
    local = [p for p in procs if not p.vertical and p.valid_on(q1)]
    assert len(local) == 2_143
    by_level = collections.Counter(p.level for p in local)
    assert by_level == {1: 1_625, 2: 388, 3: 130}
    assert sum(p.vertical and p.level == 2 and p.valid_on(q1) for p in procs) == 40
    lien_thong = collections.Counter(p.level for p in local if p.inter_agency)
    assert lien_thong == {1: 444, 2: 20, 3: 17}
    online = collections.Counter(p.online_on(q1) for p in local)
    assert online["MOT_PHAN"] == 451 and online["TOAN_TRINH"] == 1_438
    assert online["MOT_PHAN"] + online["TOAN_TRINH"] == 1_889
    postal = collections.Counter(p.level for p in local if p.postal)
    assert postal == {1: 451, 2: 28, 3: 7} and sum(postal.values()) == 486
    used = collections.Counter(p.online_on(q1) for p in local if p.used_online_q1_2023)
    assert used == cal.CHOICES["q1_2023_online_procedures_used"]


def test_catalogue_rows_are_well_formed() -> None:
    procs = gen.build_catalogue(46, SNAPSHOT)
    assert len({p.code for p in procs}) == len(procs)
    assert all(re.fullmatch(r"[123]\.\d{6}", p.code) for p in procs)
    for level in (1, 2, 3):
        names = [p.name for p in procs if p.level == level and not p.vertical]
        assert len(set(names)) == len(names), "procedure names repeat within a level"
    assert all(p.days is None or 1 <= p.days <= 45 for p in procs)
    assert all(p.fee >= 0 and (p.pay_online == 0 or p.fee > 0) for p in procs)
    assert all(p.updated <= "20240915235959" and len(p.updated) == 14 for p in procs)
    assert all(p.department is not None for p in procs if p.level == 1)
    assert gen.build_catalogue(46, SNAPSHOT) == procs  # deterministic
    assert gen.build_catalogue(47, SNAPSHOT) != procs


def test_agencies_per_vintage() -> None:
    agencies = gen.build_agencies()
    assert len({a.code for a in agencies}) == len(agencies)
    assert all(re.fullmatch(r"000\.\d{2}\.\d{2}\.H57", a.code) for a in agencies)

    def valid_on(day: str) -> collections.Counter:
        return collections.Counter(
            a.level for a in agencies if a.valid_from <= day and (a.valid_to is None or day <= a.valid_to)
        )

    assert valid_on("20230101") == {1: 20, 2: 9, 3: 141}
    assert valid_on("20250301") == {1: 20, 2: 9, 3: 133}
    assert valid_on("20250801") == {1: 20, 3: 40}
    codes_2021 = {c.code for c in reference_data.communes("2021")}
    assert {a.admin_code for a in agencies if a.level == 3 and a.valid_from == "20210701"} == codes_2021
    by_code = {a.code: a for a in agencies}
    for a in agencies:
        if a.parent is not None:
            parent = by_code[a.parent]
            assert parent.level < a.level or (a.level == parent.level == 1)
    assert by_code["000.00.13.H57"].name == "Sở Tư pháp"
    assert (
        by_code["000.00.31.H57"].name == "Ủy ban nhân dân thành phố Huế"
        and by_code["000.00.31.H57"].level == 2
    )
