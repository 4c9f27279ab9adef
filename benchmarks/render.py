"""Render ``benchmarks/results/<tier>.json`` into the marked section of ``docs/benchmarks.md``.

Only the text between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` is rewritten; the hand-recorded
figures around it stay as they are. Numbers in Vietnamese format (106.071; 0,64), as in every user-facing text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.harness import RESULTS_DIR, figures, latest_history
from benchmarks.tiers import TIERS

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def vn_number(value: Any) -> str:
    """106071 → ``106.071``; 0.64 → ``0,64``; text passes through; None → ``—``."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if float(value).is_integer() and abs(value) >= 100:
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _met(value: bool | None) -> str:
    return {True: "có (yes)", False: "**không (no)**", None: "—"}[value]


def tier_section(result: dict[str, Any]) -> str:
    machine = result["machine"]
    catalogue = result.get("catalogue_tables", 597)
    lines = [
        f"### {result['tier']}" + ("" if catalogue == 597 else f", {catalogue} tables"),
        "",
        f"- Lệnh / command: `{result['command']}` (`make bench TIER={result['tier']}`)",
        f"- Commit `{result['commit']}`, {result['date']}; {machine['cores']} cores ({machine['cpu']}), "
        f"{vn_number(machine['memory_gib'])} GiB, Python {machine['python']}; load average when the result was stored "
        f"{', '.join(vn_number(x) for x in machine['load_average_at_start'])} (the machine is shared)",
        f"- Sandbox scenario `{result['scenario']['name']}` (seed {result['scenario']['seed']}); "
        f"median of {result['repeat']} repetition(s); stages: {', '.join(result['stages'])}",
    ]
    loads = [
        f"{name} {vn_number(stage['measurement']['load_average_1m'][0])} → "
        f"{vn_number(stage['measurement']['load_average_1m'][1])}"
        for run in result["runs"][:1]
        for name, stage in run.items()
        if isinstance(stage, dict) and "load_average_1m" in stage.get("measurement", {})
    ]
    if loads:
        lines.append(
            f"- Load average (1 min) at each stage's start → end, first repetition: {'; '.join(loads)}"
        )
    grown = result["runs"][0].get("grow") if result["runs"] else None
    if grown:
        lines.append(
            f"- Catalogue grown to {grown['tables']} tables (`--tables`): staging layer generated and parsed "
            f"in a copy of the source tree ({_seconds(result['sandbox_generate_s'].get('grown_source', {}))}); "
            f"the sandbox generated the {grown['added']} new tables' rows in {vn_number(grown['seconds'])} s "
            "before the first stage (not in any stage's time)"
        )
    if result.get("sample_note"):
        lines.append(f"- **Mẫu giới hạn / bounded sample:** {result['sample_note']}")
    if result["digitization_tables_bounded"]:
        lines.append(
            f"- **Giới hạn / bounded:** {result['digitization_tables']} of the catalogue's digitisation tables synced "
            f"and built (every one-stop, population and open-data table); the full catalogue is "
            f"`--digitization-tables` unset"
        )
    lines += ["", "| figure | value | target | met? | note |", "|---|---:|---|---|---|"]
    for row in result["figures"]:
        value = vn_number(row["value"]) + (
            f" {row['unit']}" if row["value"] is not None and row["unit"] else ""
        )
        lines.append(f"| {row['figure']} | {value} | {row['target']} | {_met(row['met'])} | {row['note']} |")
    return "\n".join(lines) + "\n"


def history_section(result: dict[str, Any]) -> str:
    """The 3y/1y history result (:mod:`benchmarks.history`): its figures, then the incremental run's steps."""
    from benchmarks.history import STEPS_SHOWN, history_figures, incremental_steps

    machine = result["machine"]
    (one, three) = (h["label"] for h in result["histories"])
    title = "### Nightly cost against history (3y/1y)"
    if result["digitization_tables_bounded"]:
        title += f", {result['digitization_tables']} digitisation tables"
    lines = [
        title,
        "",
        f"- Lệnh / command: `{result['command']}`",
        f"- Commit `{result['commit']}`, {result['date']}; {machine['cores']} cores ({machine['cpu']}), "
        f"{vn_number(machine['memory_gib'])} GiB, Python {machine['python']}; load average "
        + (
            f"when the run started {_loads(result['load_average_at_run_start'])}, "
            if result.get("load_average_at_run_start")
            else ""
        )
        + f"when the result was stored {_loads(machine['load_average_at_start'])} (the machine is shared)",
        "- Histories: "
        + "; ".join(
            f"{h['label']} = scenario `{h['scenario']}`, {h['periods']} quarterly periods "
            f"{h['first_period']}…{h['last_period']}"
            for h in result["histories"]
        )
        + f" (seed {result['seed']}); median of {result['repeat']} repetition(s), each running `full` then "
        "`incremental` on both histories; ratios per repetition, then the median",
    ]
    if result["digitization_tables_bounded"]:
        lines.append(f"- **Giới hạn / bounded:** {result['note']}")
    loads = [
        f"{label} {name} {vn_number(stage['measurement']['load_average_1m'][0])} → "
        f"{vn_number(stage['measurement']['load_average_1m'][1])}"
        for run in result["runs"][:1]
        for label in run.get("order", [])
        for name, stage in run.get(label, {}).items()
        if isinstance(stage, dict) and "load_average_1m" in stage.get("measurement", {})
    ]
    if loads:
        lines.append(
            f"- Load average (1 min) at each stage's start → end, first repetition, in run order: {'; '.join(loads)}"
        )
    changes = [
        f"{label}: {vn_number(run[label]['day_of_changes']['dossiers'])} dossiers moved on, digitisation day "
        f"{run[label]['day_of_changes']['digitization_epoch']}"
        for run in result["runs"][:1]
        for label in (one, three)
        if "day_of_changes" in run.get(label, {})
    ]
    if changes:
        lines.append("- Day of changes: " + "; ".join(changes))
    lines += [
        "",
        f"| figure | {one} | {three} | {three}/{one} | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in history_figures(result):
        unit = f" {row['unit']}" if row["unit"] in ("s", "MiB") else ""
        cells = [
            vn_number(row[one]) + (unit if row[one] is not None else ""),
            vn_number(row[three]) + (unit if row[three] is not None else ""),
        ]
        ratio = "—" if row["ratio"] is None else f"{vn_number(row['ratio'])} ×"
        lines.append(
            f"| {row['figure']} | {cells[0]} | {cells[1]} | {ratio} | {row['target']} | {_met(row['met'])} |"
        )
    steps = incremental_steps(result["runs"])
    if steps:
        lines += [
            "",
            f"Where the incremental run's time went (Dagster step durations, median seconds; the {STEPS_SHOWN} "
            "longest steps):",
            "",
            f"| run | step | {one} | {three} | {three} − {one} |",
            "|---|---|---:|---:|---:|",
        ]
        for row in steps[:STEPS_SHOWN]:
            lines.append(
                f"| {row['run']} | `{row['step']}` | {vn_number(row[one])} | {vn_number(row[three])} | "
                f"{vn_number(row['difference'])} |"
            )
        rest = steps[STEPS_SHOWN:]
        if rest:
            totals = [sum(r[k] or 0 for r in rest) for k in (one, three)]
            lines.append(
                f"| | {len(rest)} other steps | {vn_number(round(totals[0], 1))} | {vn_number(round(totals[1], 1))} | "
                f"{vn_number(round(totals[1] - totals[0], 1))} |"
            )
    return "\n".join(lines) + "\n"


def _loads(values: list[float]) -> str:
    return ", ".join(vn_number(x) for x in values)


def _seconds(parts: dict[str, float]) -> str:
    return ", ".join(f"{name} {vn_number(value)} s" for name, value in parts.items())


def render(results_dir: Path = RESULTS_DIR, doc: Path = DOC) -> Path:
    """Rewrite the marked section of ``doc`` from every tier result present, smallest tier first (a tier's
    grown-catalogue results, ``<tier>-<N>-tables.json``, right after it)."""
    sections = []
    history = latest_history(results_dir)
    for tier in TIERS:
        for path in [results_dir / f"{tier}.json", *sorted(results_dir.glob(f"{tier}-*-tables.json"))]:
            if not path.exists():
                continue
            result = json.loads(path.read_text(encoding="utf-8"))
            # Figures are recomputed from the stored runs: a corrected formula applies to old results too.
            result["figures"] = figures(result, history)
            sections.append(tier_section(result))
    # Every history result (a bounded check and the province-scale run side by side); the tier tables
    # quote the least bounded one.
    for path in sorted(results_dir.glob("history*.json")):
        sections.append(history_section(json.loads(path.read_text(encoding="utf-8"))))
    body = (
        "## Kết quả đo tự động — harness results (`make bench`)\n\n"
        "Generated by `python -m benchmarks render` from `benchmarks/results/<tier>.json` and\n"
        "`benchmarks/results/history*.json` (`python -m benchmarks history`); do not edit by hand.\n"
        "Each figure is the median of the repetitions; ratios are computed per repetition from stages of that\n"
        "same repetition, then the median is taken. Peak memory is the largest RSS of the stage's process tree\n"
        "(`os.wait4`), dbt included. A commit shown as `<sha>+working-tree@HH:MMZ` means the harness ran from a\n"
        "copy of the working tree taken at that time (`HUE_BENCH_SOURCE`), so that edits made in parallel could\n"
        "not change the code under a running benchmark.\n\n"
        + ("\n".join(sections) if sections else "No results yet.\n")
    )
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    block = f"{START}\n{body}{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
    return doc
