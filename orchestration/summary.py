"""The morning summary of a nightly run: what came in, what was held back, what was published.

Pure over the run's events, so it is unit-tested on hand-made events and printed by ``make run``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import dagster as dg

MAX_TABLE_LINES = 12


@dataclass
class RunSummary:
    success: bool
    ingested: dict[str, dict] = field(default_factory=dict)  # "system/table" → rows, quarantined, drift
    checks: list[tuple[str, str, bool]] = field(
        default_factory=list
    )  # asset, check, passed (blocking severity)
    warnings: list[tuple[str, str]] = field(
        default_factory=list
    )  # asset, check that failed with WARN severity
    published: dict[str, dict] = field(default_factory=dict)  # slug → published, version, reason
    step_seconds: dict[str, float] = field(default_factory=dict)
    failed_steps: list[str] = field(default_factory=list)

    @property
    def checks_failed(self) -> int:
        return sum(1 for *_, passed in self.checks if not passed)

    @property
    def ok(self) -> bool:
        return self.success and self.checks_failed == 0 and not self.failed_steps


def _value(entry) -> object:
    return getattr(entry, "value", entry)


def summarise(events: Iterable[dg.DagsterEvent | dg.EventLogEntry], success: bool) -> RunSummary:
    summary = RunSummary(success=success)
    started: dict[str, float] = {}
    for item in events:
        event = item.dagster_event if isinstance(item, dg.EventLogEntry) else item
        timestamp = item.timestamp if isinstance(item, dg.EventLogEntry) else None
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            mat = event.event_specific_data.materialization
            key = mat.asset_key.to_user_string()
            meta = {k: _value(v) for k, v in mat.metadata.items()}
            if key.startswith("portal/"):
                summary.published[key.removeprefix("portal/")] = meta
            elif "batch_id" in meta:
                summary.ingested[key] = meta
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            ev = event.event_specific_data
            if not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN:
                summary.warnings.append((ev.asset_key.to_user_string(), ev.check_name))
            else:
                summary.checks.append((ev.asset_key.to_user_string(), ev.check_name, ev.passed))
        elif event.event_type == dg.DagsterEventType.STEP_START and timestamp is not None:
            started[event.step_key] = timestamp
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            if timestamp is not None and event.step_key in started:
                summary.step_seconds[event.step_key] = round(timestamp - started[event.step_key], 2)
            if event.event_type == dg.DagsterEventType.STEP_FAILURE:
                summary.failed_steps.append(event.step_key)
    return summary


def _fmt(n: object) -> str:
    """Vietnamese thousands separator: 106071 → 106.071."""
    return f"{n:,}".replace(",", ".") if isinstance(n, int) else str(n)


def render(summary: RunSummary, outputs: dict[str, str], highlight: Collection[str] = ()) -> str:
    """The summary as console text; ``highlight`` names the datasets always listed one by one."""
    lines = ["", "═" * 78, " Tóm tắt lần chạy hằng đêm — nightly run summary", "═" * 78]
    lines.append(f" Kết quả / result: {'THÀNH CÔNG (ok)' if summary.ok else 'THẤT BẠI (failed)'}")
    lines.append("")
    lines.append(" Nguồn / sources                                   rows  quarantined  drift")
    if not summary.ingested:
        lines.append("   (nothing new from any source)")
    by_system: dict[str, list[str]] = {}
    for key in sorted(summary.ingested):
        by_system.setdefault(key.split("/", 1)[0], []).append(key)
    for system, keys in by_system.items():
        if len(keys) > MAX_TABLE_LINES:
            # Hundreds of catalogue tables: one line for the system, then only the tables worth a look.
            rows = sum(int(summary.ingested[k].get("rows", 0)) for k in keys)
            rejected = sum(int(summary.ingested[k].get("quarantined", 0)) for k in keys)
            label = f"{system} ({len(keys)} tables)"
            lines.append(f"   {label:<44} {_fmt(rows):>8} {_fmt(rejected):>12}")
            keys = [
                k for k in keys if summary.ingested[k].get("quarantined") or summary.ingested[k].get("drift")
            ]
        for key in keys:
            meta = summary.ingested[key]
            drift = ", ".join(meta.get("drift") or []) or "-"
            lines.append(
                f"   {key:<44} {_fmt(meta.get('rows', 0)):>8} {_fmt(meta.get('quarantined', 0)):>12}  {drift}"
            )
    total_q = sum(int(m.get("quarantined", 0)) for m in summary.ingested.values())
    lines.append(f"   rows quarantined in all: {_fmt(total_q)}")
    lines.append("")
    passed = len(summary.checks) - summary.checks_failed
    lines.append(
        f" Kiểm tra / checks: {passed} passed, {summary.checks_failed} failed, {len(summary.warnings)} warnings"
    )
    for asset, check, ok in summary.checks:
        if not ok:
            lines.append(f"   FAILED {asset}:{check}")
    for asset, check in summary.warnings[:MAX_TABLE_LINES]:
        lines.append(f"   warning {asset}:{check}")
    if len(summary.warnings) > MAX_TABLE_LINES:
        lines.append(f"   … and {len(summary.warnings) - MAX_TABLE_LINES} more warnings (make ui → Checks)")
    lines.append("")
    lines.append(" Công bố / publications")
    if not summary.published:
        lines.append("   (nothing published in this run)")
    shown = sorted(summary.published)
    if len(shown) > MAX_TABLE_LINES:
        # Dozens of open catalogue datasets: the counts, then the datasets people ask about first.
        new = sum(bool(m.get("published")) for m in summary.published.values())
        rows = sum(int(m.get("rows", 0)) for m in summary.published.values())
        lines.append(
            f"   {len(shown)} datasets: {new} new versions, {len(shown) - new} unchanged, {_fmt(rows)} rows"
        )
        shown = [slug for slug in shown if slug in highlight]
    for slug in shown:
        meta = summary.published[slug]
        state = (
            f"new version {meta.get('version')}"
            if meta.get("published")
            else f"unchanged ({meta.get('reason')})"
        )
        lines.append(f"   {slug}: {state}, {_fmt(meta.get('rows', 0))} rows")
    if summary.failed_steps:
        lines.append("")
        lines.append(" Failed steps: " + ", ".join(summary.failed_steps))
    slowest = sorted(summary.step_seconds.items(), key=lambda kv: -kv[1])[:5]
    if slowest:
        lines.append("")
        lines.append(" Bước chậm nhất / slowest steps")
        for step, seconds in slowest:
            lines.append(f"   {step:<60} {seconds:>7.2f} s")
    lines.append("")
    lines.append(" Kết quả nằm ở / outputs")
    for name, path in outputs.items():
        lines.append(f"   {name:<22} {path}")
    lines.append("═" * 78)
    return "\n".join(lines)


def _fmt_value(value: object, metric: str) -> str:
    """Vietnamese notation: 106.071 for counts, 64,89 for rates."""
    if value is None:
        return "—"
    number = float(value)
    if metric.endswith("_rate"):
        return f"{number:.2f}".replace(".", ",")
    return _fmt(round(number))


def render_reconciliation(rows: list[dict]) -> str:
    """The published figures beside the recomputed ones (rpt_reconciliation), for the morning reader."""
    if not rows:
        return ""
    lines = [" Đối chiếu với số liệu công bố / published figures reconciled", ""]
    lines.append(
        f"   {'báo cáo':<8} {'cấp':<9} {'chỉ tiêu':<28} {'công bố':>10} {'tính lại':>10}  trạng thái"
    )
    for row in rows:
        lines.append(
            f"   {row['report']:<8} {row['level']:<9} {row['metric']:<28} "
            f"{_fmt_value(row['published_value'], row['metric']):>10} "
            f"{_fmt_value(row['recomputed_value'], row['metric']):>10}  {row['status']}"
        )
    matched = sum(1 for row in rows if row["status"] == "match")
    lines.append(f"   {matched}/{len(rows)} published figures reproduced exactly")
    return "\n".join(lines)
