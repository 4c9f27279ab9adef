"""Sandbox scenarios (kịch bản): which scale tier, which seed, how big the digitisation catalogue is.

A scenario is the whole input of the sandbox's data generators: the same scenario always produces the
same data, byte for byte. Each system decides its own volumes from ``scenario.name``; the scenario only
names the tier so that one switch scales every system together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SCENARIO_NAMES: tuple[str, ...] = (
    "tiny",
    "calibrated",
    "province-quarter",
    "province-year",
    "province-3y",
    "national-year",
)
"""Scale tiers, smallest first: tests, calibration to the province's reports, then benchmarks.

``province-3y`` is province-year with three years of one-stop history instead of one (same volume per
quarter, same people, digitisation and open data): the benchmark of the nightly cost against history
(``python -m benchmarks history``) compares the two, so only the history may differ between them."""

DEFAULT_SEED = 46  # Huế's province code: any fixed seed would do, this one is easy to remember
DEFAULT_TABLES = 597  # size of the digitisation catalogue in 2023 (domain guide §0)


@dataclass(frozen=True)
class Scenario:
    """One sandbox scenario: tier ``name``, random ``seed``, digitisation catalogue size ``tables``."""

    name: str = "tiny"
    seed: int = DEFAULT_SEED
    tables: int = DEFAULT_TABLES

    def __post_init__(self) -> None:
        # Validate here, not only in named(): a scenario read back from a marker file or a CLI flag
        # must fail at once with a clear message rather than deep inside a generator.
        if self.name not in SCENARIO_NAMES:
            raise ValueError(f"unknown scenario {self.name!r}; expected one of: {', '.join(SCENARIO_NAMES)}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"scenario seed must be an integer, got {self.seed!r}")
        if isinstance(self.tables, bool) or not isinstance(self.tables, int) or self.tables < 1:
            raise ValueError(f"scenario tables must be a positive integer, got {self.tables!r}")

    @classmethod
    def named(cls, name: str, seed: int = DEFAULT_SEED, tables: int = DEFAULT_TABLES) -> Scenario:
        """The scenario for tier ``name`` (``"tiny"``, ``"calibrated"``, ...)."""
        return cls(name=name, seed=seed, tables=tables)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        """Read a scenario back (e.g. from a marker file); unknown keys are an error, not ignored."""
        unknown = set(data) - {"name", "seed", "tables"}
        if unknown:
            raise ValueError(f"unknown scenario fields: {', '.join(sorted(unknown))}")
        return cls(**data)

    @property
    def key(self) -> str:
        """A short stable text naming the scenario, for marker files and folder names."""
        return f"{self.name}-seed{self.seed}-tables{self.tables}"
