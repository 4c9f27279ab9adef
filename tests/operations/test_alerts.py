"""Run-failure alerts: an injected source outage fails a real run, the real sensor sends a webhook and a
mail to real servers on 127.0.0.1, and the local alert log records it — without a single secret."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from orchestration.defs.alerts.channels import Alert, deliver, read_log, redact
from orchestration.defs.alerts.sensor import alert_on_run_failure
from orchestration.defs.one_stop.assets import one_stop_ingest
from orchestration.resources import AlertResource, LakeResource, OneStopResource
from tests.operations.servers import smtp_server, webhook_server

SMTP_PASSWORD = "smtp-pass-Hue-2025"
WEBHOOK_SECRET = "T0KEN-9f3a71"


def source_down_job() -> dg.JobDefinition:
    """The one-stop ingest as a reconstructable job (``execute_job`` honours its executor's retry config)."""
    defs = dg.Definitions(
        assets=[one_stop_ingest],
        jobs=[
            dg.define_asset_job(
                "nightly_ingest", selection=[one_stop_ingest], executor_def=dg.in_process_executor
            )
        ],
        resources={
            "lake": LakeResource(root=dg.EnvVar("HUE_LAKE_DIR")),
            "one_stop": OneStopResource(db_url=dg.EnvVar("HUE_ONE_STOP_DB_URL")),
        },
    )
    return defs.resolve_job_def("nightly_ingest")


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory):
    """A real ingest run whose source is down: the one-stop database file cannot be opened."""
    root = tmp_path_factory.mktemp("alerts")
    with pytest.MonkeyPatch.context() as env, dg.instance_for_test() as instance:
        env.setenv("HUE_LAKE_DIR", str(root / "lake"))
        env.setenv("HUE_ONE_STOP_DB_URL", f"sqlite:///{root}/missing/one_stop.sqlite")
        # The asset retries twice with a 30 s backoff; the alert concerns the final failure, so the test
        # turns retries off for this run (the failure is the same, only sooner).
        result = dg.execute_job(
            dg.reconstructable(source_down_job),
            instance=instance,
            run_config={"execution": {"config": {"retries": {"disabled": {}}}}},
        )
        assert not result.success
        yield root, instance, result


def _sensor_context(instance: dg.DagsterInstance, run_id: str, alerts: AlertResource):
    run = instance.get_run_by_id(run_id)
    failure = next(
        e.dagster_event
        for e in instance.all_logs(run_id)
        if e.dagster_event is not None and e.dagster_event.event_type == dg.DagsterEventType.RUN_FAILURE
    )
    return dg.build_run_status_sensor_context(
        sensor_name="alert_on_run_failure",
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=run,
        resources={"alerts": alerts},
    ).for_run_failure()


def test_an_injected_failure_fires_webhook_mail_and_the_alert_log(failed_run, tmp_path, monkeypatch):
    _, instance, result = failed_run
    monkeypatch.setenv("HUE_ALERT_SMTP_PASSWORD", SMTP_PASSWORD)
    with webhook_server(statuses=[503], path=f"/hooks/{WEBHOOK_SECRET}") as hook, smtp_server() as smtp:
        monkeypatch.setenv("HUE_ALERT_WEBHOOK_URL", hook.url)
        monkeypatch.setenv("HUE_ALERT_SMTP_HOST", smtp.host)
        monkeypatch.setenv("HUE_ALERT_SMTP_PORT", str(smtp.port))
        monkeypatch.setenv("HUE_ALERT_SMTP_USER", "canh-bao@hue.gov.vn")
        monkeypatch.setenv("HUE_ALERT_SMTP_FROM", "canh-bao@hue.gov.vn")
        monkeypatch.setenv("HUE_ALERT_SMTP_TO", "trung-tam-cntt@hue.gov.vn; truc-van-hanh@hue.gov.vn")
        monkeypatch.setenv("HUE_ALERT_SMTP_STARTTLS", "false")  # the test server speaks plain SMTP
        monkeypatch.setenv("HUE_DAGSTER_UI_URL", "http://127.0.0.1:3000/")
        # Configured from the environment only, as in production; the short backoff keeps the test fast.
        alerts = AlertResource(data_dir=str(tmp_path), webhook_backoff_seconds=0.01)
        alert_on_run_failure(_sensor_context(instance, result.run_id, alerts))

    # The webhook: retried after the 503, JSON with the bilingual text and every field.
    assert len(hook.received) == 2
    payload = hook.received[-1]["json"]
    assert hook.received[-1]["content_type"] == "application/json"
    assert payload["job"] == "nightly_ingest" and payload["run_id"] == result.run_id
    assert payload["failed_steps"] == ["one_stop_ingest"]
    assert "one_stop" in payload["error"] and "unable to open database file" in payload["error"]
    assert payload["link"] == f"http://127.0.0.1:3000/runs/{result.run_id}"
    assert "Lần chạy thất bại / Run failed: nightly_ingest" in payload["text"]
    assert payload["time"].endswith("+07:00")

    # The mail: logged in, both recipients, subject and body in Vietnamese and English.
    assert smtp.logins == [("canh-bao@hue.gov.vn", SMTP_PASSWORD)]
    assert smtp.envelopes[0]["to"] == ["trung-tam-cntt@hue.gov.vn", "truc-van-hanh@hue.gov.vn"]
    mail = smtp.messages[0]
    assert mail["Subject"].startswith("[Huế] Lỗi chạy nightly_ingest / Run failed: nightly_ingest")
    body = mail.get_content()
    assert "Bước lỗi / Failed step(s): one_stop_ingest" in body and result.run_id in body

    # The local alert log: one JSON line with what each channel did, and no secret anywhere in it.
    log_path = tmp_path / "alerts" / "alerts.jsonl"
    (entry,) = read_log(log_path)
    assert entry["run_id"] == result.run_id and entry["failed_steps"] == ["one_stop_ingest"]
    assert entry["channels"]["webhook"] == "sent (HTTP 200, attempt 2)"
    assert entry["channels"]["email"] == "sent to 2 recipient(s)"
    text = log_path.read_text(encoding="utf-8")
    assert SMTP_PASSWORD not in text and WEBHOOK_SECRET not in text


def test_without_channels_the_alert_is_still_logged(failed_run, tmp_path, monkeypatch):
    _, instance, result = failed_run
    for name in ("HUE_ALERT_WEBHOOK_URL", "HUE_ALERT_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    alert_on_run_failure(_sensor_context(instance, result.run_id, AlertResource(data_dir=str(tmp_path))))
    (entry,) = read_log(tmp_path / "alerts" / "alerts.jsonl")
    assert entry["channels"] == {"webhook": "not configured", "email": "not configured"}
    assert entry["job"] == "nightly_ingest"


def test_a_dead_webhook_does_not_stop_the_log(tmp_path):
    with webhook_server() as hook:
        dead = hook.url  # the server is shut down when the block ends: nothing listens on this port
    alert = Alert(
        "nightly_warehouse", "r-1", ("warehouse_dbt",), "dbt failed", "2025-12-02T01:30:00+07:00", "x"
    )
    outcome = deliver(alert, tmp_path / "alerts.jsonl", webhook_url=dead, webhook_backoff_seconds=0)
    assert outcome["webhook"] == "failed: ConnectionError"
    assert read_log(tmp_path / "alerts.jsonl")[0]["channels"]["webhook"] == "failed: ConnectionError"


def test_credentials_are_masked_in_error_texts():
    error = (
        "could not connect to postgresql://hue:pg-secret-1@10.0.0.5/hue; "
        "GET https://lgsp.hue.gov.vn/api?token=abc123&page=2 failed with key HMAC-KEY-XYZ"
    )
    masked = redact(error, {"HUE_LGSP_SECRET_KEY": "HMAC-KEY-XYZ", "HUE_LAKE_DIR": "/data/lake"})
    assert "pg-secret-1" not in masked and "abc123" not in masked and "HMAC-KEY-XYZ" not in masked
    assert "postgresql://hue:***@10.0.0.5/hue" in masked and "page=2" in masked
    assert json.dumps(masked)  # still one plain string for the JSON log
