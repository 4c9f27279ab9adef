"""Cảnh báo khi lần chạy thất bại — alert on every failed run: webhook, e-mail, local alert log.

A run-failure sensor rather than a hook on each job: it sees every job of the code location (the nightly
pair, backfills, reruns started from the UI) and runs in the daemon, so an alert goes out even when the
run's own process died.
"""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.resources import AlertResource

ALERT_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_ERROR_CHARS = 1500


def _error_chain(error) -> str:
    """An error with its causes ("Exceeded max_retries" alone says nothing of what broke)."""
    parts = []
    while error is not None and len(parts) < 4:
        parts.append(error.message.strip())
        error = error.cause
    return " ← ".join(parts)


def _error_text(context: dg.RunFailureSensorContext) -> str:
    """The first failed step's error (what broke), else the run failure's own message."""
    for event in context.get_step_failure_events():
        error = getattr(event.event_specific_data, "error", None)
        if error is not None:
            return _error_chain(error)
    return (context.failure_event.message or "run failed").strip()


def build_alert(context: dg.RunFailureSensorContext, alerts: AlertResource):
    from orchestration.defs.alerts.channels import Alert, failed_step_keys, redact

    run = context.dagster_run
    error = redact(_error_text(context), os.environ)
    if len(error) > MAX_ERROR_CHARS:
        error = error[:MAX_ERROR_CHARS] + " …"
    return Alert(
        job=run.job_name,
        run_id=run.run_id,
        failed_steps=failed_step_keys(e.step_key for e in context.get_step_failure_events()),
        error=error,
        time=datetime.now(ALERT_TIMEZONE).isoformat(timespec="seconds"),
        link=alerts.run_link(run.run_id),
    )


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Gửi cảnh báo khi một lần chạy thất bại — webhook, e-mail and the local alert log.",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext, alerts: AlertResource) -> None:
    alert = build_alert(context, alerts)
    outcome = alerts.deliver(alert)
    context.log.warning(f"alert for run {alert.run_id} of {alert.job}: {outcome}")
