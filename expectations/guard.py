"""Row-count guard (kiểm soát biến động số dòng): hold a new version whose size jumps, for a person to review.

A nightly run that publishes a dataset with half its rows missing (a truncated export, a filter gone wrong)
passes every row-level expectation. Comparing with the previous published version catches it. The first
publication has nothing to compare with and passes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class GuardResult:
    """``passed`` False means *held for review* (giữ lại chờ duyệt), not broken data."""

    passed: bool
    previous_rows: int | None
    new_rows: int
    change_ratio: float | None  # (new - previous) / previous; None on first publication or from zero
    max_change_ratio: float
    reason: str

    @property
    def held_for_review(self) -> bool:
        return not self.passed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"held_for_review": self.held_for_review}

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> GuardResult:
        return cls(**{key: value for key, value in document.items() if key != "held_for_review"})


def check_row_count(previous_rows: int | None, new_rows: int, *, max_change_ratio: float) -> GuardResult:
    """Pass when ``|new - previous| / previous ≤ max_change_ratio``; hold for review otherwise.

    ``max_change_ratio=0.2`` allows ±20 %. From a previous count of zero, only zero passes (any growth from
    nothing is unbounded). Negative counts and a negative bound are programming errors and raise.
    """
    if max_change_ratio < 0:
        raise ValueError(f"max_change_ratio must be ≥ 0, got {max_change_ratio}")
    if new_rows < 0 or (previous_rows is not None and previous_rows < 0):
        raise ValueError(f"row counts must be ≥ 0, got previous={previous_rows}, new={new_rows}")
    if previous_rows is None:
        return GuardResult(True, None, new_rows, None, max_change_ratio, "first publication")
    if previous_rows == 0:
        passed = new_rows == 0
        reason = "unchanged (0 rows)" if passed else f"grew from 0 to {new_rows} rows"
        return GuardResult(passed, 0, new_rows, None, max_change_ratio, reason)
    ratio = (new_rows - previous_rows) / previous_rows
    # Compare in rows, with a hair of tolerance, so that exactly +20 % passes a 0.2 bound despite float error.
    passed = abs(new_rows - previous_rows) <= max_change_ratio * previous_rows + 1e-9
    verdict = "within" if passed else "beyond"
    reason = (
        f"{previous_rows} → {new_rows} rows ({ratio:+.1%}) is {verdict} the ±{max_change_ratio:.0%} bound"
    )
    return GuardResult(passed, previous_rows, new_rows, round(ratio, 6), max_change_ratio, reason)
