"""Command line of the sandbox (``python -m sandbox up|down|status|generate|serve``).

``up`` starts the servers in a detached background process (``serve``), waits until every system answers
its health route, writes ``<data-dir>/sandbox.env`` (the HUE_* variables, KEY=VALUE lines) and
``<data-dir>/sandbox.pid``, prints the endpoints and returns. ``down`` stops that process (SIGTERM, wait,
then SIGKILL). Server logs go to ``<data-dir>/logs/<system>.log``; the background process's own output to
``<data-dir>/logs/sandbox.log``.

Files in the data dir while running: ``sandbox.pid`` (written by ``up``), ``sandbox.json`` and
``sandbox.env`` (written by ``serve`` once every system is ready, removed when it stops). A failed start
leaves ``sandbox.failed.json`` naming the system, the error and its log tail.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sandbox.scenario import DEFAULT_SEED, DEFAULT_TABLES, SCENARIO_NAMES, Scenario

PID_FILE = "sandbox.pid"
STATE_FILE = "sandbox.json"
ENV_FILE = "sandbox.env"
FAILED_FILE = "sandbox.failed.json"
SERVE_LOG = "sandbox.log"
EXIT_FAILED = 2
EXIT_NOT_RUNNING = 3


def _systems(values: Sequence[str] | None) -> tuple[str, ...]:
    from sandbox.runtime import SYSTEMS

    if not values:
        return SYSTEMS
    # accept "--systems one_stop population" as well as "--systems one_stop,population"
    return tuple(dict.fromkeys(part.strip() for value in values for part in value.split(",") if part.strip()))


def _scenario(args: argparse.Namespace) -> Scenario:
    return Scenario.named(args.scenario, seed=args.seed, tables=args.tables)


def _write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _read_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """True when ``pid`` runs and is not a zombie (a killed child not yet reaped still answers kill(0))."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_sandbox_process(pid: int) -> bool:
    """Guard against a recycled pid: only signal a process whose command line is our ``serve``."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _alive(pid)  # no /proc (not Linux): trust the pid file
    return b"sandbox" in cmdline and b"serve" in cmdline


def _running_pid(data_dir: Path) -> int | None:
    pid = _read_pid(data_dir)
    if pid is not None and _alive(pid) and _is_sandbox_process(pid):
        return pid
    return None


def _clear_state(data_dir: Path, *, pid_file: bool) -> None:
    for name in (STATE_FILE, ENV_FILE) + ((PID_FILE,) if pid_file else ()):
        (data_dir / name).unlink(missing_ok=True)


def _print_endpoints(data_dir: Path, state: dict[str, Any]) -> None:
    print(f"sandbox running (pid {state.get('pid')}, scenario {state.get('scenario', {}).get('name')})")
    for system, url in state.get("urls", {}).items():
        print(f"  {system:<14} {url}")
    print(f"environment: {data_dir / ENV_FILE}  (set -a; . {data_dir / ENV_FILE}; set +a)")


# ---------------------------------------------------------------- serve (foreground; what `up` runs)


def cmd_serve(args: argparse.Namespace) -> int:
    from sandbox.runtime import Sandbox, SandboxError

    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sandbox = Sandbox(data_dir, _scenario(args), _systems(args.systems), ready_timeout=args.ready_timeout)
    try:
        endpoints = sandbox.start()
    except SandboxError as exc:
        _write_atomic(
            data_dir / FAILED_FILE,
            json.dumps(
                {"system": exc.system, "error": exc.message, "log_tail": exc.log_tail}, ensure_ascii=False
            ),
        )
        print(str(exc), file=sys.stderr, flush=True)
        return EXIT_FAILED
    try:
        state = {
            "pid": os.getpid(),
            "scenario": endpoints.scenario.to_dict(),
            "urls": endpoints.urls,
            "logs": {system: str(path) for system, path in endpoints.log_paths.items()},
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        # the env file holds (sandbox) credentials: readable by the owner only
        _write_atomic(
            data_dir / ENV_FILE, "".join(f"{k}={v}\n" for k, v in sorted(endpoints.env.items())), 0o600
        )
        _write_atomic(data_dir / STATE_FILE, json.dumps(state, indent=2, ensure_ascii=False))
        print(f"sandbox ready: {json.dumps(endpoints.urls)}", flush=True)
        while not stop.wait(0.5):
            pass
        print("sandbox stopping", flush=True)
    finally:
        sandbox.stop()
        _clear_state(data_dir, pid_file=_read_pid(data_dir) == os.getpid())
    return 0


# ---------------------------------------------------------------- up / down / status / generate


def cmd_up(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    running = _running_pid(data_dir)
    if running is not None:
        print(
            f"sandbox already running in {data_dir} (pid {running}); run `python -m sandbox down` first",
            file=sys.stderr,
        )
        return 1
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "logs").mkdir(exist_ok=True)
    _clear_state(data_dir, pid_file=True)
    (data_dir / FAILED_FILE).unlink(missing_ok=True)
    systems = _systems(args.systems)
    command = [
        sys.executable, "-m", "sandbox", "serve",
        "--data-dir", str(data_dir),
        "--scenario", args.scenario, "--seed", str(args.seed), "--tables", str(args.tables),
        "--ready-timeout", str(args.ready_timeout),
        "--systems", ",".join(systems),
    ]  # fmt: skip
    env = dict(os.environ)
    project_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (project_root, env.get("PYTHONPATH")) if p)
    with (data_dir / "logs" / SERVE_LOG).open("ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # detached: survives this command and the terminal it ran in
            env=env,
        )
    _write_atomic(data_dir / PID_FILE, f"{process.pid}\n")
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        state = _read_json(data_dir / STATE_FILE)
        if state is not None and state.get("pid") == process.pid:
            _print_endpoints(data_dir, state)
            return 0
        code = process.poll()
        if code is not None:
            (data_dir / PID_FILE).unlink(missing_ok=True)
            failure = _read_json(data_dir / FAILED_FILE)
            if failure:
                print(
                    f"sandbox failed to start: system {failure['system']!r}: {failure['error']}",
                    file=sys.stderr,
                )
                if failure.get("log_tail"):
                    print(
                        f"--- logs/{failure['system']}.log (last lines) ---\n{failure['log_tail']}",
                        file=sys.stderr,
                    )
            else:
                from sandbox.runtime import tail

                print(f"sandbox process exited with code {code} before it was ready", file=sys.stderr)
                print(
                    f"--- logs/{SERVE_LOG} (last lines) ---\n{tail(data_dir / 'logs' / SERVE_LOG)}",
                    file=sys.stderr,
                )
            return EXIT_FAILED
        time.sleep(0.1)
    print(f"sandbox not ready after {args.timeout:.0f}s; stopping it", file=sys.stderr)
    _stop(data_dir, process.pid, 10.0)
    from sandbox.runtime import tail

    for system in systems:
        print(
            f"--- logs/{system}.log (last lines) ---\n{tail(data_dir / 'logs' / f'{system}.log')}",
            file=sys.stderr,
        )
    return EXIT_FAILED


def _stop(data_dir: Path, pid: int, timeout: float) -> str:
    """SIGTERM, wait up to ``timeout``, then SIGKILL; returns how it ended."""
    how = "stopped"
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        how = "already gone"
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        how = "killed (SIGKILL) after not stopping within the timeout"
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    _clear_state(data_dir, pid_file=True)
    return how


def cmd_down(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    pid = _read_pid(data_dir)
    if pid is None:
        print(f"sandbox not running in {data_dir} (no pid file)")
        _clear_state(data_dir, pid_file=True)
        return 0
    if not _alive(pid) or not _is_sandbox_process(pid):
        print(f"sandbox not running (stale pid file for pid {pid}); cleaned up")
        _clear_state(data_dir, pid_file=True)
        return 0
    print(f"sandbox (pid {pid}) {_stop(data_dir, pid, args.timeout)}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    import requests

    from sandbox.runtime import HEALTH_PATH

    data_dir = Path(args.data_dir).resolve()
    pid = _running_pid(data_dir)
    state = _read_json(data_dir / STATE_FILE)
    if pid is None:
        print(f"sandbox not running in {data_dir}")
        return EXIT_NOT_RUNNING
    if state is None:
        print(f"sandbox starting (pid {pid}), not ready yet")
        return 1
    print(
        f"sandbox running (pid {pid}, scenario {state['scenario']['name']}, since {state.get('started_at')})"
    )
    healthy = True
    http = requests.Session()
    http.trust_env = False  # never send loopback traffic through a proxy from the environment
    for system, url in state.get("urls", {}).items():
        try:
            response = http.get(url + HEALTH_PATH, timeout=5)
            health = "ok" if response.status_code == 200 else f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            health = f"unreachable ({type(exc).__name__})"
        healthy = healthy and health == "ok"
        print(f"  {system:<14} {url:<28} {health}")
    return 0 if healthy else 1


def cmd_generate(args: argparse.Namespace) -> int:
    from sandbox.runtime import Sandbox, SandboxError

    sandbox = Sandbox(Path(args.data_dir).resolve(), _scenario(args), _systems(args.systems))
    try:
        timings = sandbox.prepare()
    except SandboxError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    for system, seconds in timings.items():
        print(f"  {system:<14} prepared in {seconds:.1f}s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="Huế sandbox: local stand-ins for the province's systems"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, scenario: bool) -> None:
        p.add_argument(
            "--data-dir", default="data/sandbox", help="where data, logs, sandbox.env and the pid file live"
        )
        if scenario:
            p.add_argument("--scenario", default="tiny", choices=SCENARIO_NAMES)
            p.add_argument("--seed", type=int, default=DEFAULT_SEED)
            p.add_argument("--tables", type=int, default=DEFAULT_TABLES, help="digitisation catalogue size")
            p.add_argument("--systems", nargs="+", help="systems to run (default: all four)")

    up = sub.add_parser("up", help="start the sandbox in the background and wait until it is ready")
    common(up, True)
    up.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds to wait for data generation + readiness"
    )
    up.add_argument(
        "--ready-timeout",
        type=float,
        default=60.0,
        help="seconds each server gets to answer its health route",
    )
    up.set_defaults(func=cmd_up)

    serve = sub.add_parser(
        "serve", help="run the sandbox in the foreground (what `up` runs in the background)"
    )
    common(serve, True)
    serve.add_argument("--ready-timeout", type=float, default=60.0)
    serve.set_defaults(func=cmd_serve)

    down = sub.add_parser("down", help="stop the background sandbox")
    common(down, False)
    down.add_argument("--timeout", type=float, default=10.0, help="seconds between SIGTERM and SIGKILL")
    down.set_defaults(func=cmd_down)

    status = sub.add_parser("status", help="show whether the sandbox runs and each system's health")
    common(status, False)
    status.set_defaults(func=cmd_status)

    generate = sub.add_parser("generate", help="only prepare the data of the selected systems")
    common(generate, True)
    generate.set_defaults(func=cmd_generate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # e.g. an invalid scenario or system list: a message, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
