"""The crash matrix (ma trận sự cố dừng đột ngột): kill -9 a nightly run at a named point, run it again,
and compare what the lake, the warehouse marts and the portal store hold with a clean run, by content hash.

The kill is real: ``HUE_CRASH_AT`` makes the process SIGKILL itself at the point
(:mod:`sources.common.crash`), nothing is cleaned up, no ``finally`` runs. The run is a child process in
its own process group, and the group is killed after it so that a dbt process it started dies with it,
as it would when the machine loses power.
"""

from __future__ import annotations

import signal
from pathlib import Path

from benchmarks.measure import run_measured
from benchmarks.resilience.fingerprint import differences, lake_fingerprint, workspace_fingerprint
from benchmarks.resilience.results import CaseResult
from benchmarks.resilience.sync import sync_digitization
from benchmarks.workspace import Workspace
from sources.common.crash import CRASH_ENV, CRASH_POINTS

EXPECTED = "killed by SIGKILL at the point; rerun succeeds; lake, marts, portal identical to a clean run"


def nightly(ws: Workspace, sandbox_env: dict[str, str], tables: int, crash_at: str | None = None):
    """One nightly run of the workspace in a child process (``benchmarks.nightly_stage``)."""
    env = ws.env(sandbox_env)
    if crash_at:
        env[CRASH_ENV] = crash_at
    name = f"nightly-{crash_at or 'clean'}-{len(list(ws.root.glob('nightly-*.json')))}"
    out = ws.root / f"{name}.json"
    return run_measured(
        ["benchmarks.nightly_stage", "--digitization-tables", str(tables), "--out", str(out)],
        env,
        ws.root / f"{name}.log",
    )


def crash_matrix(
    root: Path,
    sandbox_env: dict[str, str],
    tables: int,
    points: tuple[str, ...] = CRASH_POINTS,
    progress=None,
) -> list[CaseResult]:
    """Every point: crash, rerun, compare with a clean run of the same night.

    The applicant lookups go through their queue a bounded number per run: a night killed after its
    verification run has made one more when its rerun is done. Such a point is compared with two clean
    nights (the second adds only those lookups), any other with one; which applies is read from the
    point's lake (its committed lookup batches), so neither a lost nor a repeated run can hide.
    """
    clean = Workspace(root / "clean")
    references = []
    for _ in range(2):
        night = nightly(clean, sandbox_env, tables)
        if night.returncode != 0:
            return [
                CaseResult(
                    "crash",
                    "clean run",
                    "succeeds",
                    f"clean run failed (exit {night.returncode}; {night.log})",
                    False,
                )
            ]
        references.append(workspace_fingerprint(clean))
    reference = references[0]
    results = [
        CaseResult(
            "crash",
            "clean run (reference)",
            "succeeds; lake, marts and portal store non-empty",
            f"{len(reference['lake'])} lake tables, {len(reference['marts'])} marts, "
            f"{len(reference['portal'])} published datasets",
            bool(reference["lake"]) and bool(reference["marts"]) and bool(reference["portal"]),
        )
    ]
    for point in points:
        ws = Workspace(root / point.replace(".", "_"))
        crashed = nightly(ws, sandbox_env, tables, crash_at=point)
        rerun = nightly(ws, sandbox_env, tables)
        runs = min(max(_verification_batches(ws.lake), 1), len(references))
        diffs = differences(references[runs - 1], workspace_fingerprint(ws))
        killed = crashed.returncode == -signal.SIGKILL
        observed = [
            "killed by SIGKILL" if killed else f"not killed (exit {crashed.returncode}): point never reached",
            f"rerun exit {rerun.returncode}",
            f"compared with {runs} clean night(s)",
            "identical by content hash"
            if not diffs
            else f"{len(diffs)} difference(s): " + "; ".join(diffs[:4]),
        ]
        results.append(
            CaseResult(
                "crash", point, EXPECTED, "; ".join(observed), killed and rerun.returncode == 0 and not diffs
            )
        )
        if progress:
            progress(results)
    return results


LAKE_POINTS = tuple(p for p in CRASH_POINTS if p.startswith("lake."))


def _verification_batches(lake: Path) -> int:
    from sources.lake import Lake

    if not (lake / "_manifest.sqlite").exists():
        return 0
    batches = Lake(lake).batches("population", "applicant_verifications")
    return sum(1 for b in batches if b.status == "committed")


def lake_crash_matrix(
    root: Path, endpoints_env: dict[str, str], slugs: list[str], points: tuple[str, ...] = LAKE_POINTS
) -> list[CaseResult]:
    """The lake's points on a digitisation sync without Dagster (the ``make test`` version): crash the sync
    in a child process, rerun it here, compare the lake with a clean sync's by content hash."""
    url, token = endpoints_env["HUE_DIGITIZATION_URL"], endpoints_env["HUE_DIGITIZATION_TOKEN"]
    clean = root / "clean-lake"
    sync_digitization(clean, url, token, slugs)
    reference = {"lake": lake_fingerprint(clean)}
    results = []
    for point in points:
        lake = root / f"lake-{point.replace('.', '_')}"
        crashed = run_measured(
            ["benchmarks.resilience.sync", "--lake", str(lake), "--tables", *slugs],
            {**endpoints_env, CRASH_ENV: point},
            root / f"sync-{point}.log",
        )
        failures = sync_digitization(lake, url, token, slugs)
        diffs = differences(reference, {"lake": lake_fingerprint(lake)})
        killed = crashed.returncode == -signal.SIGKILL
        observed = "; ".join(
            [
                "sync killed by SIGKILL" if killed else f"not killed (exit {crashed.returncode})",
                "rerun ok" if not failures else "rerun failed: " + "; ".join(failures[:2]),
                "lake identical by content hash" if not diffs else "; ".join(diffs[:4]),
            ]
        )
        results.append(
            CaseResult(
                "crash",
                f"{point} (digitisation sync, no Dagster)",
                "killed at the point; rerun completes; lake identical to a clean sync",
                observed,
                killed and not failures and not diffs,
            )
        )
    return results
