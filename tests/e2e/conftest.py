"""One nightly run of the whole platform at tiny scale: every sandbox system up, every path in tmp."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
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


@pytest.fixture(scope="package")
def platform(tmp_path_factory) -> Iterator[Platform]:
    root = tmp_path_factory.mktemp("nightly")
    scenario = Scenario.named("tiny")
    with running_sandbox(root / "sandbox", scenario) as endpoints:
        env = {
            **endpoints.env,
            "HUE_LAKE_DIR": str(root / "lake"),
            "HUE_WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
            "HUE_PORTAL_DIR": str(root / "portal"),
            "HUE_QUALITY_DIR": str(root / "quality"),
            "HUE_PSEUDONYM_KEY": secrets.token_hex(32),
        }
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            (root / "dagster_home").mkdir()
            with dg.instance_for_test(temp_dir=str(root / "dagster_home")) as instance:
                yield Platform(root=root, endpoints=endpoints, instance=instance)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
