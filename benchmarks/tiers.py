"""Benchmark tiers (cấp quy mô): which sandbox scenario each runs and what is bounded, said out loud."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    """A benchmark tier: the sandbox ``scenario`` it generates and a note when it is a bounded sample."""

    name: str
    scenario: str
    sample_note: str = ""


TIERS: dict[str, Tier] = {
    "tiny": Tier("tiny", "tiny"),
    "province-quarter": Tier("province-quarter", "province-quarter"),
    "province-year": Tier("province-year", "province-year"),
    # 30M dossiers take hours to generate and tens of GB on this machine: the tier runs the province-year
    # data instead and says so in every table it appears in; its figures are measured, never extrapolated.
    "national-year": Tier(
        "national-year",
        "province-year",
        "bounded sample: the province-year sandbox data (~1/70 of the national dossiers), "
        "not the 30M-dossier national scenario",
    ),
}

HISTORIES: tuple[tuple[str, str], ...] = (("1y", "province-year"), ("3y", "province-3y"))
"""(label, sandbox scenario) of ``python -m benchmarks history``: the same volume per quarter and the same
day of changes on one and on three years of one-stop history (see ``sandbox/scenario.py``)."""

STAGES: tuple[str, ...] = ("defs", "full", "limit", "peer", "incremental")
"""Stages in the order they run in one repetition; later ones reuse the lake the full run built."""
