"""The quarterly report (báo cáo quý): from the warehouse to ``report.html`` (+ ``report.pdf``).

    python -m reports.quarterly --warehouse data/warehouse.duckdb --out /tmp/report [--period 2024-Q3]

Without ``--period`` the report covers the latest official reporting period (kỳ báo cáo, 15th to 14th)
that the data reach to its end. The warehouse is opened read-only; a connection or SQLAlchemy engine can
be passed in instead (:func:`build_report`). Nothing is read from the environment.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports.loader import ReportDataError, load_report
from reports.model import QuarterlyReport
from reports.pdf import PdfOutcome, render_pdf
from reports.render import render_html
from reports.warehouse import MartReader

HTML_NAME = "report.html"
PDF_NAME = "report.pdf"

__all__ = ["ReportDataError", "ReportFiles", "build_report", "main", "write_report"]


@dataclass(frozen=True)
class ReportFiles:
    report: QuarterlyReport
    html: Path
    pdf: PdfOutcome


def build_report(connection: Any, *, period: str | None = None, schema: str = "marts") -> QuarterlyReport:
    """The report model from an open read-only DuckDB connection or a SQLAlchemy engine."""
    return load_report(MartReader(connection, schema), period)


def write_report(
    report: QuarterlyReport, out_dir: Path, *, pdf: bool = True, chromium: Path | str | None = None
) -> ReportFiles:
    """Write ``report.html`` and, when asked and Chromium is there, ``report.pdf`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / HTML_NAME
    html_path.write_text(render_html(report), encoding="utf-8")
    pdf_path = out_dir / PDF_NAME
    pdf_path.unlink(missing_ok=True)  # never leave an older PDF beside a newer HTML
    outcome = (
        render_pdf(html_path, pdf_path, chromium=chromium) if pdf else PdfOutcome(None, "PDF not requested")
    )
    return ReportFiles(report, html_path, outcome)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reports.quarterly",
        description="Báo cáo quý — render the quarterly dossier report from the warehouse (offline HTML + PDF)",
    )
    parser.add_argument(
        "--warehouse", type=Path, required=True, help="DuckDB warehouse file (opened read-only)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for report.html and report.pdf")
    parser.add_argument("--period", default=None, help="quarter such as 2024-Q3 (default: latest complete)")
    parser.add_argument("--schema", default="marts", help="schema of the marts (default: marts)")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only")
    parser.add_argument("--chromium", default=None, help="Chromium executable (default: /usr/bin/chromium)")
    args = parser.parse_args(argv)

    import duckdb

    if not args.warehouse.is_file():
        parser.error(f"no warehouse file at {args.warehouse}")
    connection = duckdb.connect(str(args.warehouse), read_only=True)
    try:
        report = build_report(connection, period=args.period, schema=args.schema)
    except (ReportDataError, ValueError) as exc:
        print(f"Không tạo được báo cáo / cannot build the report: {exc}", file=sys.stderr)
        return 2
    finally:
        connection.close()
    files = write_report(report, args.out, pdf=not args.no_pdf, chromium=args.chromium)
    print(f"Báo cáo {report.period.label} ({report.period.range_text})")
    print(f"  HTML: {files.html}")
    print(f"  PDF:  {files.pdf.path if files.pdf.rendered else '— ' + files.pdf.reason}")
    if report.missing_tables:
        print(f"  chưa có dữ liệu / not yet in the warehouse: {', '.join(report.missing_tables)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
