"""The benchmark tiers' day of changes and the definitions-load figure, on canned values (no sandbox)."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import history
from benchmarks.changes import DOSSIERS_PER_DAY, update_times
from benchmarks.harness import figures
from benchmarks.tiers import NATIONAL_DOSSIERS_PER_DAY, TIERS

DAY = dt.datetime(2024, 10, 1)


def test_province_tiers_move_a_province_day_and_the_national_tier_a_national_day():
    assert {name: t.dossiers_per_day for name, t in TIERS.items() if name != "national-year"} == {
        "tiny": DOSSIERS_PER_DAY,
        "province-quarter": DOSSIERS_PER_DAY,
        "province-year": DOSSIERS_PER_DAY,
    }
    national = TIERS["national-year"]
    # 30M dossiers a year (domain guide's national tier) over 365 days
    assert round(30_000_000 / 365, -3) == NATIONAL_DOSSIERS_PER_DAY
    assert national.dossiers_per_day == NATIONAL_DOSSIERS_PER_DAY
    # bounded, and saying which part is bounded and which is national
    assert "province-year" in national.sample_note and "82.000 dossiers" in national.sample_note


def test_a_province_day_keeps_one_dossier_every_20_seconds_from_8_am():
    stamps = update_times(DAY, DOSSIERS_PER_DAY)
    assert stamps[:3] == ["20241001080000", "20241001080020", "20241001080040"]
    assert stamps[-1] == "20241001143940"  # 1,199 × 20 s after 08:00


@settings(deadline=None, max_examples=25)
@given(st.integers(min_value=0, max_value=100_000))
def test_any_day_of_changes_stays_within_that_working_day_in_order(n):
    stamps = update_times(DAY, n)
    assert len(stamps) == n
    assert stamps == sorted(stamps)
    assert all("20241001080000" <= s <= "20241001180000" for s in stamps)


def _defs_row(result: dict) -> dict:
    return next(r for r in figures(result) if r["figure"].startswith("Dagster definitions load"))


def test_definitions_load_is_the_median_of_fresh_loads_with_the_first_named():
    tier = json.loads((history.RESULTS_DIR / "tiny.json").read_text(encoding="utf-8"))
    tier["runs"] = tier["runs"][:1]
    tier["runs"][0]["defs"]["figures"] = {
        "seconds": 3.6,
        "first_seconds": 4.6,
        "loads_seconds": [4.6, 3.5, 3.6],
        "assets": 1321,
    }
    row = _defs_row(tier)
    assert row["value"] == 3.6 and row["met"] is True
    assert "median of 3 loads" in row["note"] and "4,6 s" in row["note"]


def test_a_result_stored_with_a_single_load_gets_no_note():
    tier = json.loads((history.RESULTS_DIR / "tiny.json").read_text(encoding="utf-8"))
    tier["runs"] = tier["runs"][:1]
    tier["runs"][0]["defs"]["figures"] = {"seconds": 6.0, "assets": 1321}  # stored before --loads
    row = _defs_row(tier)
    assert row["value"] == 6.0 and row["met"] is False and row["note"] == ""
