"""The nightly job end to end at tiny scale: sandbox → connectors → lake → dbt → gate → portal store.

The published monthly KPIs are checked against figures computed straight from the sandbox's one-stop
database by the sandbox's own reference implementation of docs/kpi-definitions.md.
"""

from __future__ import annotations

import calendar
import dataclasses
import json
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.publish.catalog import published_datasets
from orchestration.summary import summarise
from portal.store import PortalStore
from sandbox.one_stop import calibration as cal
from sandbox.one_stop import kpi_check

SLUG = "chi-so-giai-quyet-ho-so-theo-thang"
DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
FIGURES = {
    "received": "received",
    "online": "online",
    "in_person": "in_person",
    "by_post": "by_post",
    "resolved": "resolved",
    "early": "early",
    "on_time": "on_time",
    "late": "late",
    "in_progress": "in_progress",
    "in_progress_within_deadline": "in_progress_within",
    "in_progress_over_deadline": "in_progress_over",
    "in_progress_not_judgeable": "in_progress_not_judgeable",
    "awaiting_receipt": "awaiting_receipt",
}

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def first_run(platform):
    result = platform.run_nightly()
    failures = [e.message for r in result.runs for e in r.all_events if e.is_failure]
    assert result.success, failures
    return result


def test_first_run_publishes_the_kpis_of_the_sandbox_data(platform, first_run):
    store = PortalStore(platform.portal_dir)
    current = store.current(SLUG)
    assert current is not None
    published = store.read(SLUG).to_pylist()
    months = sorted({row["period_start"] for row in published})
    periods = [
        cal.Period(m.isoformat(), m, m.replace(day=calendar.monthrange(m.year, m.month)[1])) for m in months
    ]
    expected = {
        (k.period.start, k.level or "all"): k.figures
        for k in kpi_check.compute(platform.endpoints.env["HUE_ONE_STOP_DB_URL"], periods)
    }
    assert sum(row["received"] for row in published) > 0
    mismatches = []
    for row in published:
        figures = expected.get((row["period_start"], row["level"]))
        for ours, theirs in FIGURES.items():
            want = figures[theirs] if figures else 0
            if row[ours] != want:
                mismatches.append((row["period_start"], row["level"], ours, row[ours], want))
    assert mismatches == []


def test_summary_reports_sources_checks_and_the_publication(platform, first_run):
    summary = summarise(platform.events(first_run), first_run.success)
    assert summary.ok, ([c for c in summary.checks if not c[2]], summary.failed_steps)
    assert summary.ingested["one_stop/dossiers"]["rows"] > 0
    assert {check for _, check, _ in summary.checks} >= {"expectations", "pii_scan", "row_count_guard"}
    assert summary.published[SLUG]["published"] is True


def test_open_catalogue_tables_of_the_night_are_gated_and_published(platform, first_run):
    from tests.e2e.conftest import ingest_keys

    synced = {key.path[-1] for key in ingest_keys() if key.path[0] == "digitization"}
    open_sets = [d for d in published_datasets() if d.asset.removeprefix("stg_digitization__") in synced]
    assert len(open_sets) == 2  # the e2e night syncs two open tables
    store = PortalStore(platform.portal_dir)
    summary = summarise(platform.events(first_run), first_run.success)
    for dataset in open_sets:
        assert summary.published[dataset.slug]["published"] is True
        for check in ("expectations", "pii_scan", "row_count_guard"):
            assert (dataset.asset, check, True) in summary.checks
        table = store.read(dataset.slug)
        assert table.column_names == dataset.columns and table.num_rows > 0
        assert not any(name.endswith("__issue") or name.startswith("_") for name in table.column_names)


def test_no_secret_in_anything_the_night_left_behind(platform, first_run):
    """Every secret variable holds a distinct recognisable value (conftest); none of them, nor its hex or
    base64 form, is in the lake, manifests, Dagster's storage, the warehouse, the portal store, the quality
    reports, dbt's output of the run, the sandbox logs or the run's captured log records."""
    from tests.security.secret_scan import SECRET_VARIABLES, night_leaks

    values = [platform.env.get(name) for name in SECRET_VARIABLES]
    assert all(values) and len(set(values)) == len(values)
    for expected in ("lake", "warehouse.duckdb", "portal", "quality", "dagster_home", "captured"):
        assert (platform.root / expected).exists(), f"the night left no {expected}"
    captured = (platform.root / "captured" / "run.log").read_text(encoding="utf-8")
    assert "nightly_warehouse" in captured, "the run's log records were not captured"
    started = (platform.root / "captured").stat().st_mtime
    hits, files = night_leaks(platform.root, platform.env, DBT_DIR, started)
    assert files > 50  # lake batches, manifests, warehouse, portal versions, run storage
    assert [str(h) for h in hits] == []


def test_second_run_with_no_new_data_extracts_and_publishes_nothing(platform, first_run):
    store = PortalStore(platform.portal_dir)
    versions = [v.version for v in store.versions(SLUG)]
    result = platform.run_nightly()
    assert result.success
    assert result.selection == set() and result.warehouse is None  # nothing new: nothing rebuilt
    summary = summarise(platform.events(result), result.success)
    # Only the applicant lookups the first night's bound left for later go on (nightly_verification runs
    # every night); no source table lands a batch.
    assert set(summary.ingested) <= {"population/applicant_verifications"}
    assert [v.version for v in store.versions(SLUG)] == versions


def test_a_month_of_changes_on_one_platform_rebuilds_only_what_they_touch(platform, first_run):
    """The next nights: the digitisation platform moves on a month (its due tables get new and changed
    rows), the one-stop system does not. The warehouse run selects exactly what is downstream of the tables
    that committed a batch: their staging models and publications, none of the one-stop marts."""
    import requests

    url = platform.endpoints.env["HUE_DIGITIZATION_URL"].rstrip("/")
    requests.post(
        f"{url}/_sandbox/digitization/advance", params={"epochs": 31}, timeout=60
    ).raise_for_status()
    result = platform.run_nightly()
    assert result.ingest.success
    # A month of a daily register can move its size past the guard's bound: that publication is held for
    # review (a failed blocking check), which is the gate working, not the run failing.
    failed = {e.step_key for e in result.warehouse.all_events if e.is_step_failure}
    assert all(step.endswith("_row_count_guard") for step in failed), failed
    changed = {
        e.dagster_event.asset_key
        for e in platform.events(result)
        if e.dagster_event
        and e.dagster_event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        and e.dagster_event.asset_key.path[0] in ("digitization", "one_stop")
        and e.run_id == result.ingest.run_id
    }
    assert changed and all(key.path[0] == "digitization" for key in changed)
    from orchestration.definitions import build_definitions
    from orchestration.nightly import ingest_selection

    graph = build_definitions().resolve_asset_graph()
    expected = dg.AssetSelection.assets(*changed).downstream().resolve(graph) - ingest_selection().resolve(
        graph
    )
    assert result.selection == expected
    assert dg.AssetKey("fct_dossiers") not in result.selection
    assert dg.AssetKey(["portal", SLUG]) not in result.selection


def test_failing_expectation_blocks_publication_and_keeps_the_previous_version(platform, first_run, tmp_path):
    from orchestration.definitions import build_definitions
    from orchestration.lib.environment import EXPECTATIONS_DIR

    dataset = published_datasets()[0]
    suite = json.loads((EXPECTATIONS_DIR / dataset.suite).read_text(encoding="utf-8"))
    suite["expectations"].append(
        {"type": "expect_column_max_to_be_between", "kwargs": {"column": "received", "max_value": 0}}
    )
    failing = tmp_path / "failing_suite.json"
    failing.write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    strict = dataclasses.replace(dataset, suite=str(failing))

    store = PortalStore(platform.portal_dir)
    before = store.current(SLUG)
    defs = build_definitions(datasets=[strict])
    selection = [dg.AssetKey([dataset.asset]), dg.AssetKey(["portal", SLUG])]
    result = platform.run_job("nightly_warehouse", defs, selection)
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations["expectations"] is False
    publish_steps = [
        e for e in result.all_events if e.is_step_success and e.step_key and "portal" in e.step_key
    ]
    assert publish_steps == []
    after = store.current(SLUG)
    assert after.version == before.version
    assert [v.version for v in store.versions(SLUG)][-1] == before.version
