"""One row of a resilience table: the case, what it must do, what it did, and whether that is a pass."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseResult:
    matrix: str  # crash | fault | corpus
    case: str
    expected: str
    observed: str
    passed: bool
