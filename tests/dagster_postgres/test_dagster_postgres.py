"""Dagster on PostgreSQL: runs, events and schedule state written through dagster-postgres.yaml.

The instance comes from DAGSTER_HOME exactly as the webserver and daemon load it (``DagsterInstance.get()``);
a small asset job with the platform's audit-chain check runs on it, and
the test then reads Dagster's own tables in PostgreSQL — not the instance's API — to show where things live.
"""

from __future__ import annotations

import os

import dagster as dg
import pytest
import sqlalchemy as sa

from orchestration.resources import LakeResource
from tests.dagster_postgres.conftest import DAGSTER_DB, REPO

pytestmark = pytest.mark.postgres


def _dagster_db(postgres_server) -> sa.Engine:
    return sa.create_engine(
        sa.URL.create(
            "postgresql+psycopg2",
            username=postgres_server.user,
            password=postgres_server.password,
            host=postgres_server.host,
            port=postgres_server.port,
            database=DAGSTER_DB,
        )
    )


def test_instance_storage_is_postgres(dagster_home):
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)


def test_a_platform_run_and_its_events_live_in_postgres(dagster_home, postgres_server, tmp_path):
    from orchestration.defs.population.checks import audit_chain_intact
    from sources.population.audit import AuditWriter

    key = dg.AssetKey(["population", "applicant_verifications"])

    # Stands in for the verification asset (which needs the LGSP): one audited lookup into the lake. The
    # platform's real audit-chain check then runs on it, in the same run.
    @dg.asset(key=key)
    def applicant_verifications(lake: LakeResource) -> None:
        with AuditWriter(lake.lake().root / "audit" / "population") as writer:
            writer.append(
                officer="CB046000001",
                service_code="1.001001",
                purpose="Xác minh thông tin người nộp hồ sơ",
                request_id="req-1",
                outcome="khớp",
            )

    defs = dg.Definitions(
        assets=[applicant_verifications],
        asset_checks=[audit_chain_intact],
        jobs=[dg.define_asset_job("verify_applicants", selection=[key], executor_def=dg.in_process_executor)],
        resources={"lake": LakeResource(root=str(tmp_path / "lake"))},
    )
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("verify_applicants").execute_in_process(instance=instance)
        assert result.success
        run_id = result.run_id

    engine = _dagster_db(postgres_server)
    try:
        with engine.connect() as con:
            run = con.execute(
                sa.text("select status, pipeline_name from runs where run_id = :r"), {"r": run_id}
            ).one()
            events = dict(
                con.execute(
                    sa.text(
                        "select dagster_event_type, count(*) from event_logs where run_id = :r group by 1"
                    ),
                    {"r": run_id},
                ).fetchall()
            )
            materialised = con.execute(
                sa.text("select count(*) from asset_keys where asset_key = :k"), {"k": key.to_string()}
            ).scalar_one()
            check = con.execute(
                sa.text("select check_name, execution_status from asset_check_executions where run_id = :r"),
                {"r": run_id},
            ).one()
    finally:
        engine.dispose()
    assert run == ("SUCCESS", "verify_applicants")
    assert check == ("audit_chain_intact", "SUCCEEDED")
    # Dagster keeps its pre-1.0 names for run events in storage (PIPELINE_SUCCESS for RUN_SUCCESS).
    assert events["PIPELINE_SUCCESS"] == 1 and events["ASSET_MATERIALIZATION"] == 1
    assert events["ASSET_CHECK_EVALUATION"] == 1
    assert materialised == 1


def test_schedule_state_lives_in_postgres(dagster_home, postgres_server):
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import ModuleTarget

    target = ModuleTarget(
        module_name="orchestration.definitions",
        attribute="defs",
        working_directory=str(REPO),
        location_name="orchestration",
    )
    with dg.DagsterInstance.get() as instance, WorkspaceProcessContext(instance, target) as workspace:
        location = workspace.create_request_context().get_code_location("orchestration")
        (repository,) = location.get_repositories().values()
        schedule = repository.get_schedule("nightly_0100")
        instance.stop_schedule(schedule.get_remote_origin_id(), schedule.selector_id, schedule)
        instance.start_schedule(schedule)
        origin_id = schedule.get_remote_origin_id()
    engine = _dagster_db(postgres_server)
    try:
        with engine.connect() as con:
            state = con.execute(
                sa.text("select job_type, status from jobs where job_origin_id = :o"), {"o": origin_id}
            ).one()
    finally:
        engine.dispose()
    assert state == ("SCHEDULE", "RUNNING")
    assert os.environ["DAGSTER_HOME"] == str(dagster_home)
