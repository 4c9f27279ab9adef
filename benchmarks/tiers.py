"""Benchmark tiers (cấp quy mô): which sandbox scenario each runs and what is bounded, said out loud."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.changes import DOSSIERS_PER_DAY

NATIONAL_DOSSIERS_PER_DAY = 82_000
"""A national day of one-stop changes: the national scenario's 30M dossiers a year over 365 days."""


@dataclass(frozen=True)
class Tier:
    """A benchmark tier: the sandbox ``scenario`` it generates, how many dossiers move on in its day of
    changes (``dossiers_per_day``), and a note when it is a bounded sample."""

    name: str
    scenario: str
    sample_note: str = ""
    dossiers_per_day: int = DOSSIERS_PER_DAY


TIERS: dict[str, Tier] = {
    "tiny": Tier("tiny", "tiny"),
    "province-quarter": Tier("province-quarter", "province-quarter"),
    "province-year": Tier("province-year", "province-year"),
    # 30M dossiers take hours to generate and tens of GB on this machine, so the national history is
    # bounded to the province-year data; what the tier does carry at national scale is the night's work, a
    # national day of changes, because the nightly cost follows the changes, not the history (3y/1y). It
    # says so in every table it appears in; its figures are measured, never extrapolated.
    "national-year": Tier(
        "national-year",
        "province-year",
        "the history is the province-year sandbox data (~1/70 of the national dossiers, "
        "not the 30M-dossier national scenario); the day of changes is national: "
        f"{f'{NATIONAL_DOSSIERS_PER_DAY:,}'.replace(',', '.')} dossiers moved on (30M / 365)",
        NATIONAL_DOSSIERS_PER_DAY,
    ),
}

HISTORIES: tuple[tuple[str, str], ...] = (("1y", "province-year"), ("3y", "province-3y"))
"""(label, sandbox scenario) of ``python -m benchmarks history``: the same volume per quarter and the same
day of changes on one and on three years of one-stop history (see ``sandbox/scenario.py``)."""

STAGES: tuple[str, ...] = ("defs", "full", "limit", "peer", "incremental")
"""Stages in the order they run in one repetition; later ones reuse the lake the full run built."""
