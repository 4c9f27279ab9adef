"""A run executed in process and killed leaves its pool slot claimed; the next in-process launch reclaims it.

Real processes and a real (SQLite) Dagster instance: the first launch kills itself with SIGKILL inside a
step of a pool with one slot, as a power cut would; the second must mark that run failed, free the slot,
and complete instead of waiting forever for the pool."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.nightly import LAUNCHER_TAG, in_process_launch

REPO = Path(__file__).resolve().parents[2]
_LAUNCH = """
import os, signal, dagster as dg
from orchestration.nightly import in_process_launch

@dg.asset(pool="digitization")
def doomed():
    if os.environ.get("DIE"):
        os.kill(os.getpid(), signal.SIGKILL)
    return 1

instance = dg.DagsterInstance.get()
with in_process_launch(instance) as tags:
    assert dg.materialize([doomed], instance=instance, tags=tags).success
"""


def _launch(home: Path, die: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("DIE", None)
    if die:
        env["DIE"] = "1"
    return subprocess.run([sys.executable, "-c", _LAUNCH], env=env, capture_output=True, timeout=120)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "dagster.yaml").write_text(
        "concurrency:\n  pools:\n    default_limit: 1\ntelemetry:\n  enabled: false\n"
    )
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


def test_a_killed_in_process_run_is_failed_and_its_pool_slot_freed_by_the_next_launch(home):
    killed = _launch(home, die=True)
    assert killed.returncode == -9
    with dg.DagsterInstance.get() as instance:
        (abandoned,) = instance.get_runs()
        assert abandoned.status == dg.DagsterRunStatus.STARTED and LAUNCHER_TAG in abandoned.tags
        assert instance.event_log_storage.get_concurrency_info("digitization").claimed_slots

    rerun = _launch(home, die=False)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    with dg.DagsterInstance.get() as instance:
        runs = {r.run_id: r for r in instance.get_runs()}
        assert runs[abandoned.run_id].status == dg.DagsterRunStatus.FAILURE
        assert sorted(r.status.value for r in runs.values()) == ["FAILURE", "SUCCESS"]
        assert not instance.event_log_storage.get_concurrency_info("digitization").claimed_slots


def test_a_second_launcher_of_the_same_instance_is_refused_while_the_first_runs(home):
    with dg.DagsterInstance.get() as instance, in_process_launch(instance):
        second = _launch(home, die=False)
        assert second.returncode != 0 and b"is executing in process" in second.stderr
