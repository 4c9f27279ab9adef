"""How an alert (cảnh báo) leaves the platform: a JSON webhook, an e-mail over SMTP, a local JSON-lines log.

Plain Python, no Dagster: the sensor builds an :class:`Alert` and hands it here. Every channel reports
what happened to it as a short status string; a channel that fails never stops the others, and the local
log is written whatever the network does, so the morning-after engineer always finds the alert.
"""

from __future__ import annotations

import json
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path

import requests

# Environment variables whose values must never reach a log, a webhook or a mail (credentials in
# connection URLs and error texts are masked the same way).
_SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|_KEY$|ACCESS_KEY)", re.IGNORECASE)
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]+):[^@/\s]+@", re.IGNORECASE)
_QUERY_SECRET = re.compile(r"(?P<name>(?:token|key|password|secret|signature)=)[^&\s]+", re.IGNORECASE)


@dataclass(frozen=True)
class Alert:
    """One failed run, as the on-call engineer needs it."""

    job: str
    run_id: str
    failed_steps: tuple[str, ...]
    error: str
    time: str  # ISO 8601, Asia/Ho_Chi_Minh
    link: str

    @property
    def subject(self) -> str:
        return f"[Huế] Lỗi chạy {self.job} / Run failed: {self.job} ({self.run_id[:8]})"

    @property
    def text(self) -> str:
        steps = ", ".join(self.failed_steps) or "—"
        return "\n".join(
            [
                f"Lần chạy thất bại / Run failed: {self.job}",
                f"Mã lần chạy / Run id: {self.run_id}",
                f"Bước lỗi / Failed step(s): {steps}",
                f"Lỗi / Error: {self.error}",
                f"Thời điểm / Time: {self.time}",
                f"Xem chi tiết / Open in Dagster: {self.link}",
                "",
                "Hướng dẫn xử lý / What to do: docs/operations.md",
            ]
        )

    def payload(self) -> dict[str, object]:
        return {
            "text": f"{self.subject}\n{self.text}",
            **asdict(self),
            "failed_steps": list(self.failed_steps),
        }


def redact(text: str, environ: Mapping[str, str]) -> str:
    """Mask credentials: secret environment values, passwords in URLs, tokens in query strings."""
    for name, value in environ.items():
        if value and len(value) >= 4 and _SECRET_NAME.search(name):
            text = text.replace(value, "***")
    text = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _QUERY_SECRET.sub(lambda m: f"{m['name']}***", text)


def send_webhook(
    url: str,
    alert: Alert,
    *,
    attempts: int = 3,
    backoff_seconds: float = 2.0,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """POST the alert as JSON; retry connection errors and 5xx/429 with exponential backoff."""
    last = "no attempt"
    for attempt in range(1, attempts + 1):
        try:
            response = requests.post(url, json=alert.payload(), timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            last = type(exc).__name__
        else:
            if response.status_code < 300:
                return f"sent (HTTP {response.status_code}, attempt {attempt})"
            last = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break  # the receiver refused the message itself: the same POST will be refused again
        if attempt < attempts:
            sleep(backoff_seconds * 2 ** (attempt - 1))
    return f"failed: {last}"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str = ""
    recipients: tuple[str, ...] = ()
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = True
    timeout: float = 15.0


def send_email(settings: SmtpSettings, alert: Alert) -> str:
    """Send the alert as a plain-text UTF-8 mail (STARTTLS and login when configured)."""
    if not settings.recipients or not settings.sender:
        return "failed: HUE_ALERT_SMTP_FROM and HUE_ALERT_SMTP_TO are required"
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message.set_content(alert.text)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password)
            refused = smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # The exception text of smtplib never carries the password; the type and text are enough to act.
        return f"failed: {type(exc).__name__}: {exc}"
    if refused:
        return f"sent, refused for {sorted(refused)}"
    return f"sent to {len(settings.recipients)} recipient(s)"


def append_log(path: Path, alert: Alert, channels: Mapping[str, str]) -> None:
    """Append one JSON line (the alert and what each channel did) to the local alert log."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {**alert.payload(), "channels": dict(channels)}
    record.pop("text", None)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_log(path: Path) -> list[dict]:
    """Every alert of the log, oldest first (empty when nothing was ever alerted)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def recipients(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in re.split(r"[,;]", value) if a.strip())


def deliver(
    alert: Alert,
    log_path: Path,
    *,
    webhook_url: str = "",
    smtp: SmtpSettings | None = None,
    webhook_backoff_seconds: float = 2.0,
) -> dict[str, str]:
    """Send through every configured channel, then log the alert with each channel's outcome."""
    outcome: dict[str, str] = {}
    outcome["webhook"] = (
        send_webhook(webhook_url, alert, backoff_seconds=webhook_backoff_seconds)
        if webhook_url
        else "not configured"
    )
    outcome["email"] = send_email(smtp, alert) if smtp is not None and smtp.host else "not configured"
    append_log(log_path, alert, outcome)
    return outcome


def failed_step_keys(step_keys: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({k for k in step_keys if k}))
