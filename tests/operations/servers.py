"""Real receivers on 127.0.0.1 for the alert tests: a webhook (HTTP) server and a tiny SMTP server.

``smtpd`` left the standard library in 3.12 and ``aiosmtpd`` is not installed, so the SMTP side is a
few lines of ``socketserver`` speaking just enough of RFC 5321 (EHLO, AUTH PLAIN, MAIL, RCPT, DATA).
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class WebhookReceiver:
    url: str
    statuses: list[int]  # answers to give, in order; 200 once exhausted
    received: list[dict] = field(default_factory=list)


@contextmanager
def webhook_server(
    statuses: list[int] | None = None, path: str = "/hooks/alerts"
) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(url="", statuses=list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.received.append(
                {"path": self.path, "content_type": self.headers["Content-Type"], "json": json.loads(body)}
            )
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SmtpReceiver:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[dict] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def smtp_server() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver("127.0.0.1", 0)

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self.reply("220 127.0.0.1 ESMTP test")
            envelope: dict = {"to": []}
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                line = raw.decode().rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.wfile.write(b"250-127.0.0.1\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n")
                elif verb == "AUTH":
                    _, user, password = base64.b64decode(line.split()[2]).decode().split("\0")
                    receiver.logins.append((user, password))
                    self.reply("235 2.7.0 Authentication successful")
                elif verb == "MAIL":
                    envelope = {"from": line.split(":", 1)[1].strip(" <>"), "to": []}
                    self.reply("250 OK")
                elif verb == "RCPT":
                    envelope["to"].append(line.split(":", 1)[1].strip(" <>"))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (data := self.rfile.readline()) not in (b".\r\n", b""):
                        lines.append(data[1:] if data.startswith(b"..") else data)
                    receiver.messages.append(
                        email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                    )
                    receiver.envelopes.append(envelope)
                    self.reply("250 OK queued")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("250 OK")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def catalogue_server(catalogue: dict, api_key: str) -> Iterator[str]:
    """The digitisation platform's token and catalogue endpoints (POST /api/token, GET /api/catalogue)."""
    body = json.dumps(catalogue, ensure_ascii=False).encode()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            if self.path == "/api/token" and self.headers.get("Authorization") == f"Bearer {api_key}":
                self._send(200, b'{"access_token": "access-1"}')
            else:
                self._send(401, b'{"error": "unauthorised"}')

        def do_GET(self) -> None:
            if self.path == "/api/catalogue" and self.headers.get("Authorization") == "Bearer access-1":
                self._send(200, body)
            else:
                self._send(401, b'{"error": "unauthorised"}')

        def log_message(self, *args) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
