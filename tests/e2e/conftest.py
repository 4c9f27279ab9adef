"""One nightly run of the whole platform at tiny scale: every sandbox system up, every path in tmp."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest

from sandbox.runtime import SandboxEndpoints, running_sandbox
from sandbox.scenario import Scenario


@dataclass
class Platform:
    root: Path
    endpoints: SandboxEndpoints
    instance: dg.DagsterInstance
    env: dict[str, str] = field(default_factory=dict)  # every variable the platform was configured with

    @property
    def portal_dir(self) -> Path:
        return self.root / "portal"

    def run_nightly(self, defs: dg.Definitions | None = None):
        from orchestration.definitions import build_definitions
        from orchestration.nightly import run_nightly

        return run_nightly(defs or build_definitions(), self.instance, ingest_keys=ingest_keys())

    def run_job(self, job: str, defs: dg.Definitions, selection) -> dg.ExecuteInProcessResult:
        return defs.resolve_job_def(job).execute_in_process(
            instance=self.instance, raise_on_error=False, asset_selection=selection
        )

    def events(self, result) -> list[dg.EventLogEntry]:
        return [entry for run_id in result.run_ids for entry in self.instance.all_logs(run_id)]


# A small night: every one-stop and population table, and a dozen digitisation tables (two of them open
# datasets). `make run` syncs all 597; building every generated model belongs to it and to `make bench`,
# not to a test that must stay fast.
DIGITIZATION_TABLES = 12


def ingest_keys() -> list[dg.AssetKey]:
    from orchestration.defs.digitization.catalogue import committed_catalogue
    from orchestration.defs.one_stop.assets import TABLES

    tables = committed_catalogue().tables
    chosen = [t for t in tables if t.classification == "open"][:2]
    chosen += [t for t in tables if t not in chosen][: DIGITIZATION_TABLES - len(chosen)]
    return [
        *(dg.AssetKey(["one_stop", name]) for name in TABLES),
        dg.AssetKey(["population", "applicant_verifications"]),
        dg.AssetKey(["population", "population_by_commune"]),
        dg.AssetKey(["digitization", "catalogue_tables"]),
        dg.AssetKey(["digitization", "catalogue_columns"]),
        *(dg.AssetKey(["digitization", t.slug]) for t in chosen),
    ]


@contextlib.contextmanager
def nightly_platform(root: Path) -> Iterator[Platform]:
    """The tiny sandbox and every platform path under ``root``, with recognisable values for every secret
    (tests/security/secret_scan.py) and the run's log records captured to ``root/captured/run.log``."""
    from tests.security.secret_scan import recognisable_secrets

    scenario = Scenario.named("tiny")
    with running_sandbox(root / "sandbox", scenario) as endpoints:
        env = {
            **recognisable_secrets(),
            **endpoints.env,
            "HUE_LAKE_DIR": str(root / "lake"),
            "HUE_WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
            "HUE_PORTAL_DIR": str(root / "portal"),
            "HUE_QUALITY_DIR": str(root / "quality"),
        }
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        (root / "captured").mkdir()
        capture = logging.FileHandler(root / "captured" / "run.log", encoding="utf-8")
        logging.getLogger().addHandler(capture)
        try:
            (root / "dagster_home").mkdir()
            with dg.instance_for_test(temp_dir=str(root / "dagster_home")) as instance:
                yield Platform(root=root, endpoints=endpoints, instance=instance, env=env)
        finally:
            logging.getLogger().removeHandler(capture)
            capture.close()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture(scope="package")
def platform(tmp_path_factory) -> Iterator[Platform]:
    with nightly_platform(tmp_path_factory.mktemp("nightly")) as built:
        yield built
