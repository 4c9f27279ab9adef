"""Validation results in one shape for GE expectations and the platform's own checks (kết quả kiểm định)."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation or check on one dataset: did it pass, how many rows broke it, a few examples."""

    type: str
    kwargs: dict[str, Any]
    success: bool
    engine: str = "great_expectations"  # or "hue_check" for the platform's Python checks
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    sample_values: list[Any] = field(default_factory=list)
    observed_value: Any = None
    exception: str | None = None
    notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class ValidationSummary:
    """The outcome of one suite on one table; ``result_json`` is GE's strict JSON (``to_json_dict()``)."""

    dataset: str
    suite_name: str
    success: bool
    outcomes: list[ExpectationOutcome]
    row_count: int | None = None
    seconds: float | None = None
    result_json: dict[str, Any] = field(default_factory=dict)

    @property
    def expectations_run(self) -> int:
        return len(self.outcomes)

    @property
    def failed(self) -> int:
        return sum(1 for outcome in self.outcomes if not outcome.success)

    @property
    def unexpected_counts(self) -> dict[str, int | None]:
        """Unexpected row count per expectation, keyed ``<index>:<type>[:<column(s)>]``."""
        return {_outcome_key(i, o): o.unexpected_count for i, o in enumerate(self.outcomes)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "suite_name": self.suite_name,
            "success": self.success,
            "expectations_run": self.expectations_run,
            "failed": self.failed,
            "row_count": self.row_count,
            "seconds": self.seconds,
            "unexpected_counts": self.unexpected_counts,
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
            "great_expectations_result": self.result_json,
        }

    def metadata(self) -> dict[str, Any]:
        """Flat, small, JSON-safe values for Dagster asset-check metadata."""
        failing = [_outcome_key(i, o) for i, o in enumerate(self.outcomes) if not o.success]
        return {
            "dataset": self.dataset,
            "suite": self.suite_name,
            "success": self.success,
            "expectations_run": self.expectations_run,
            "failed": self.failed,
            "row_count": self.row_count,
            "seconds": self.seconds,
            "failing_expectations": failing[:20],
            "unexpected_rows_total": sum(o.unexpected_count or 0 for o in self.outcomes if not o.success),
        }


def _outcome_key(index: int, outcome: ExpectationOutcome) -> str:
    kwargs = outcome.kwargs
    target = kwargs.get("column") or kwargs.get("column_list") or kwargs.get("total")
    if target is None and "column_A" in kwargs:
        target = [kwargs["column_A"], kwargs.get("column_B")]
    if isinstance(target, list):
        target = "+".join(str(t) for t in target)
    return f"{index}:{outcome.type}" + (f":{target}" if target else "")


def _jsonable(value: Any) -> Any:
    # GE and Arrow hand back numpy scalars, dates and Decimals: make them strict JSON.
    return json.loads(json.dumps(value, ensure_ascii=False, default=json_default))


def json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


_SAFE_NAME = re.compile(r"[^0-9A-Za-z_.-]+")


def write_result(summary: ValidationSummary, results_dir: str | Path) -> Path:
    """Write one summary as ``<results_dir>/<dataset>.json`` atomically (temp file, then rename)."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / f"{_SAFE_NAME.sub('_', summary.dataset) or 'dataset'}.json"
    payload = json.dumps(summary.to_dict(), ensure_ascii=False, indent=2, default=json_default)
    handle, temporary = tempfile.mkstemp(dir=results_dir, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(payload)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read_result(path: str | Path) -> dict[str, Any]:
    """Read a result file written by ``write_result`` (for the report and for comparisons between runs)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def summary_from_dict(document: dict[str, Any]) -> ValidationSummary:
    """Rebuild a summary from a result file (``read_result``), e.g. to re-render a report offline."""
    return ValidationSummary(
        dataset=document["dataset"],
        suite_name=document["suite_name"],
        success=bool(document["success"]),
        outcomes=[ExpectationOutcome(**outcome) for outcome in document.get("outcomes", [])],
        row_count=document.get("row_count"),
        seconds=document.get("seconds"),
        result_json=document.get("great_expectations_result") or {},
    )


def write_gate_part(results_dir: str | Path, dataset: str, part: str, payload: Any) -> Path:
    """Merge one gate step's result (``pii``, ``row_count_guard``, ``passed``) into ``<dataset>.gate.json``.

    The steps run as separate checks, so each records its own part; the report reads the merged file.
    """
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / f"{_SAFE_NAME.sub('_', dataset) or 'dataset'}.gate.json"
    current = read_result(target) if target.exists() else {"dataset": dataset}
    current[part] = payload
    handle, temporary = tempfile.mkstemp(dir=results_dir, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(current, ensure_ascii=False, indent=2, default=json_default))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
