"""Schemathesis generates requests for every operation of /api/openapi.json: never a 5xx.

The schemathesis pytest plugin does not run under pytest 9 (``Function._nodeid``), so the operations'
Hypothesis strategies are driven directly.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings


@pytest.fixture(scope="module")
def operations(portal_server):
    schema = schemathesis.openapi.from_url(portal_server.url + "/api/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 10
    return found


def _fuzz(operation, base_url: str) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        response = case.call(base_url=base_url)
        assert response.status_code < 500, (operation.label, case.path_parameters, case.query, response.text)

    check()


def test_every_operation_survives_generated_input(operations, portal_server):
    for operation in operations:
        _fuzz(operation, portal_server.url)
