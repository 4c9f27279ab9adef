"""Schemathesis generates requests for every operation of /api/openapi.json: never a 5xx, and every
documented response matches its schema (issue 10).

The schemathesis pytest plugin does not run under pytest 9 (``Function._nodeid``), so the operations'
Hypothesis strategies are driven directly and each response goes through schemathesis's own checks.
``make test`` runs a few examples per operation; ``make resilience`` sets ``HUE_FUZZ_EXAMPLES`` for a
longer run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def examples_per_operation() -> int:
    """Examples per operation: 12 in ``make test``, more when HUE_FUZZ_EXAMPLES asks for it."""
    return int(os.environ.get("HUE_FUZZ_EXAMPLES") or 12)


@pytest.fixture(scope="module")
def operations(portal_server):
    schema = schemathesis.openapi.from_url(portal_server.url + "/api/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 10
    return found


def _fuzz(operation, base_url: str, examples: int) -> int:
    calls = []

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        response = case.call(base_url=base_url)
        calls.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    check()
    return len(calls)


def test_every_operation_survives_generated_input(operations, portal_server):
    examples = examples_per_operation()
    calls = {operation.label: _fuzz(operation, portal_server.url, examples) for operation in operations}
    # Hypothesis may stop early on a tiny input space (an operation without parameters), never at zero.
    assert all(calls.values()), calls
