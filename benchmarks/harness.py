"""The benchmark harness behind ``make bench``: stages of one tier, N repetitions, medians, one JSON file.

One repetition, each stage a measured child process (:mod:`benchmarks.measure`):

1. ``defs``: cold load of the Dagster code location;
2. ``full``: the first nightly run on an empty lake and warehouse — the full rebuild;
3. ``limit``: DuckDB copying the rows that run committed straight from the lake's Parquet files;
4. ``peer``: dlt loading the same one-stop database and digitisation tables into DuckDB;
5. ``incremental``: one day of changes (:mod:`benchmarks.changes`), then the next nightly run.

Every repetition starts from a pristine copy of the generated sandbox and an empty workspace, so
repetitions measure the same work. The sandbox serves from this process's threads, like in the tests.

With ``catalogue_tables`` (``--tables 950``) the stages run from a copy of the source tree whose staging
layer was generated for the grown catalogue, and each repetition grows the sandbox platform to match before
its first stage (:mod:`benchmarks.catalogue`). Its result is stored apart: ``<tier>-<N>-tables.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.changes import DOSSIERS_PER_DAY, advance_one_day
from benchmarks.machine import commit, machine_info, now_utc
from benchmarks.measure import REPO_ROOT, median, run_measured
from benchmarks.tiers import STAGES, TIERS
from benchmarks.workspace import Workspace, digitization_slugs

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def run_tier(
    tier_name: str,
    repeat: int = 3,
    stages: tuple[str, ...] = STAGES,
    digitization_tables: int | None = None,
    workdir: Path | None = None,
    command: str = "",
    catalogue_tables: int | None = None,
) -> dict[str, Any]:
    """Run ``stages`` of ``tier_name`` ``repeat`` times; returns (and the caller stores) the result.

    ``catalogue_tables`` grows the digitisation catalogue past the scenario's 597 tables (at most the
    sandbox's ``max_tables()``); None keeps the scenario's catalogue and the committed staging layer.
    """
    from sandbox.digitization.catalogue import max_tables
    from sandbox.runtime import Sandbox, running_sandbox
    from sandbox.scenario import Scenario

    tier = TIERS[tier_name]
    scenario = Scenario.named(tier.scenario)
    if catalogue_tables is not None and not scenario.tables < catalogue_tables <= max_tables():
        raise ValueError(f"--tables must be in {scenario.tables + 1}..{max_tables()}, got {catalogue_tables}")
    root = Path(workdir or tempfile.mkdtemp(prefix=f"hue-bench-{tier_name}-"))
    pristine = root / "sandbox-pristine"
    print(f"[bench] {tier_name}: generating sandbox data ({scenario.key}) in {pristine}", flush=True)
    generate = Sandbox(pristine, scenario).prepare()
    source = REPO_ROOT
    if catalogue_tables is not None:
        from benchmarks.catalogue import grown_source

        print(f"[bench] {tier_name}: staging layer for {catalogue_tables} tables in a copy", flush=True)
        source, generate["grown_source"] = grown_source(
            root / f"source-{catalogue_tables}-tables", catalogue_tables, scenario.seed
        )
        print(f"[bench]   {source}: {generate['grown_source']}", flush=True)
    slugs = digitization_slugs(digitization_tables, None if catalogue_tables is None else source)
    runs: list[dict[str, Any]] = []
    for rep in range(repeat):
        rep_dir = root / f"rep{rep + 1}"
        shutil.rmtree(rep_dir, ignore_errors=True)
        shutil.copytree(pristine, rep_dir / "sandbox", ignore=shutil.ignore_patterns("logs", "*.log"))
        with running_sandbox(rep_dir / "sandbox", scenario) as endpoints:
            grown = None
            if catalogue_tables is not None:
                from benchmarks.catalogue import grow_sandbox

                grown = grow_sandbox(endpoints.urls["digitization"], catalogue_tables)
                (rep_dir / "grow.json").write_text(json.dumps(grown))
                print(f"[bench]   sandbox grown: {grown}", flush=True)
            run = _repetition(
                rep_dir, endpoints, stages, digitization_tables, slugs, source, tier.dossiers_per_day
            )
            if grown is not None:
                run["grow"] = grown
            runs.append(run)
        print(f"[bench] {tier_name}: repetition {rep + 1}/{repeat} done", flush=True)
    return assemble(
        tier_name, runs, repeat, stages, slugs, digitization_tables, command, generate, catalogue_tables
    )


def assemble(
    tier_name: str,
    runs: list[dict[str, Any]],
    repeat: int,
    stages: tuple[str, ...],
    slugs: list[str],
    digitization_tables: int | None,
    command: str,
    generate: dict[str, Any],
    catalogue_tables: int | None = None,
) -> dict[str, Any]:
    """The stored result of a tier: the repetitions' raw figures, where and how they were measured."""
    from sandbox.scenario import Scenario

    tier = TIERS[tier_name]
    scenario = Scenario.named(tier.scenario)
    result = {
        "tier": tier_name,
        "scenario": scenario.to_dict(),
        "sample_note": tier.sample_note,
        "catalogue_tables": catalogue_tables or scenario.tables,
        "digitization_tables": len(slugs),
        "digitization_tables_bounded": digitization_tables is not None,
        "repeat": len(runs),
        "repeat_requested": repeat,
        "stages": list(stages),
        "command": command,
        "commit": commit(),
        "date": now_utc(),
        "machine": machine_info(),
        "sandbox_generate_s": {k: v if isinstance(v, dict) else round(v, 1) for k, v in generate.items()},
        "runs": runs,
    }
    result["figures"] = figures(result, latest_history())
    return result


def latest_history(results_dir: Path = RESULTS_DIR) -> dict[str, Any] | None:
    """The history result the tier tables quote: the least bounded one (the whole catalogue, else the most
    digitisation tables), the newest among equals; None when there is none."""
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(results_dir.glob("history*.json"))]
    if not found:
        return None
    return max(
        found,
        key=lambda h: (not h["digitization_tables_bounded"], h["digitization_tables"], h["date"]),
    )


def _repetition(
    rep_dir: Path,
    endpoints,
    stages: tuple[str, ...],
    digitization_tables: int | None,
    slugs: list[str],
    source: Path = REPO_ROOT,
    dossiers_per_day: int = DOSSIERS_PER_DAY,
) -> dict[str, Any]:
    ws = Workspace(rep_dir / "workspace")
    env = ws.env(endpoints.env)
    bound = [] if digitization_tables is None else ["--digitization-tables", str(digitization_tables)]
    out: dict[str, Any] = {}

    def stage(name: str, args: list[str]) -> None:
        output = rep_dir / f"{name}.json"
        # The machine is shared: the 1-minute load average either side of the stage says how shared.
        load_start = round(os.getloadavg()[0], 2)
        measured = run_measured([*args, "--out", str(output)], env, rep_dir / f"{name}.log", repo_root=source)
        out[name] = {
            "measurement": {
                **asdict(measured),
                "load_average_1m": [load_start, round(os.getloadavg()[0], 2)],
            },
            "figures": json.loads(output.read_text()) if output.exists() else None,
        }
        # Kept beside the stage's figures so that `python -m benchmarks collect` can rebuild a result
        # from the workspace when a long run is stopped before its last repetition.
        (rep_dir / f"{name}.measurement.json").write_text(json.dumps(out[name]["measurement"]))
        state = (
            "ok" if measured.returncode == 0 else f"FAILED (exit {measured.returncode}, see {measured.log})"
        )
        print(
            f"[bench]   {name}: {measured.seconds:.1f} s, peak {measured.peak_rss_mib:.0f} MiB, {state}",
            flush=True,
        )

    if "defs" in stages:
        stage("defs", ["benchmarks.defs_stage"])
    if "full" in stages:
        stage("full", ["benchmarks.nightly_stage", *bound])
    if "limit" in stages and ws.lake.exists():
        stage(
            "limit",
            ["benchmarks.limit_stage", "--lake", str(ws.lake), "--database", str(rep_dir / "limit.duckdb")],
        )
    if "peer" in stages:
        stage("peer", ["benchmarks.peer_dlt", "--workdir", str(rep_dir / "peer"), "--tables", *slugs])
    if "incremental" in stages and "full" in stages:
        out["day_of_changes"] = advance_one_day(rep_dir / "sandbox", endpoints.urls, dossiers_per_day)
        (rep_dir / "day_of_changes.json").write_text(json.dumps(out["day_of_changes"]))
        stage("incremental", ["benchmarks.nightly_stage", *bound])
    return out


# ------------------------------------------------------------------------------------------ figures


def _values(runs: list[dict], stage: str, path: tuple[str, ...]) -> list[float]:
    values = []
    for run in runs:
        node: Any = run.get(stage)
        if node is None or node["measurement"]["returncode"] != 0:
            continue
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, int | float):
            values.append(float(node))
    return values


def _same_work_rate(run: dict) -> float | None:
    """Platform rows/s on the peer's work: one-stop and digitisation steps of the full run's ingest."""
    full = run.get("full")
    if not full or not full["figures"] or full["measurement"]["returncode"] != 0:
        return None
    ingest = full["figures"]["ingest"]
    steps = ("one_stop_ingest", "digitization_ingest")
    rows = sum(ingest["rows_by_step"].get(s, 0) for s in steps)
    seconds = sum(ingest["steps"].get(s, 0.0) for s in steps)
    return rows / seconds if seconds else None


def _ingest_rate(run: dict) -> float | None:
    full = run.get("full")
    if not full or not full["figures"] or full["measurement"]["returncode"] != 0:
        return None
    ingest = full["figures"]["ingest"]
    return ingest["rows"] / ingest["seconds"] if ingest["seconds"] else None


def _ratio(runs: list[dict], numerator, denominator) -> float | None:
    """Median over repetitions of a per-repetition ratio: both sides from the same repetition."""
    ratios = []
    for run in runs:
        a, b = numerator(run), denominator(run)
        if a is not None and b:
            ratios.append(a / b)
    return median(ratios)


def _stage_value(stage: str, *path: str):
    def get(run: dict) -> float | None:
        values = _values([run], stage, path)
        return values[0] if values else None

    return get


def figures(result: dict[str, Any], history: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The table rows of one tier: figure, value, unit, target, met (None = no target at this tier).

    ``history`` is the stored result of ``python -m benchmarks history`` (:mod:`benchmarks.history`): the
    3y/1y ratio is measured there, in one run of its own, and only quoted here.
    """
    runs = result["runs"]
    province_year = result["tier"] in ("province-year", "national-year")
    rows: list[dict[str, Any]] = []

    def add(figure: str, value, unit: str, target: str = "", met: bool | None = None, note: str = "") -> None:
        rows.append(
            {"figure": figure, "value": value, "unit": unit, "target": target, "met": met, "note": note}
        )

    full_s = median(_values(runs, "full", ("measurement", "seconds")))
    incr_s = median(_values(runs, "incremental", ("measurement", "seconds")))
    add(
        "Full rebuild (first night on an empty lake and warehouse)",
        full_s,
        "s",
        "< 300 s at province-year",
        (full_s < 300) if province_year and full_s is not None else None,
    )
    add(
        "Nightly incremental (one day of changes)",
        incr_s,
        "s",
        "< 60 s at province-year history, 2 cores",
        (incr_s < 60) if province_year and incr_s is not None else None,
        note=_changes_note(runs),
    )
    add(*_history_row(history))
    dbt_s = median(_values(runs, "full", ("figures", "warehouse", "steps", "warehouse_dbt_assets")))
    catalogue = result.get("catalogue_tables", 597)  # results stored before --tables held 597
    bounded = result["digitization_tables_bounded"]
    whole = f"dbt build {vn(dbt_s)} s of it" if full_s is not None else ""
    if catalogue < 950:
        add(
            f"Full rebuild and dbt build with all {catalogue} generated staging models",
            None if bounded else full_s,
            "s",
            "< 300 s at province-year",
            (full_s < 300) if province_year and not bounded and full_s is not None else None,
            f"not measured in this run: bounded to {result['digitization_tables']} digitisation tables"
            if bounded
            else whole,
        )
    add(
        "Full rebuild and dbt build at 950 tables",
        None if bounded or catalogue < 950 else full_s,
        "s",
        "measured, no target",
        None,
        f"not measured in this run: {catalogue} tables; `--tables 950` runs it (result `<tier>-950-tables`)"
        if catalogue < 950
        else (f"bounded to {result['digitization_tables']} tables" if bounded else whole),
    )
    add(
        "dbt build in the full run (models, seeds, tests)",
        dbt_s,
        "s",
        "measured, no target",
        None,
        f"{_int(median(_values(runs, 'full', ('figures', 'selected_assets'))))} assets in the warehouse run",
    )
    dbt_incr = median(_values(runs, "incremental", ("figures", "warehouse", "steps", "warehouse_dbt_assets")))
    add("dbt build in the incremental run", dbt_incr, "s", "measured, no target")
    add(
        "Full run: Dagster ingest run",
        median(_values(runs, "full", ("figures", "ingest", "seconds"))),
        "s",
        "measured, no target",
    )
    add(
        "Full run: Dagster warehouse run (dbt, checks, publish)",
        median(_values(runs, "full", ("figures", "warehouse", "seconds"))),
        "s",
        "measured, no target",
    )
    ingest_rate = median([r for r in (_ingest_rate(run) for run in runs) if r is not None])
    add("Ingest throughput (all sources, full run)", _round(ingest_rate), "rows/s", "measured")
    limit_rate = median(_values(runs, "limit", ("figures", "rows_per_s")))
    add(
        "DuckDB physical limit (read_parquet of the same lake rows)", _round(limit_rate), "rows/s", "measured"
    )
    limit_ratio = _ratio(runs, _ingest_rate, _stage_value("limit", "figures", "rows_per_s"))
    add(
        "Ingest ÷ DuckDB limit",
        _round(limit_ratio, 3),
        "×",
        "≥ 0,5",
        (limit_ratio >= 0.5) if limit_ratio is not None else None,
    )
    same_work = median([r for r in (_same_work_rate(run) for run in runs) if r is not None])
    add(
        "Platform on the peer's work (one-stop SQL + digitisation API)",
        _round(same_work),
        "rows/s",
        "measured",
    )
    peer_rate = median(_values(runs, "peer", ("figures", "rows_per_s")))
    add(
        "Peer: dlt 1.31 (sql_database pyarrow + rest_api) into DuckDB",
        _round(peer_rate),
        "rows/s",
        "measured",
        None,
        f"{_int(median(_values(runs, 'peer', ('figures', 'rows'))))} rows: every table of the one-stop replica and "
        "the same digitisation tables; platform side = its one-stop and digitisation ingest steps"
        if "peer" in result["stages"]
        else "not run in this result: the peer stage was left out (`--stages`)",
    )
    peer_ratio = _ratio(runs, _same_work_rate, _stage_value("peer", "figures", "rows_per_s"))
    add(
        "Platform ÷ dlt peer",
        _round(peer_ratio, 3),
        "×",
        "≥ 1,5",
        (peer_ratio >= 1.5) if peer_ratio is not None else None,
    )
    defs_s = median(_values(runs, "defs", ("figures", "seconds")))
    add(
        "Dagster definitions load (fresh process)",
        defs_s,
        "s",
        "< 5 s",
        (defs_s < 5) if defs_s is not None else None,
        _defs_note(runs),
    )
    for stage in ("defs", "full", "limit", "peer", "incremental"):
        peak = median(_values(runs, stage, ("measurement", "peak_rss_mib")))
        if peak is not None:
            if stage in ("limit", "peer"):  # the yardsticks, not the platform: no target applies
                add(f"Peak memory: {stage} (not the platform)", peak, "MiB", "no target")
            else:
                add(f"Peak memory: {stage}", peak, "MiB", "< 1.536 MiB (1,5 GiB)", peak < 1536)
    failed = sorted(
        {
            name
            for run in runs
            for name, v in run.items()
            if isinstance(v, dict) and v.get("measurement", {}).get("returncode")
        }
    )
    if failed:
        add(
            "Stages that failed in some repetition",
            ", ".join(failed),
            "",
            "none",
            False,
            "see the stage logs",
        )
    return rows


def _defs_note(runs: list[dict]) -> str:
    """How the definitions-load figure was taken; results stored before the stage loaded the code
    location several times hold a single load and get no note."""
    loads = [
        run["defs"]["figures"]["loads_seconds"]
        for run in runs
        if (run.get("defs") or {}).get("figures") and "loads_seconds" in run["defs"]["figures"]
    ]
    if not loads:
        return ""
    first = median([each[0] for each in loads])
    return (
        f"median of {len(loads[0])} loads, each in a new interpreter; the first load, which may also "
        f"byte-compile the source tree and meet a cold file cache, took {vn(first)} s"
    )


def _history_row(history: dict[str, Any] | None) -> tuple:
    """The tier table's 3y/1y row, quoted from the history result (its own run, its own command)."""
    figure, unit, target = "Incremental 3y/1y history ratio", "×", "≤ 1,2"
    if history is None:
        return (
            figure,
            None,
            unit,
            target,
            None,
            "not measured yet: `python -m benchmarks history` measures it (benchmarks/results/history*.json)",
        )
    from benchmarks.history import TARGET_RATIO, incremental_ratio

    ratio = incremental_ratio(history["runs"])
    bound = (
        f", bounded to {history['digitization_tables']} digitisation tables"
        if history["digitization_tables_bounded"]
        else ""
    )
    note = (
        f"from its own run: `{history['command']}` ({history['date']}{bound}; "
        f"{' vs '.join(h['scenario'] for h in history['histories'])}), not this tier's stages"
    )
    met = None if ratio is None else ratio <= TARGET_RATIO
    return figure, _round(ratio, 3), unit, target, met, note


def _changes_note(runs: list[dict]) -> str:
    changes = [run["day_of_changes"] for run in runs if "day_of_changes" in run]
    if not changes:
        return ""
    return (
        f"{_int(changes[0]['dossiers'])} dossiers changed + digitisation tables due on day "
        f"{changes[0]['digitization_epoch']}"
    )


def vn(value: float | None) -> str:
    """A figure for a note, in Vietnamese decimals (446,8)."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _int(value: float | None) -> str:
    """A count for a note, in Vietnamese digit grouping (52.936)."""
    return "—" if value is None else f"{int(value):,}".replace(",", ".")


def _round(value: float | None, digits: int = 0) -> float | None:
    if value is None:
        return None
    return round(value, digits) if digits else float(round(value))


def result_name(tier_name: str, catalogue_tables: int | None) -> str:
    """``<tier>``, or ``<tier>-<N>-tables`` for a run with a grown catalogue (stored beside, not over it)."""
    return tier_name if catalogue_tables in (None, 597) else f"{tier_name}-{catalogue_tables}-tables"


def write_result(result: dict[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{result_name(result['tier'], result.get('catalogue_tables'))}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def command_line() -> str:
    return "python -m benchmarks " + " ".join(sys.argv[1:])


def read_repetition(rep_dir: Path) -> dict[str, Any]:
    """What :func:`_repetition` left in ``rep_dir``: each stage's measurement and figures, the day of
    changes, the catalogue growth; a stage that never ran is absent."""
    run: dict[str, Any] = {}
    for name in STAGES:
        measurement = rep_dir / f"{name}.measurement.json"
        if measurement.exists():
            output = rep_dir / f"{name}.json"
            run[name] = {
                "measurement": json.loads(measurement.read_text()),
                "figures": json.loads(output.read_text()) if output.exists() else None,
            }
    for name in ("day_of_changes", "grow"):
        if (rep_dir / f"{name}.json").exists():
            run[name] = json.loads((rep_dir / f"{name}.json").read_text())
    return run


def collect(
    tier_name: str,
    workdir: Path,
    digitization_tables: int | None,
    command: str,
    catalogue_tables: int | None = None,
) -> dict[str, Any]:
    """Rebuild a tier's result from the repetitions finished in ``workdir`` (a run stopped early).

    A repetition counts when its stages left their figures; a stage's wall time and peak memory come
    from ``<stage>.measurement.json``.
    """
    runs = [run for run in map(read_repetition, sorted(workdir.glob("rep*"))) if "full" in run]
    stages = tuple(name for name in STAGES if any(name in run for run in runs))
    source = workdir / f"source-{catalogue_tables}-tables"
    slugs = digitization_slugs(digitization_tables, source if catalogue_tables else None)
    return assemble(
        tier_name, runs, len(runs), stages, slugs, digitization_tables, command, {}, catalogue_tables
    )
