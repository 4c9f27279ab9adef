"""Every fault knob of sandbox/faults.py against the digitisation, open-data and population connectors:
afterwards the lake equals a fault-free run's (or, where the fault destroys rows, holds only clean rows
and quarantines exactly the missing ones; breaking drift is held until the next fault-free night).
The one-stop API has its own run of the same knobs in tests/integration/test_one_stop_api_connector.py."""

from __future__ import annotations

import pytest

from sources.lake import Lake
from tests.connectors.harness import KNOBS, check_knob, lake_rows, uncovered_knobs

SOURCES = ("digitization", "open_data", "population")


def test_every_knob_of_the_sandbox_is_exercised():
    assert uncovered_knobs() == set()


def test_the_clean_lakes_hold_every_table(sources_under_test, clean_lakes):
    for name, sut in sources_under_test.items():
        for table in sut.tables:
            _, rows = lake_rows(clean_lakes[name], sut.system, table)
            assert sum(rows.values()) > 0, f"{name}/{table} is empty in the fault-free lake"


@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.id)
@pytest.mark.parametrize("source", SOURCES)
def test_knob_leaves_the_fault_free_lake(sources_under_test, clean_lakes, tmp_path, source, knob):
    check_knob(sources_under_test[source], clean_lakes[source], Lake(tmp_path), knob)
