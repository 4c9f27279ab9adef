"""A throwaway PostgreSQL server for tests (máy chủ PostgreSQL tạm cho kiểm thử).

Finds Debian's PostgreSQL binaries (/usr/lib/postgresql/<version>/bin), installing the ``postgresql`` package
with apt when running as root and none is present, then initdb's a cluster in a fresh temporary directory and
starts it on a free 127.0.0.1 port. PostgreSQL refuses to run as root, so under root the cluster belongs to the
``postgres`` system user and every server command runs through ``runuser``. The server is stopped and its
directory removed when the session ends.

Use it from a conftest::

    from tests.support.postgres import postgres_server  # noqa: F401  (pytest fixture)

and request ``postgres_server`` (a :class:`PostgresServer`) in a test. Tests are skipped, with the reason, only
when PostgreSQL is absent and cannot be installed.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_USER = "postgres"  # the system account Debian's package creates
DB_SUPERUSER = "hue_test"
DB_NAME = "hue_warehouse"


@dataclass(frozen=True)
class PostgresServer:
    """Connection details of a running test server."""

    host: str
    port: int
    user: str
    password: str
    dbname: str

    @property
    def sqlalchemy_url(self) -> str:
        return f"postgresql+psycopg2://{self.user}:{self.password}@{self.host}:{self.port}/{self.dbname}"

    def dbt_env(self) -> dict[str, str]:
        """The variables dbt_project/profiles.yml reads for its ``postgres`` target."""
        return {
            "HUE_WAREHOUSE_TARGET": "postgres",
            "HUE_PG_HOST": self.host,
            "HUE_PG_PORT": str(self.port),
            "HUE_PG_USER": self.user,
            "HUE_PG_PASSWORD": self.password,
            "HUE_PG_DATABASE": self.dbname,
        }


class PostgresUnavailable(RuntimeError):
    """PostgreSQL binaries are missing and could not be installed."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", path.parent.parent.name)) or (0,)


def find_bin_dir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version_key, reverse=True)
    return candidates[0].parent if candidates else None


def ensure_bin_dir() -> Path:
    """Return the newest installed PostgreSQL bin directory, installing the package as root if needed."""
    found = find_bin_dir()
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise PostgresUnavailable(
            "PostgreSQL is not installed and this is not a root Debian shell to install it"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{' '.join(cmd)} failed: {done.stderr.strip()[-500:]}")
    found = find_bin_dir()
    if not found:
        raise PostgresUnavailable(
            "apt-get install postgresql succeeded but no initdb under /usr/lib/postgresql"
        )
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Cluster:
    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.as_root = os.geteuid() == 0

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args[:1])} failed ({done.returncode}): {done.stderr.strip()}\n{log}"
            )
        return done

    def start(self, port: int, password: str) -> None:
        if self.as_root:
            # The server user must own its directory; the parent /tmp entry is private to it.
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        pwfile = self.root / "pw"
        pwfile.write_text(password)
        if self.as_root:
            os.chown(pwfile, pwd.getpwnam(SERVER_USER).pw_uid, -1)
        pwfile.chmod(0o600)
        # UTF-8 with a Unicode-aware ctype, so lower()/upper() and normalize() handle Vietnamese letters.
        self.run(
            "initdb", "-D", str(self.data), "-U", DB_SUPERUSER, f"--pwfile={pwfile}", "--auth=scram-sha-256",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        options = f"-p {port} -h 127.0.0.1 -k {self.root} -c fsync=off -c full_page_writes=off"
        self.run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", "start"
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway server; usable outside pytest (benchmarks, a developer's shell)."""
    bin_dir = ensure_bin_dir()
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError as exc:
            raise PostgresUnavailable(f"running as root but there is no '{SERVER_USER}' user") from exc
    root = Path(tempfile.mkdtemp(prefix="hue-pg-"))
    cluster = _Cluster(bin_dir, root)
    password = secrets.token_urlsafe(16)
    port = free_port()
    try:
        cluster.start(port, password)
        server = PostgresServer("127.0.0.1", port, DB_SUPERUSER, password, DB_NAME)
        import psycopg2  # imported late: only tests that need a server pay for it

        conn = psycopg2.connect(
            host=server.host, port=port, user=server.user, password=password, dbname="postgres"
        )
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"create database {DB_NAME} encoding 'UTF8' template template0")
        conn.close()
        yield server
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        with running_postgres() as server:
            yield server
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
