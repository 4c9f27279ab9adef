"""The quarterly report (báo cáo quý), published to the portal store with the KPI datasets.

One asset downstream of the KPI marts: it builds the report of the latest complete official reporting
period (or the one given in run config) from a read-only warehouse connection, writes ``report.html``
and, when Chromium is installed, ``report.pdf``, and publishes them with the report's KPI table as the
store entry ``bao-cao-quy-kiem-soat-thu-tuc-hanh-chinh``. The store publishes a new version only when
the table or the HTML changed; the PDF, a rendering of the HTML, does not count on its own.
"""

import tempfile
from pathlib import Path

import dagster as dg

from orchestration.defs.warehouse.assets import warehouse_dbt_assets
from orchestration.resources import PortalResource, WarehouseResource

REQUIRED_MODELS = ("rpt_dossier_kpis", "rpt_dossier_kpis_monthly", "rpt_reconciliation")
# Built by another part of the warehouse; the report shows "chưa có dữ liệu" until they exist.
OPTIONAL_MODELS = ("rpt_index_766", "rpt_plan_379_progress")


def report_deps() -> list[dg.AssetKey]:
    """The dbt models the report reads, as asset keys; optional ones only once the dbt project has them."""
    from dagster_dbt import get_asset_key_for_model

    keys = [get_asset_key_for_model([warehouse_dbt_assets], model) for model in REQUIRED_MODELS]
    for model in OPTIONAL_MODELS:
        try:
            keys.append(get_asset_key_for_model([warehouse_dbt_assets], model))
        except KeyError:
            continue
    return keys


class QuarterlyReportConfig(dg.Config):
    """Run configuration: which quarter (default: the latest complete one) and whether to print a PDF."""

    period: str | None = None  # e.g. "2024-Q3"
    pdf: bool = True
    chromium: str | None = None  # default /usr/bin/chromium; no PDF (and a note) when absent


@dg.asset(
    key=dg.AssetKey(["portal", "quarterly_report"]),
    deps=report_deps(),
    group_name="publish",
    kinds={"html", "pdf"},
    description="Báo cáo quý (HTML + PDF) — the quarterly dossier report, published with the KPI datasets",
    pool="portal",
    tags={"dataset": "bao-cao-quy-kiem-soat-thu-tuc-hanh-chinh"},
)
def quarterly_report(
    context: dg.AssetExecutionContext,
    config: QuarterlyReportConfig,
    warehouse: WarehouseResource,
    portal: PortalResource,
) -> dg.MaterializeResult:
    import duckdb

    from reports.publication import SLUG, kpi_table, report_documents, report_spec
    from reports.quarterly import ReportDataError, build_report, write_report

    connection = duckdb.connect(str(warehouse.file), read_only=True)
    try:
        report = build_report(connection, period=config.period)
    except ReportDataError as exc:
        if config.period is not None:
            raise  # a quarter asked for by name that cannot be reported is an error
        # A warehouse with no reporting period yet (a fresh or tiny one) has nothing to report: the
        # night goes on and the portal keeps whatever report it already has.
        context.log.warning(f"quarterly report: nothing to publish ({exc})")
        return dg.MaterializeResult(
            metadata={"published": False, "reason": f"no report: {exc}", "rows": 0, "slug": SLUG}
        )
    finally:
        connection.close()
    with tempfile.TemporaryDirectory(prefix="hue-quarterly-report-") as work:
        files = write_report(report, Path(work), pdf=config.pdf, chromium=config.chromium)
        if not files.pdf.rendered:
            context.log.warning(f"quarterly report: no PDF ({files.pdf.reason})")
        result = portal.store().publish(
            report_spec(report), kpi_table(report), documents=report_documents(files)
        )
    context.log.info(f"quarterly report {report.period.key}: {result.reason}")
    return dg.MaterializeResult(
        metadata={
            "published": result.published,
            "version": result.version or "",
            "previous_version": result.previous_version or "",
            "rows": result.rows,
            "content_hash": result.content_hash,
            "reason": result.reason,
            "slug": result.slug,
            "period": report.period.key,
            "period_range": report.period.range_text,
            "pdf": "rendered" if files.pdf.rendered else files.pdf.reason,
            "sections_without_data": ", ".join(report.missing_tables) or "none",
        }
    )
