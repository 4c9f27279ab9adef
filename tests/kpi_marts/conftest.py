"""Session fixtures: the probe project (marts as views over probe tables) built once for all tests here."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.kpi_marts.harness import create_probe_tables, make_probe_project, run_dbt

PSEUDONYM_KEY = "test-key-not-for-production-0123456789"


class Probe:
    """The probe warehouse: fill ``probe.*`` tables, then query the real marts (views) over them."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path))


@pytest.fixture(scope="session")
def probe() -> Iterator[Probe]:
    with tempfile.TemporaryDirectory(prefix="kpi_probe_") as tmp:
        root = Path(tmp)
        project = make_probe_project(root)
        warehouse = root / "warehouse.duckdb"
        with duckdb.connect(str(warehouse)) as con:
            create_probe_tables(con)
        env = {
            "HUE_WAREHOUSE_PATH": str(warehouse),
            "HUE_LAKE_DIR": str(root / "lake"),
            "HUE_PSEUDONYM_KEY": PSEUDONYM_KEY,
        }
        # Seeds and models only: the data tests run on real data in the calibrated-scenario test, and here
        # the input changes under every test anyway.
        run = run_dbt(project, root, env, ["build", "--resource-type", "seed", "--resource-type", "model"])
        assert run.ok, run.failures
        yield Probe(warehouse)
