"""province-3y: province-year with three years of one-stop history, so that only the history length differs.

Checked from the plan and the volume tables alone: generating the scenario takes minutes (the benchmark
``python -m benchmarks history`` does it), the first chunk of dossiers takes a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

from sandbox import people
from sandbox.digitization.catalogue import build_catalogue, rows_for_scenario
from sandbox.one_stop import calibration as cal
from sandbox.one_stop import generate as gen
from sandbox.one_stop.catalogue import build_catalogue as build_procedures
from sandbox.open_data.datasets import DATASETS
from sandbox.scenario import Scenario

ONE_YEAR, THREE_YEARS = Scenario.named("province-year"), Scenario.named("province-3y")


def _volume(pp: cal.PeriodPlan) -> Counter:
    """What one period generates, per (level, category): dossiers, online ones, late by supplements."""
    out: Counter = Counter()
    for c in pp.cells:
        out[(c.level, c.category, "count")] += c.count
        out[(c.level, c.category, "online")] += c.online
        out[(c.level, c.category, "supplements")] += c.late_by_supplements
    return out


def test_twelve_contiguous_official_quarters_ending_q3_2024():
    periods = [pp.period for pp in cal.plan(THREE_YEARS).periods]
    assert len(periods) == 12
    assert periods[0].start == dt.date(2021, 9, 15) and periods[-1] == cal.P_Q3_2024
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + dt.timedelta(days=1)
        assert after.start.day == 15 and after.start.month % 3 == 0  # 15th of a quarter's last month
    names = [p.name for p in periods]
    assert len(set(names)) == 12
    assert names[:2] == ["2021-Q4", "2022-Q1"] and names[-1] == "2024-Q3"
    # The official Q1/2023 period is one of them, and the generator recognises it as such.
    assert periods[5] == cal.P_Q1_2023


def test_same_volume_per_quarter_as_province_year_and_the_last_year_identical():
    one, three = cal.plan(ONE_YEAR), cal.plan(THREE_YEARS)
    assert cal._TIERS["province-3y"][0] == cal._TIERS["province-year"][0]
    quarter = _volume(one.periods[0])
    assert all(_volume(pp) == quarter for pp in three.periods[:-1])
    assert _volume(three.periods[-1]) == _volume(one.periods[-1])
    assert three.periods[-4:] == one.periods  # the last year is province-year's, period for period
    assert (three.snapshot, three.exact) == (one.snapshot, one.exact)


def test_only_the_one_stop_history_differs():
    assert people.population_size(THREE_YEARS) == people.population_size(ONE_YEAR)
    tables = build_catalogue(597, THREE_YEARS.seed)
    assert [rows_for_scenario(t, "province-3y") for t in tables] == [
        rows_for_scenario(t, "province-year") for t in tables
    ]
    assert [d.row_count(THREE_YEARS) for d in DATASETS] == [d.row_count(ONE_YEAR) for d in DATASETS]


def test_every_procedure_pool_of_three_years_has_procedures_and_province_year_keeps_its_own():
    plan = cal.plan(THREE_YEARS)
    pools, _ = gen._pools(build_procedures(THREE_YEARS.seed, plan.snapshot), gen._windows(plan))
    empty = [key for key, pool in pools.items() if not pool]
    assert not empty, f"pools a dossier could draw from an empty list: {empty}"
    # Windows of the one-year tiers start after the catalogue is whole: the clamp leaves them (and their
    # data) as they were.
    assert gen._windows(cal.plan(ONE_YEAR))[False][0] == dt.date(2023, 9, 15) - dt.timedelta(days=70)


def test_generation_starts_in_2021_and_is_deterministic():
    first = next(gen.iter_dossier_batches(THREE_YEARS, tables=["ho_so"]))["ho_so"]
    again = next(gen.iter_dossier_batches(THREE_YEARS, tables=["ho_so"]))["ho_so"]
    assert first == again
    received = {row[16][:4] for row in first if row[16]}  # NgayTiepNhan, yyyymmddHHMMSS
    assert received <= {"2021"}
