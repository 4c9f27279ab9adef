"""Scenario: the contract other sandbox systems build on."""

from __future__ import annotations

import dataclasses

import pytest

from sandbox.scenario import SCENARIO_NAMES, Scenario


def test_named_defaults_follow_the_contract():
    s = Scenario.named("calibrated")
    assert (s.name, s.seed, s.tables) == ("calibrated", 46, 597)
    assert Scenario.named("tiny", seed=7, tables=950) == Scenario("tiny", 7, 950)


def test_every_tier_is_accepted_and_frozen():
    assert SCENARIO_NAMES == (
        "tiny",
        "calibrated",
        "province-quarter",
        "province-year",
        "province-3y",
        "national-year",
    )
    for name in SCENARIO_NAMES:
        s = Scenario.named(name)
        with pytest.raises(dataclasses.FrozenInstanceError):
            s.seed = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "huge"},
        {"name": "tiny", "seed": "46"},
        {"name": "tiny", "tables": 0},
        {"name": "tiny", "seed": True},
    ],
)
def test_bad_scenarios_fail_with_a_clear_message(kwargs):
    with pytest.raises(ValueError, match="scenario"):
        Scenario(**kwargs)


def test_dict_round_trip_and_key():
    s = Scenario.named("province-year", seed=3, tables=950)
    assert Scenario.from_dict(s.to_dict()) == s
    assert s.key == "province-year-seed3-tables950"
    with pytest.raises(ValueError, match="unknown scenario fields: size"):
        Scenario.from_dict({**s.to_dict(), "size": 1})
