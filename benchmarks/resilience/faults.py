"""The fault matrix (ma trận sự cố nguồn): every sandbox fault knob alone, and a few together.

Each case switches the faults on in every sandbox system, runs a night, switches them off, runs the next
night, and compares the lake with a clean night's by content hash. A case passes when the faulty night
either completes or fails with a message naming what failed, and the next night reaches the clean state:
nothing lost, nothing duplicated. The warehouse is a pure function of the lake (dbt rebuilds from it),
so the lake is what must be whole.

Two levels: :func:`fault_matrix` runs the real Dagster ingest job in this process (``make resilience``);
:func:`connector_fault_matrix` drives the digitisation connector and the lake directly, for ``make test``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from benchmarks.resilience.fingerprint import differences, lake_columns, lake_fingerprint
from benchmarks.resilience.results import CaseResult
from benchmarks.resilience.sync import sync_digitization
from benchmarks.workspace import Workspace
from orchestration.lib.environment import temporary_environment as environment
from sandbox.faults import SCHEMA_DRIFTS, Faults

TRANSPORT = "completes (retries); after the faults clear, the lake is identical to a clean night's"
DATA = "completes with the bad rows quarantined, or fails naming the table; the next clean night restores the clean lake"
DRIFT = (
    "additive drift completes (the new column kept and recorded), breaking drift fails naming the table "
    "(batch held); after the next clean night the lake equals a clean night's on its columns"
)

# name -> (knobs, expectation). Every knob of sandbox.faults.Faults appears at least once (checked below).
FAULT_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "latency_ms=40": ({"latency_ms": 40}, TRANSPORT),
    "rate_limit_every=4 (Retry-After 0,05 s)": ({"rate_limit_every": 4, "retry_after_s": 0.05}, TRANSPORT),
    "error_5xx_every=4": ({"error_5xx_every": 4}, TRANSPORT),
    "timeout_every=9 (hang 1 s, then 504)": ({"timeout_every": 9, "timeout_s": 1.0}, TRANSPORT),
    "token_ttl_s=1": ({"token_ttl_s": 1.0}, TRANSPORT),
    "truncate_page_every=3": ({"truncate_page_every": 3}, TRANSPORT),
    "repeat_page_every=3": ({"repeat_page_every": 3}, TRANSPORT),
    "reorder_pages": ({"reorder_pages": True}, TRANSPORT),
    **{f"schema_drift={drift}": ({"schema_drift": drift}, DRIFT) for drift in SCHEMA_DRIFTS},
    "malformed_rows_every=5": ({"malformed_rows_every": 5}, DATA),
    "bad_encoding": ({"bad_encoding": True}, DATA),
    "combined: 5xx + truncate + repeat": (
        {"error_5xx_every": 5, "truncate_page_every": 4, "repeat_page_every": 6},
        TRANSPORT,
    ),
    "combined: 429 + reorder + latency": (
        {"rate_limit_every": 3, "retry_after_s": 0.05, "reorder_pages": True, "latency_ms": 20},
        TRANSPORT,
    ),
    "combined: malformed + bad encoding + timeout": (
        {"malformed_rows_every": 4, "bad_encoding": True, "timeout_every": 11, "timeout_s": 1.0},
        DATA,
    ),
}


def uncovered_knobs() -> set[str]:
    """Fault knobs no case switches on (the matrix must cover every knob; a test holds it to that)."""
    covered = {knob for knobs, _ in FAULT_CASES.values() for knob in knobs}
    return {f.name for f in fields(Faults)} - covered


@contextlib.contextmanager
def faults_on(endpoints, knobs: dict[str, Any]) -> Iterator[None]:
    """Switch ``knobs`` on in every running sandbox system; off again on the way out, whatever happens."""
    faults = Faults.from_dict(knobs)
    for injector in endpoints.faults.values():
        injector.set(faults)
    try:
        yield
    finally:
        for injector in endpoints.faults.values():
            injector.reset()


def _judge(
    name: str,
    expected: str,
    first_ok: bool,
    first_errors: list[str],
    rerun_ok: bool,
    rerun_errors: list[str],
    diffs: list[str],
    added: tuple[str, ...] | list[str] = (),
) -> CaseResult:
    first = (
        "faulty night completed"
        if first_ok
        else "faulty night failed: " + "; ".join(e[:160] for e in first_errors[:2])
    )
    clear = (
        "next night ok" if rerun_ok else "next night failed: " + "; ".join(e[:160] for e in rerun_errors[:2])
    )
    state = (
        "lake identical to the clean night's"
        if not diffs
        else f"{len(diffs)} difference(s): " + "; ".join(diffs[:3])
    )
    if added:
        state += "; columns added by the source and kept: " + ", ".join(added[:4])
    # a failure must say what failed: every message non-empty
    clear_message = first_ok or (bool(first_errors) and all(e.strip() for e in first_errors))
    return CaseResult(
        "fault", name, expected, f"{first}; {clear}; {state}", clear_message and rerun_ok and not diffs
    )


QUEUE_TABLE = "population/applicant_verifications"


def _queue_differences(clean_lake: Path, lake: Path) -> list[str]:
    """The applicant lookups are a queue with a bound per night, and asking again the lookups the faults
    spoiled takes part of the next night's bound: after it, the queue may stand behind the clean nights'
    by that many new applicants, which later nights catch up; that is not a loss. What must hold: every
    stored lookup equals the clean nights' for the same dossier (all but the lookup's time), no dossier is
    stored twice, and no lookup is still owed."""
    import duckdb

    from sources.lake import Lake
    from sources.lake.lake import LOAD_COLUMNS
    from sources.population.applicants import owed_lookups

    def rows(root: Path) -> str:
        files = [str(f) for f in Lake(root).committed_files(*QUEUE_TABLE.split("/"))]
        skip = ", ".join(f'"{c}"' for c in (*LOAD_COLUMNS, "verified_at"))
        return f"(select * exclude ({skip}) from read_parquet({files!r}, union_by_name = true, hive_partitioning = false))"

    table = QUEUE_TABLE.split("/")
    held = (bool(Lake(clean_lake).committed_files(*table)), bool(Lake(lake).committed_files(*table)))
    if held == (False, False):
        return []  # a sync without lookups (the connector-level matrix of make test)
    if not all(held):
        return [
            f"lake {QUEUE_TABLE}: "
            + ("no lookups stored" if held[0] else "lookups a clean night has none of")
        ]
    con = duckdb.connect()
    try:
        foreign = con.execute(
            f"select count(*) from ({rows(lake)} except all {rows(clean_lake)})"
        ).fetchone()[0]
        twice = con.execute(f"select count(*) - count(distinct MaHoSo) from {rows(lake)}").fetchone()[0]
    finally:
        con.close()
    owed = owed_lookups(lake)
    problems = [f"{foreign} lookup row(s) unlike the clean nights'"] if foreign else []
    problems += [f"{twice} dossier(s) stored twice"] if twice else []
    problems += [f"{len(owed)} lookup(s) still owed"] if owed else []
    return [f"lake {QUEUE_TABLE}: " + "; ".join(problems)] if problems else []


def _compare(clean_lake: Path, lake: Path) -> tuple[list[str], list[str]]:
    """(differences on the clean lake's columns, columns this lake has beyond them); the applicant
    lookups by :func:`_queue_differences`."""
    reference = lake_columns(clean_lake)
    diffs = differences(
        {"lake": lake_fingerprint(clean_lake)}, {"lake": lake_fingerprint(lake, columns=reference)}
    )
    diffs = [d for d in diffs if not d.startswith(f"lake {QUEUE_TABLE}:")] + _queue_differences(
        clean_lake, lake
    )
    added = [
        f"{table}.{column}"
        for table, cols in lake_columns(lake).items()
        for column in cols
        if column not in reference.get(table, cols)
    ]
    return diffs, added


# ----------------------------------------------------------------------------- Dagster level (make resilience)


def fault_matrix(
    root: Path, endpoints, tables: int, cases: dict[str, tuple[dict, str]] = FAULT_CASES, progress=None
) -> list[CaseResult]:
    """Every case on the real ``nightly_ingest`` and ``nightly_verification`` jobs, one after the other as
    a night runs them (bounded to ``tables`` digitisation tables)."""
    import dagster as dg

    from benchmarks.nightly_stage import failures
    from benchmarks.workspace import ingest_selection
    from orchestration.definitions import defs
    from orchestration.nightly import VERIFICATION_KEYS, console_config

    keys = ingest_selection(tables)
    steps = [
        ("nightly_ingest", [k for k in keys if k not in VERIFICATION_KEYS]),
        ("nightly_verification", [k for k in keys if k in VERIFICATION_KEYS]),
    ]

    def night(ws: Workspace, instance) -> tuple[bool, list[str]]:
        results = []
        with environment(ws.env(endpoints.env)):
            for job, selected in steps:
                results.append(
                    defs.resolve_job_def(job).execute_in_process(
                        instance=instance,
                        raise_on_error=False,
                        asset_selection=selected,
                        run_config=console_config("CRITICAL"),
                    )
                )
        return all(r.success for r in results), failures(instance, [r.run_id for r in results])

    clean = Workspace(root / "clean")
    (clean.root / "dagster").mkdir(parents=True, exist_ok=True)
    with dg.instance_for_test(temp_dir=str(clean.root / "dagster")) as instance:
        # As many nights as a case runs: the population lookups go on through their queue each night (a
        # bounded number per run), so a case's two nights are compared with two clean ones.
        ok, errors = night(clean, instance)
        if ok:
            ok, errors = night(clean, instance)
    results = [
        CaseResult(
            "fault",
            "no faults (reference)",
            "completes",
            "completed" if ok else "failed: " + "; ".join(errors[:2]),
            ok,
        )
    ]
    for index, (name, (knobs, expected)) in enumerate(cases.items()):
        ws = Workspace(root / f"case{index:02d}")
        (ws.root / "dagster").mkdir(parents=True, exist_ok=True)
        with dg.instance_for_test(temp_dir=str(ws.root / "dagster")) as instance:
            with faults_on(endpoints, knobs):
                first_ok, first_errors = night(ws, instance)
            rerun_ok, rerun_errors = night(ws, instance)
        diffs, added = _compare(clean.lake, ws.lake)
        results.append(_judge(name, expected, first_ok, first_errors, rerun_ok, rerun_errors, diffs, added))
        print(f"[resilience] fault {name}: {'pass' if results[-1].passed else 'FAIL'}", flush=True)
        if progress:
            progress(results)
    return results


# ----------------------------------------------------------------------------- connector level (make test)


def connector_fault_matrix(root: Path, endpoints, slugs: list[str], names: list[str]) -> list[CaseResult]:
    """The cases ``names`` on the digitisation connector and the lake alone (no Dagster)."""
    url, token = endpoints.env["HUE_DIGITIZATION_URL"], endpoints.env["HUE_DIGITIZATION_TOKEN"]
    clean = root / "clean-lake"
    sync_digitization(clean, url, token, slugs)
    results = []
    for index, name in enumerate(names):
        knobs, expected = FAULT_CASES[name]
        lake = root / f"fault-lake-{index:02d}"
        with faults_on(endpoints, knobs):
            first_errors = sync_digitization(lake, url, token, slugs)
        rerun_errors = sync_digitization(lake, url, token, slugs)
        diffs, added = _compare(clean, lake)
        results.append(
            _judge(
                f"{name} (digitisation sync, no Dagster)",
                expected,
                not first_errors,
                first_errors,
                not rerun_errors,
                rerun_errors,
                diffs,
                added,
            )
        )
    return results
