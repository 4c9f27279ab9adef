"""One nightly run of the whole platform at tiny scale: every sandbox system up, every path in tmp."""

from __future__ import annotations

import os
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

        return run_nightly(defs or build_definitions(), self.instance)

    def run_job(self, job: str, defs: dg.Definitions, selection) -> dg.ExecuteInProcessResult:
        return defs.resolve_job_def(job).execute_in_process(
            instance=self.instance, raise_on_error=False, asset_selection=selection
        )

    def events(self, result) -> list[dg.EventLogEntry]:
        return [entry for run_id in result.run_ids for entry in self.instance.all_logs(run_id)]


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
