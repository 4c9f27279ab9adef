"""Development servers listen on 127.0.0.1 only (issue 10): the sandbox's stand-ins for the province's
systems hold test credentials and synthetic personal data, and the Dagster UI has no login of its own
(production puts it behind the province's SSO: docs/deploy.md)."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
from pathlib import Path

from sandbox.runtime import HEALTH_PATH, serve_app

REPO = Path(__file__).resolve().parents[2]


async def _health_app(scope, receive, send) -> None:
    status = 200 if scope.get("path") == HEALTH_PATH else 404
    await send(
        {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]}
    )
    await send({"type": "http.response.body", "body": b"ok"})


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (Linux /proc/net/tcp and tcp6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A = LISTEN
                continue
            raw = bytes.fromhex(address)
            # /proc prints each 32-bit word in host (little-endian) order
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(str(ipaddress.ip_address(words if width == 32 else words[:4])))
    return found


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if ipaddress.ip_address(address).is_loopback else address


def test_sandbox_servers_listen_on_loopback_only() -> None:
    handle = serve_app(_health_app, "binding-probe")
    try:
        port = int(handle.url.rsplit(":", 1)[1])
        assert handle.url.startswith("http://127.0.0.1:")
        assert _listening_addresses(port) == {"127.0.0.1"}
        other = _non_loopback_address()
        if other is not None:  # reachable from the machine's own network address? it must not be
            with socket.socket() as sock:
                sock.settimeout(2)
                assert sock.connect_ex((other, port)) != 0
    finally:
        handle.stop(timeout=5)


def test_dagster_ui_and_portal_targets_bind_loopback() -> None:
    for target, needle in (("ui", "dagster dev -h 127.0.0.1"), ("portal", "--host 127.0.0.1")):
        commands = subprocess.run(
            ["make", "-n", "-o", "prepare", "-o", "venv", target],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert needle in commands, (target, commands)
