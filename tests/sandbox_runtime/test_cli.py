"""`python -m sandbox up|status|down|generate` as real subprocesses: no process may be left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from sandbox.scenario import Scenario

from .onestop_db import prepared_data_dir

ROOT = Path(__file__).resolve().parents[2]
TINY = Scenario.named("tiny")


def sandbox_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def processes_using(data_dir: Path) -> list[int]:
    """Pids of live processes whose command line mentions ``data_dir`` (the serve process does)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(data_dir).encode() in cmdline and state != "Z":
            found.append(int(proc.name))
    return found


@pytest.fixture
def data_dir(tmp_path):
    directory = prepared_data_dir(tmp_path / "sandbox", TINY, 20)
    yield directory
    for pid in processes_using(directory):  # never leave a server behind, even when a test fails
        os.kill(pid, signal.SIGKILL)


def test_up_status_down(data_dir):
    up = sandbox_cli("up", "--data-dir", str(data_dir), "--scenario", "tiny", "--systems", "one_stop")
    assert up.returncode == 0, up.stderr
    assert "one_stop" in up.stdout and "http://127.0.0.1:" in up.stdout
    assert "mot-cua-sandbox" not in up.stdout  # credentials stay in the env file, not on the terminal
    env = dict(line.split("=", 1) for line in (data_dir / "sandbox.env").read_text().splitlines())
    assert set(env) == {
        "HUE_ONE_STOP_DB_URL",
        "HUE_ONE_STOP_API_URL",
        "HUE_ONE_STOP_API_USER",
        "HUE_ONE_STOP_API_PASSWORD",
    }
    assert (data_dir / "sandbox.env").stat().st_mode & 0o077 == 0
    pid = int((data_dir / "sandbox.pid").read_text())
    assert processes_using(data_dir) == [pid]

    token = requests.post(
        env["HUE_ONE_STOP_API_URL"] + "/token",
        data={"username": env["HUE_ONE_STOP_API_USER"], "password": env["HUE_ONE_STOP_API_PASSWORD"]},
        timeout=5,
    ).json()
    page = requests.post(
        env["HUE_ONE_STOP_API_URL"] + "/service",
        json={"session": token["session"], "service": "LayDanhSachHoSo"},
        timeout=5,
    )
    assert page.json()["total"] == 20

    status = sandbox_cli("status", "--data-dir", str(data_dir))
    assert status.returncode == 0 and "one_stop" in status.stdout and " ok" in status.stdout
    again = sandbox_cli("up", "--data-dir", str(data_dir), "--systems", "one_stop")
    assert again.returncode == 1 and "already running" in again.stderr

    down = sandbox_cli("down", "--data-dir", str(data_dir))
    assert down.returncode == 0 and "stopped" in down.stdout
    assert processes_using(data_dir) == []
    assert not any((data_dir / name).exists() for name in ("sandbox.pid", "sandbox.env", "sandbox.json"))
    with pytest.raises(requests.ConnectionError):
        requests.get(env["HUE_ONE_STOP_API_URL"].removesuffix("/api") + "/_sandbox/health", timeout=2)
    assert sandbox_cli("status", "--data-dir", str(data_dir)).returncode == 3
    assert sandbox_cli("down", "--data-dir", str(data_dir)).returncode == 0  # idempotent


def test_down_kills_a_server_that_ignores_sigterm(data_dir):
    assert sandbox_cli("up", "--data-dir", str(data_dir), "--systems", "one_stop").returncode == 0
    pid = int((data_dir / "sandbox.pid").read_text())
    os.kill(pid, signal.SIGSTOP)  # a stopped process cannot act on SIGTERM
    down = sandbox_cli("down", "--data-dir", str(data_dir), "--timeout", "0.5")
    assert down.returncode == 0 and "SIGKILL" in down.stdout
    assert processes_using(data_dir) == []
    assert not (data_dir / "sandbox.pid").exists()


def test_readiness_failure_exits_non_zero_naming_the_system_with_its_log(data_dir):
    (data_dir / "one_stop.sqlite").write_bytes(b"this is not a database" * 100)
    up = sandbox_cli("up", "--data-dir", str(data_dir), "--systems", "one_stop", "--ready-timeout", "1.5")
    assert up.returncode == 2
    assert "'one_stop'" in up.stderr and "not ready" in up.stderr
    assert "GET /_sandbox/health 503" in up.stderr  # the tail of logs/one_stop.log
    assert json.loads((data_dir / "sandbox.failed.json").read_text())["system"] == "one_stop"
    assert processes_using(data_dir) == []
    assert not (data_dir / "sandbox.pid").exists()


def test_missing_system_and_bad_arguments(data_dir):
    up = sandbox_cli("up", "--data-dir", str(data_dir), "--systems", "one_stop,no_such_system")
    assert up.returncode == 2 and "no_such_system" in up.stderr and "missing" in up.stderr
    assert processes_using(data_dir) == []
    bad = sandbox_cli("generate", "--data-dir", str(data_dir), "--tables", "0")
    assert bad.returncode == 2 and "tables" in bad.stderr


def test_generate_only_prepares(data_dir):
    done = sandbox_cli("generate", "--data-dir", str(data_dir), "--systems", "one_stop")
    assert done.returncode == 0 and "one_stop" in done.stdout
    assert not (data_dir / "sandbox.pid").exists() and processes_using(data_dir) == []
