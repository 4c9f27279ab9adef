"""One in-process dbt command on a scratch copy of the project (the semantic-type, KPI and bad-input
checks build small projects from the real macros and models and run them on their own warehouse)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.environment import DBT_PROJECT_DIR, temporary_environment


@dataclass
class DbtRun:
    """Whether the command succeeded, and one line per node (or exception) that did not."""

    ok: bool
    failures: list[str]


def run_dbt(project: Path, work: Path, env: Mapping[str, str], args: Iterable[str] = ("build",)) -> DbtRun:
    """``dbt <args>`` on ``project`` with the repository's profiles, targets and logs under ``work``,
    ``env`` applied only for the call (the profile reads the warehouse and lake from it)."""
    from dbt.cli.main import dbtRunner

    # where the profile's duckdb target finds its plugin
    env = {**env, "DBT_PROJECT_DIR": str(project)}
    with temporary_environment(env):
        result = dbtRunner().invoke(
            [
                *args,
                "--project-dir", str(project),
                "--profiles-dir", str(DBT_PROJECT_DIR),
                "--target-path", str(work / "target"),
                "--log-path", str(work / "logs"),
                "--no-use-colors",
                "--quiet",
            ]
        )  # fmt: skip
    failures = [repr(result.exception)] if result.exception is not None else []
    failures += [
        f"{node.node.unique_id}: {node.status}: {node.message}"
        for node in getattr(result.result, "results", None) or []
        if str(node.status) not in ("success", "pass")
    ]
    return DbtRun(ok=result.success and not failures, failures=failures)
