"""Run one stage as a child process and measure it: wall time and peak resident memory (RSS).

``os.wait4`` returns the resource usage of exactly that child, including the grandchildren it reaped
(dbt runs as a subprocess of the Dagster step): ``ru_maxrss`` is then the largest RSS of the stage's
process tree, not of whatever else the harness ran before — which ``getrusage(RUSAGE_CHILDREN)`` would mix in.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measurement:
    """One stage run: wall seconds, peak RSS in MiB, exit code (negative: killed by that signal)."""

    seconds: float
    peak_rss_mib: float
    returncode: int
    log: str


def run_measured(
    args: Sequence[str],
    env: dict[str, str],
    log_path: Path,
    timeout: float | None = None,
    repo_root: Path = REPO_ROOT,
) -> Measurement:
    """``python -m <args>`` in ``repo_root`` (this repository, or a copy with a grown catalogue: see
    :mod:`benchmarks.catalogue`), environment ``env`` added to ours; output into ``log_path``.

    The child leads its own process group so that a crashed or timed-out stage leaves no orphans (a
    SIGKILLed Dagster step cannot stop the dbt process it started).
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    child_env = {**os.environ, **env, "PYTHONPATH": str(repo_root)}
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=repo_root,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        status, usage = _wait(process.pid, timeout)
    seconds = time.perf_counter() - started
    _kill_group(process.pid)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        seconds=round(seconds, 3),
        peak_rss_mib=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        returncode=process.returncode,
        log=str(log_path),
    )


def _wait(pid: int, timeout: float | None):
    if timeout is None:
        _, status, usage = os.wait4(pid, 0)
        return status, usage
    deadline = time.monotonic() + timeout
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.monotonic() > deadline:
            _kill_group(pid)
            _, status, usage = os.wait4(pid, 0)
            return status, usage
        time.sleep(0.2)


def _kill_group(pid: int) -> None:
    """SIGKILL what is left of the stage's process group (only the group this harness created)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def median(values: Sequence[float]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None
