"""``docs/resilience.md`` from the stored matrix results (``benchmarks/results/resilience-<matrix>.json``).

Each matrix is stored on its own so that running one (``--only corpus``) keeps the others' last results;
every section says when and at which commit its figures were taken.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.harness import RESULTS_DIR
from benchmarks.machine import commit, now_utc
from benchmarks.resilience.results import CaseResult

DOC = Path(__file__).resolve().parents[2] / "docs" / "resilience.md"
MATRICES = {
    "crash": "Ma trận sự cố dừng đột ngột — crash matrix (kill -9, rerun, compare by content hash)",
    "fault": "Ma trận sự cố nguồn — fault matrix (every sandbox fault knob, alone and combined)",
    "corpus": "Bộ đầu vào hỏng — bad-input corpus (real readers, then the lake)",
}


def store(matrix: str, results: list[CaseResult], command: str, notes: str = "") -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"resilience-{matrix}.json"
    payload = {
        "matrix": matrix,
        "command": command,
        "commit": commit(),
        "date": now_utc(),
        "notes": notes,
        "cases": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# Why the failing cases fail, from reading the code paths they went through. Kept beside the generator
# so that the report never shows a failure without its cause; a case that starts passing drops its line.
CAUSES: dict[str, str] = {
    "schema_drift=rename_column": "Digitisation and open data are held and restored. What differs is "
    "`population/applicant_verifications`: the LGSP answer renamed `GioiTinh`, the connector stores no sex "
    "rather than guess it (by design, tests/population), and a verified applicant is not looked up again "
    "the next night, so those rows keep the empty field. Fix: treat a missing required answer field as a "
    "failed lookup, so the pending-applicants queue asks again.",
    "malformed_rows_every": "Digitisation and open data are restored the next night (the cursor was held "
    "for the quarantined rows). `population/applicant_verifications` holds 400 of 500 lookups: the lookups "
    "whose answers were malformed are audited and quarantined, but the next night's run did not ask for "
    "them again within its 500-lookup bound. Not investigated further this session: the pending-applicants "
    "queue (tests/unit/test_pending_applicants.py) should pick them up; it did not in this run.",
    "combined: malformed": "Same as malformed_rows_every: only the population lookups are missing.",
    "clean run": "The reference run itself failed; see its log (the working tree was being edited in parallel).",
}


CORPUS_OUTCOMES = (
    "Kết quả — outcomes: *rejected* (từ chối: the whole input refused, with the reader's reason); "
    "*quarantined* (cách ly: the bad rows set aside in the lake's quarantine with a reason, the good rows "
    "committed); *accepted* (nhận: read correctly and committed); *empty* (rỗng: a header without rows, "
    "nothing committed); *flagged* (gắn cờ: committed as the source sent it, by design, then built by the "
    "warehouse's real generated staging model, dbt on DuckDB, whose semantic-type macros keep the bad value "
    "as the corrected or null one with its `<column>__issue` reason, counted for the data-quality mart). "
    "A cell longer than 1.048.576 characters, a NUL character, or an XLSX formula saved without its result "
    "quarantines its row (`cell_too_large`, `nul_character`, `formula_without_value`)."
)


def _causes(data: dict[str, Any]) -> list[str]:
    lines = []
    for c in data["cases"]:
        if c["passed"]:
            continue
        for key, cause in CAUSES.items():
            if f"`{key}`" in c["case"] or c["case"].startswith(key):
                lines.append(f"- `{key}`: {cause}")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section(matrix: str, data: dict[str, Any]) -> str:
    cases = data["cases"]
    passed = sum(1 for c in cases if c["passed"])
    lines = [
        f"## {MATRICES[matrix]}",
        "",
        f"`{data['command']}` — commit `{data['commit']}`, {data['date']}: **{passed}/{len(cases)} đạt (pass)**.",
    ]
    if data.get("notes"):
        lines += ["", data["notes"]]
    if matrix == "corpus":
        lines += ["", CORPUS_OUTCOMES]
    lines += ["", "| case | expected | observed | result |", "|---|---|---|---|"]
    for c in cases:
        verdict = "đạt (pass)" if c["passed"] else "**không đạt (FAIL)**"
        lines.append(f"| {_cell(c['case'])} | {_cell(c['expected'])} | {_cell(c['observed'])} | {verdict} |")
    causes = _causes(data)
    if causes:
        lines += ["", "Vì sao không đạt — why the failing cases fail:", "", *causes]
    return "\n".join(lines) + "\n"


def render(results_dir: Path = RESULTS_DIR, doc: Path = DOC, findings: str = "") -> Path:
    sections = []
    for matrix in MATRICES:
        path = results_dir / f"resilience-{matrix}.json"
        if path.exists():
            sections.append(_section(matrix, json.loads(path.read_text(encoding="utf-8"))))
    head = (
        "# Khả năng chống chịu — resilience\n\n"
        "Generated by `make resilience` (`python -m benchmarks.resilience`) from "
        "`benchmarks/results/resilience-*.json`; do not edit by hand. A small version runs in `make test` "
        "(`tests/resilience/`: the lake's three crash points and eight fault knobs on the digitisation sync "
        "without Dagster, and the whole bad-input corpus).\n\n"
        "How to read it: *expected* is what the platform must do, *observed* what it did in that run; a case "
        "that fails is listed as failing, with what was seen.\n\n"
        "How two runs are compared (`benchmarks/resilience/fingerprint.py`): per lake table, the row count "
        "and an order-independent hash of every committed row, without the load columns (`_batch_id`, "
        "`_extracted_at`, `_source`) and the columns that record when a run happened "
        "(`population/applicant_verifications.verified_at`, the moment of the lookup). An open-data "
        "dataset is compared on its newest harvest, because the warehouse's staging reads it that way. "
        "After additive drift the lake keeps the column the source added, as it must, and is compared on "
        "the clean run's columns; the added columns are listed in *observed*. The warehouse marts are "
        "compared table by table, and the portal store by each dataset's number of versions and its "
        "current version's content hash (a publication made twice shows as an extra version).\n"
    )
    doc.write_text(
        head + "\n" + "\n".join(sections) + (f"\n{findings}\n" if findings else ""), encoding="utf-8"
    )
    return doc
