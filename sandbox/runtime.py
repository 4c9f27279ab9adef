"""Sandbox runtime (môi trường chạy thử): serve each system's ASGI app on 127.0.0.1, check readiness, stop cleanly.

All systems run as uvicorn servers in threads of one process, each on its own free port of the loopback
interface (never 0.0.0.0: the sandbox holds synthetic personal data and must not be reachable from outside).
Tests use :func:`running_sandbox`; the CLI (``python -m sandbox up``) runs the same :class:`Sandbox` in a
detached process.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import socket
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import requests
import uvicorn

from sandbox.faults import FaultInjector, FaultMiddleware
from sandbox.scenario import Scenario

SYSTEMS: tuple[str, ...] = ("one_stop", "population", "open_data", "digitization")
HEALTH_PATH = "/_sandbox/health"
HOST = "127.0.0.1"

log = logging.getLogger(__name__)


class SandboxError(RuntimeError):
    """A sandbox system could not be loaded, prepared or started; names the system and shows its log tail."""

    def __init__(self, system: str, message: str, log_tail: str = "") -> None:
        self.system = system
        self.message = message
        self.log_tail = log_tail
        text = f"sandbox system {system!r}: {message}"
        if log_tail:
            text += f"\n--- last lines of its log ---\n{log_tail}"
        super().__init__(text)


def load_system(system: str) -> ModuleType:
    """Import ``sandbox.<system>.service`` lazily, checking it offers prepare/create_app/endpoint_env."""
    if not system.isidentifier():
        raise SandboxError(system, "not a valid system name")
    module_name = f"sandbox.{system}.service"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise SandboxError(
                system, f"module {module_name} is missing (is this system implemented yet?)"
            ) from exc
        raise SandboxError(system, f"{module_name} needs module {exc.name!r}, which is missing") from exc
    missing = [
        name
        for name in ("prepare", "create_app", "endpoint_env")
        if not callable(getattr(module, name, None))
    ]
    if missing:
        raise SandboxError(system, f"{module_name} lacks {', '.join(missing)}")
    return module


def free_socket(host: str = HOST) -> socket.socket:
    """A socket bound to a free port; handing the bound socket to uvicorn avoids a pick-then-bind race."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


def tail(path: Path | None, lines: int = 20) -> str:
    """The last ``lines`` lines of a log file ('' when there is none)."""
    if path is None or not path.exists():
        return ""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 64_000))
        data = fh.read().decode("utf-8", errors="replace")
    return "\n".join(data.splitlines()[-lines:])


class _LoggingApp:
    """Access log and tracebacks of one system into its own logger (uvicorn's loggers are process-wide)."""

    def __init__(self, app: Any, logger: logging.Logger) -> None:
        self.app = app
        self.logger = logger

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = []

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            self.logger.error(
                "%s %s failed:\n%s", scope.get("method"), scope.get("path"), traceback.format_exc()
            )
            raise
        finally:
            # Path only, never the query string: queries may carry tokens (secrets stay out of logs).
            self.logger.info(
                "%s %s %s %.1fms",
                scope.get("method"),
                scope.get("path"),
                status[0] if status else "-",
                (time.perf_counter() - started) * 1000,
            )


@dataclass
class ServerHandle:
    """One running uvicorn server in a thread."""

    name: str
    url: str
    server: uvicorn.Server
    thread: threading.Thread
    log_path: Path | None = None
    log_handler: logging.Handler | None = None

    def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():  # requests still hanging (e.g. an injected timeout): stop waiting for them
            self.server.force_exit = True
            self.thread.join(timeout)
        if self.log_handler is not None:
            logging.getLogger(f"sandbox.server.{self.name}").removeHandler(self.log_handler)
            self.log_handler.close()
            self.log_handler = None


def serve_app(
    app: Any,
    name: str,
    *,
    log_path: Path | None = None,
    ready_timeout: float = 30.0,
    health_path: str = HEALTH_PATH,
) -> ServerHandle:
    """Serve ``app`` on a free 127.0.0.1 port in a daemon thread; return once ``health_path`` answers 200."""
    logger = logging.getLogger(f"sandbox.server.{name}")
    handler = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the system's own file, not also the process log
    sock = free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        _LoggingApp(app, logger),
        log_config=None,
        access_log=False,
        lifespan="auto",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException:
            logger.error("server crashed:\n%s", traceback.format_exc())
            raise
        finally:
            sock.close()

    thread = threading.Thread(target=run, name=f"sandbox-{name}", daemon=True)
    thread.start()
    handle = ServerHandle(
        name=name,
        url=f"http://{HOST}:{port}",
        server=server,
        thread=thread,
        log_path=log_path,
        log_handler=handler,
    )
    try:
        wait_ready(handle, health_path, ready_timeout)
    except SandboxError:
        handle.stop(timeout=2)
        raise
    logger.info("%s ready at %s", name, handle.url)
    return handle


def wait_ready(handle: ServerHandle, health_path: str = HEALTH_PATH, timeout: float = 30.0) -> None:
    """Poll the health route until it answers 200; fail naming the system if the thread dies or time runs out."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    with requests.Session() as http:
        http.trust_env = False  # a proxy from the environment must never carry loopback traffic
        while time.monotonic() < deadline:
            if not handle.thread.is_alive():
                raise SandboxError(handle.name, "server stopped before it was ready", tail(handle.log_path))
            if handle.server.started:
                try:
                    response = http.get(handle.url + health_path, timeout=2)
                    if response.status_code == 200:
                        return
                    last = f"HTTP {response.status_code} from {health_path}"
                except requests.RequestException as exc:
                    last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.02)
    raise SandboxError(handle.name, f"not ready after {timeout:.0f}s ({last})", tail(handle.log_path))


@dataclass
class SandboxEndpoints:
    """What a test or the CLI needs from a running sandbox."""

    data_dir: Path
    scenario: Scenario
    urls: dict[str, str] = field(default_factory=dict)  # system -> base URL
    env: dict[str, str] = field(default_factory=dict)  # merged HUE_* variables of every system
    faults: dict[str, FaultInjector] = field(default_factory=dict)  # system -> its injector
    log_paths: dict[str, Path] = field(default_factory=dict)


class Sandbox:
    """Prepare, serve and stop a set of sandbox systems (one process, one thread per server)."""

    def __init__(
        self,
        data_dir: Path,
        scenario: Scenario,
        systems: Sequence[str] = SYSTEMS,
        *,
        log_dir: Path | None = None,
        ready_timeout: float = 60.0,
    ) -> None:
        if not systems:
            raise ValueError("no sandbox systems selected")
        unknown_dupes = [s for s in set(systems) if list(systems).count(s) > 1]
        if unknown_dupes:
            raise ValueError(f"systems listed twice: {', '.join(sorted(unknown_dupes))}")
        self.data_dir = Path(data_dir)
        self.scenario = scenario
        self.systems = tuple(systems)
        self.log_dir = Path(log_dir) if log_dir is not None else self.data_dir / "logs"
        self.ready_timeout = ready_timeout
        self._handles: list[ServerHandle] = []

    def log_path(self, system: str) -> Path:
        return self.log_dir / f"{system}.log"

    def prepare(self) -> dict[str, float]:
        """Load every system module first (fail fast on a missing one), then generate data; seconds per system."""
        modules = {system: load_system(system) for system in self.systems}
        self.data_dir.mkdir(parents=True, exist_ok=True)
        timings = {}
        for system, module in modules.items():
            started = time.perf_counter()
            try:
                module.prepare(self.data_dir, self.scenario)
            except Exception as exc:
                self._log_failure(system, "prepare failed")
                raise SandboxError(
                    system, f"prepare failed: {type(exc).__name__}: {exc}", tail(self.log_path(system))
                ) from exc
            timings[system] = time.perf_counter() - started
        return timings

    def start(self) -> SandboxEndpoints:
        """Prepare and serve every system; on any failure, stop what started and raise :class:`SandboxError`."""
        self.prepare()
        endpoints = SandboxEndpoints(data_dir=self.data_dir, scenario=self.scenario)
        try:
            for system in self.systems:
                module = load_system(system)
                injector = FaultInjector()
                try:
                    app = module.create_app(self.data_dir, self.scenario, injector)
                except Exception as exc:
                    self._log_failure(system, "create_app failed")
                    raise SandboxError(
                        system, f"create_app failed: {type(exc).__name__}: {exc}", tail(self.log_path(system))
                    ) from exc
                if not injector.installed:
                    app = FaultMiddleware(
                        app, injector
                    )  # the service did not install it: transport faults still apply
                handle = serve_app(
                    app, system, log_path=self.log_path(system), ready_timeout=self.ready_timeout
                )
                self._handles.append(handle)
                env = module.endpoint_env(handle.url, self.data_dir)
                clash = {k for k in env if k in endpoints.env and endpoints.env[k] != env[k]}
                if clash:
                    raise SandboxError(system, f"endpoint_env redefines {', '.join(sorted(clash))}")
                endpoints.urls[system] = handle.url
                endpoints.env.update(env)
                endpoints.faults[system] = injector
                endpoints.log_paths[system] = self.log_path(system)
        except BaseException:
            self.stop()
            raise
        return endpoints

    def stop(self) -> None:
        # Ask every server to exit first, then wait: shutdown takes one graceful period, not one per system.
        for handle in self._handles:
            handle.server.should_exit = True
        for handle in reversed(self._handles):
            handle.stop()
        self._handles.clear()

    def _log_failure(self, system: str, what: str) -> None:
        path = self.log_path(system)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} ERROR {what}:\n{traceback.format_exc()}\n")


@contextlib.contextmanager
def running_sandbox(
    data_dir: Path,
    scenario: Scenario,
    systems: Sequence[str] = SYSTEMS,
    *,
    log_dir: Path | None = None,
    ready_timeout: float = 60.0,
) -> Iterator[SandboxEndpoints]:
    """Prepare and serve ``systems`` for the duration of a ``with`` block (tests, notebooks, benchmarks)."""
    sandbox = Sandbox(Path(data_dir), scenario, systems, log_dir=log_dir, ready_timeout=ready_timeout)
    endpoints = sandbox.start()
    try:
        yield endpoints
    finally:
        sandbox.stop()
