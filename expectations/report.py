"""The offline quality report (báo cáo chất lượng dữ liệu): one HTML file, inline CSS, no external assets.

GE's Data Docs load CSS/JS from public CDNs and are unstyled offline (and on air-gapped servers), so the gate
renders its own page: per dataset the gate verdict, every expectation and check with pass/fail, unexpected
counts and a few (masked) sample values, the PII scan and the row-count guard. ``gate_summary`` gives the same
facts as a small dict for Dagster metadata.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expectations.guard import GuardResult
from expectations.pii import PiiReport
from expectations.results import ExpectationOutcome, ValidationSummary, read_result, summary_from_dict


@dataclass(frozen=True)
class DatasetQuality:
    """Everything the gate found about one dataset; any part may be missing (not run)."""

    dataset: str
    validation: ValidationSummary | None = None
    pii: PiiReport | None = None
    guard: GuardResult | None = None

    @property
    def passed(self) -> bool:
        """The gate verdict: every part that ran passed, and at least the validation ran."""
        return (
            self.validation is not None
            and self.validation.success
            and not (self.pii is not None and self.pii.blocked)
            and not (self.guard is not None and not self.guard.passed)
        )


def gate_summary(datasets: Sequence[DatasetQuality]) -> dict[str, Any]:
    """Small JSON-safe summary for Dagster metadata (one entry per dataset plus totals)."""
    entries = {}
    for item in datasets:
        entries[item.dataset] = {
            "passed": item.passed,
            "expectations_run": item.validation.expectations_run if item.validation else 0,
            "failed": item.validation.failed if item.validation else None,
            "pii_findings": item.pii.total if item.pii else None,
            "row_count_guard": (None if item.guard is None else ("passed" if item.guard.passed else "held")),
        }
    return {
        "datasets": len(datasets),
        "passed": sum(1 for item in datasets if item.passed),
        "failed": [item.dataset for item in datasets if not item.passed],
        "per_dataset": entries,
    }


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2rem;color:#1f2933}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #d9e2ec}
h3{font-size:1rem;margin:1.2rem 0 .4rem} .en{color:#627d98;font-weight:normal;font-size:.85em}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin-bottom:1rem}
th,td{border:1px solid #d9e2ec;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8} .ok{color:#0b6e4f;font-weight:600} .bad{color:#b42318;font-weight:600}
.badge{display:inline-block;padding:.1rem .6rem;border-radius:1rem;color:#fff;font-size:.85rem}
.badge.ok{background:#0b6e4f;color:#fff} .badge.bad{background:#b42318;color:#fff}
code{background:#f0f4f8;padding:0 .2rem;border-radius:3px;font-size:.85em} .muted{color:#829ab1}
tr.fail td{background:#fff5f5}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _heading(vi: str, en: str) -> str:
    return f'{_e(vi)} <span class="en">/ {_e(en)}</span>'


def _verdict(ok: bool, vi_ok: str = "Đạt", vi_bad: str = "Không đạt") -> str:
    label = f"{vi_ok} / passed" if ok else f"{vi_bad} / failed"
    return f'<span class="{"ok" if ok else "bad"}">{_e(label)}</span>'


def _target(outcome: ExpectationOutcome) -> str:
    kwargs = outcome.kwargs
    for key in ("column", "column_list", "total", "parts"):
        if key in kwargs:
            value = kwargs[key]
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if "column_A" in kwargs:
        return f"{kwargs['column_A']} / {kwargs.get('column_B')}"
    return "(bảng / table)"


def _rule(outcome: ExpectationOutcome) -> str:
    shown = {k: v for k, v in outcome.kwargs.items() if k not in ("column", "column_list", "key")}
    text = json.dumps(shown, ensure_ascii=False, default=str) if shown else ""
    return f"<code>{_e(outcome.type)}</code> {_e(text[:160])}" + (
        f'<br><span class="muted">{_e(outcome.notes)}</span>' if outcome.notes else ""
    )


def _samples(outcome: ExpectationOutcome) -> str:
    if outcome.exception:
        return f'<span class="bad">{_e(outcome.exception[:300])}</span>'
    values = outcome.sample_values[:5]
    if not values:
        return ""
    return "<br>".join(_e(json.dumps(v, ensure_ascii=False, default=str)[:200]) for v in values)


def _validation_section(summary: ValidationSummary) -> str:
    rows = []
    for outcome in summary.outcomes:
        unexpected = (
            "" if outcome.unexpected_count is None else f"{outcome.unexpected_count:,}".replace(",", ".")
        )
        rows.append(
            f'<tr class="{"" if outcome.success else "fail"}"><td>{_verdict(outcome.success)}</td>'
            f"<td>{_e(_target(outcome))}</td><td>{_rule(outcome)}</td><td>{_e(unexpected)}</td>"
            f"<td>{_samples(outcome)}</td></tr>"
        )
    rows_text = "?" if summary.row_count is None else f"{summary.row_count:,}".replace(",", ".")
    return (
        f"<h3>{_heading('Kỳ vọng và kiểm tra', 'Expectations and checks')}</h3>"
        f"<p>Bộ kỳ vọng / suite <code>{_e(summary.suite_name)}</code> · {_e(rows_text)} dòng / rows · "
        f"{summary.expectations_run} kỳ vọng / run · {summary.failed} không đạt / failed · "
        f"{_e(summary.seconds)} s</p>"
        "<table><tr><th>Kết quả / Result</th><th>Cột / Column</th><th>Quy tắc / Rule</th>"
        "<th>Số dòng không đạt / Unexpected</th><th>Giá trị mẫu / Sample values</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _pii_section(report: PiiReport) -> str:
    head = (
        f"<h3>{_heading('Rà soát dữ liệu cá nhân', 'Personal data scan')}</h3>"
        f"<p>{_verdict(not report.blocked, 'Không phát hiện', 'Phát hiện dữ liệu cá nhân')} · "
        f"{report.total} phát hiện / findings · {report.allowlisted} được cho phép / allowlisted</p>"
    )
    if not report.hits:
        return head
    rows = "".join(
        f"<tr><td>{_e(hit.column)}</td><td>{_e(hit.kind)}</td><td>{hit.row}</td><td>{_e(hit.sample)}</td>"
        f"<td>{_e(hit.source)}</td></tr>"
        for hit in report.hits[:50]
    )
    counts = ", ".join(f"{_e(k)}: {v}" for k, v in sorted(report.counts.items()))
    return (
        head
        + f"<p>{counts}</p><table><tr><th>Cột / Column</th><th>Loại / Kind</th><th>Dòng / Row</th>"
        + "<th>Mẫu (che) / Masked sample</th><th>Nguồn / Source</th></tr>"
        + rows
        + "</table>"
    )


def _guard_section(guard: GuardResult) -> str:
    return (
        f"<h3>{_heading('Biến động số dòng', 'Row-count guard')}</h3>"
        f"<p>{_verdict(guard.passed, 'Đạt', 'Giữ lại chờ duyệt')} · {_e(guard.reason)}</p>"
    )


def render_report(
    datasets: Sequence[DatasetQuality],
    *,
    title: str = "Báo cáo chất lượng dữ liệu",
    generated_at: dt.datetime | None = None,
) -> str:
    """The whole report as one self-contained HTML document (UTF-8, no external assets)."""
    generated = (generated_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    passed = sum(1 for item in datasets if item.passed)
    overview = "".join(
        f'<tr><td><a href="#ds-{i}">{_e(item.dataset)}</a></td><td>{_verdict(item.passed)}</td>'
        f"<td>{item.validation.failed if item.validation else '—'}</td>"
        f"<td>{item.pii.total if item.pii else '—'}</td>"
        f"<td>{_e(item.guard.reason) if item.guard else '—'}</td></tr>"
        for i, item in enumerate(datasets)
    )
    sections = []
    for i, item in enumerate(datasets):
        badge = f'<span class="badge {"ok" if item.passed else "bad"}">{"Đạt" if item.passed else "Không đạt"}</span>'
        parts = [f'<h2 id="ds-{i}">{_e(item.dataset)} {badge}</h2>']
        if item.validation is None:
            parts.append('<p class="bad">Chưa kiểm định / not validated</p>')
        else:
            parts.append(_validation_section(item.validation))
        if item.pii is not None:
            parts.append(_pii_section(item.pii))
        if item.guard is not None:
            parts.append(_guard_section(item.guard))
        sections.append("".join(parts))
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_heading(title, 'Data quality report')}</h1>"
        f'<p class="muted">Tạo lúc / generated {_e(generated)} · {passed}/{len(datasets)} bộ dữ liệu đạt / '
        "datasets passed</p>"
        f"<h2>{_heading('Tổng quan', 'Overview')}</h2>"
        "<table><tr><th>Bộ dữ liệu / Dataset</th><th>Cổng kiểm soát / Gate</th>"
        "<th>Kỳ vọng không đạt / Failed expectations</th><th>Dữ liệu cá nhân / PII findings</th>"
        f"<th>Số dòng / Row count</th></tr>{overview}</table>" + "".join(sections) + "</body></html>"
    )


def write_report(
    datasets: Sequence[DatasetQuality], path: str | Path, *, title: str = "Báo cáo chất lượng dữ liệu"
) -> Path:
    """Write the report atomically (temp file, then rename) and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".html")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(render_report(datasets, title=title))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def load_results(results_dir: str | Path) -> list[DatasetQuality]:
    """Rebuild every dataset's gate outcome from a results folder (``<dataset>.json`` + ``.gate.json``)."""
    results_dir = Path(results_dir)
    datasets = []
    for path in sorted(results_dir.glob("*.json")):
        if path.name.startswith(".") or path.name.endswith(".gate.json"):
            continue
        summary = summary_from_dict(read_result(path))
        gate_path = path.with_name(path.stem + ".gate.json")
        pii = guard = None
        if gate_path.exists():
            gate = read_result(gate_path)
            pii = PiiReport.from_dict(gate["pii"]) if gate.get("pii") else None
            guard = GuardResult.from_dict(gate["row_count_guard"]) if gate.get("row_count_guard") else None
        datasets.append(DatasetQuality(summary.dataset, validation=summary, pii=pii, guard=guard))
    return datasets


def main(argv: list[str] | None = None) -> int:
    """``python -m expectations.report --results DIR --out FILE``: render the report from result files."""
    parser = argparse.ArgumentParser(description="Render the offline quality report from a results folder.")
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--title", default="Báo cáo chất lượng dữ liệu")
    args = parser.parse_args(argv)
    datasets = load_results(args.results)
    if not datasets:
        parser.error(f"no result files in {args.results}")
    write_report(datasets, args.out, title=args.title)
    print(json.dumps(gate_summary(datasets), ensure_ascii=False))
    return 0 if all(item.passed for item in datasets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
