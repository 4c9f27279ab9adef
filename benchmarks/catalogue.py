"""A grown digitisation catalogue (danh mục mở rộng, e.g. 950 tables) for ``python -m benchmarks run --tables``.

The Dagster definitions find the dbt project beside their own code (``orchestration.lib.environment.
DBT_PROJECT_DIR``), and the staging generator writes beyond ``dbt_project/`` too (the open tables' GE suites,
the published open datasets). So a grown catalogue cannot be a second dbt project alone: the harness copies
the source tree into the workdir, regenerates the staging layer there with the committed generator, parses
it (the manifest Dagster loads), and runs every stage from that copy. The committed tree is never written.

The sandbox keeps its scenario's 597 tables on disk; each repetition grows the running platform with
``/_sandbox/digitization/grow`` (the first 597 tables are unchanged, the new ones get their data), so the
generated one-stop database and 597-table store are shared with a 597-table run of the same tier.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

from benchmarks.measure import REPO_ROOT

# What a run does not need, or must not inherit: the venv stays where it is, the local data stays out, and
# dbt's target/ is dropped so that `dbt parse` starts without the committed project's partial-parse state
# (its time is a figure).
_SKIP_AT_ROOT = {".venv", ".git", "data"}
_SKIP_IN_DBT = {"target", "logs"}
_SKIP_ANYWHERE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info")


def _ignore(folder: str, names: list[str]) -> set[str]:
    skipped = set(_SKIP_ANYWHERE(folder, names))
    if Path(folder) == REPO_ROOT:
        skipped |= _SKIP_AT_ROOT & set(names)
    elif Path(folder) == REPO_ROOT / "dbt_project":
        skipped |= _SKIP_IN_DBT & set(names)
    return skipped


def grown_source(dest: Path, tables: int, seed: int) -> tuple[Path, dict[str, float]]:
    """A copy of the source tree at ``dest`` whose staging layer covers the sandbox's ``tables``-table
    catalogue; returns it with the seconds spent copying, generating and parsing."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(REPO_ROOT, dest, ignore=_ignore)
    seconds["copy"] = time.perf_counter() - started
    env = {**os.environ, "PYTHONPATH": str(dest)}
    started = time.perf_counter()
    generator = ["-m", "dbt_project.generator.generate_staging", "--root", str(dest), "--snapshot"]
    subprocess.run(
        [sys.executable, *generator, "--sandbox", "--tables", str(tables), "--seed", str(seed)],
        cwd=dest,
        env=env,
        check=True,
    )
    seconds["generate_staging"] = time.perf_counter() - started
    project = dest / "dbt_project"
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "parse", "--profiles-dir", ".", "--quiet"],
        cwd=project,
        env={**env, "DBT_PROJECT_DIR": str(project)},
        check=True,
    )
    seconds["dbt_parse"] = time.perf_counter() - started
    return dest, {k: round(v, 1) for k, v in seconds.items()}


def grow_sandbox(digitization_url: str, tables: int) -> dict[str, float]:
    """Grow the running sandbox platform to ``tables`` tables; returns how many were added and how long
    generating their rows took (the server generates them before it answers)."""
    http = requests.Session()
    http.trust_env = False  # loopback only: never through a proxy from the environment
    started = time.perf_counter()
    # Hundreds of province-year tables are generated in one server thread: minutes, never hours.
    response = http.post(
        digitization_url + "/_sandbox/digitization/grow", params={"tables": tables}, timeout=3 * 3600
    )
    response.raise_for_status()
    return {
        "tables": response.json()["tables"],
        "added": len(response.json()["added"]),
        "seconds": round(time.perf_counter() - started, 1),
    }
