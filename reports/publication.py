"""The quarterly report as an entry of the open-data portal (công bố báo cáo quý).

The entry is a small dataset — the report's KPI table, one row per level, so that the figures can be
reused as data — with the report itself attached as documents: ``report.html`` and, where Chromium made
one, ``report.pdf``. Plain Python: the Dagster asset and any other caller publish through
:meth:`portal.store.PortalStore.publish`.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from portal.spec import ColumnSpec, Contact, DatasetSpec
from portal.store import Document
from reports.model import LEVEL_NAMES_VI, QuarterlyReport
from reports.quarterly import ReportFiles

SLUG = "bao-cao-quy-kiem-soat-thu-tuc-hanh-chinh"
PUBLISHER = "Trung tâm Giám sát, điều hành đô thị thông minh Huế"
CONTACT = Contact("Bộ phận dữ liệu mở", "dulieumo@hue.gov.vn")

_COUNT_COLUMNS = (
    ("received", "Số hồ sơ tiếp nhận", "Carried over plus newly received"),
    ("online", "Tiếp nhận trực tuyến", "Received online"),
    ("resolved", "Đã giải quyết", "Resolved in the period"),
    ("early", "Giải quyết trước hạn", "Resolved before the due day"),
    ("on_time", "Giải quyết đúng hạn", "Resolved on the due day"),
    ("late", "Giải quyết quá hạn", "Resolved late"),
    ("in_progress", "Đang giải quyết", "Not ended at the end of the period"),
    ("in_progress_within_deadline", "Đang giải quyết trong hạn", "In progress within the deadline"),
    ("in_progress_over_deadline", "Đang giải quyết quá hạn", "In progress over the deadline"),
    ("awaiting_receipt", "Chờ tiếp nhận", "Submitted, not yet received"),
    ("withdrawn_or_stopped", "Rút, dừng xử lý, không tiếp nhận", "Ended without a result in the period"),
    ("not_judgeable", "Không xác định hạn", "Resolved with neither a due date nor a maximum time"),
)

COLUMNS = (
    ColumnSpec("quarter", "string", "Quý", "Quý báo cáo, dạng 2024-Q3", "Reporting quarter"),
    ColumnSpec("period_start", "date", "Ngày đầu kỳ báo cáo", "", "First day of the reporting period"),
    ColumnSpec("period_end", "date", "Ngày cuối kỳ báo cáo", "", "Last day of the reporting period"),
    ColumnSpec("level", "string", "Cấp", "province, district, commune hoặc all (toàn tỉnh)", "Level"),
    ColumnSpec("level_name", "string", "Tên cấp", "Cấp tỉnh, cấp huyện, cấp xã, toàn tỉnh", "Level name"),
    *(ColumnSpec(name, "integer", title, "", english) for name, title, english in _COUNT_COLUMNS[:2]),
    ColumnSpec(
        "online_rate",
        "number",
        "Tỷ lệ trực tuyến (%)",
        "Trực tuyến / tiếp nhận × 100",
        "online / received × 100",
    ),
    *(ColumnSpec(name, "integer", title, "", english) for name, title, english in _COUNT_COLUMNS[2:6]),
    ColumnSpec(
        "on_time_rate",
        "number",
        "Tỷ lệ đúng hạn (%)",
        "(Trước hạn + đúng hạn) / (trước hạn + đúng hạn + quá hạn) × 100",
        "(early + on time) / (early + on time + late) × 100",
    ),
    *(ColumnSpec(name, "integer", title, "", english) for name, title, english in _COUNT_COLUMNS[6:]),
)


def kpi_table(report: QuarterlyReport) -> pa.Table:
    """The report's KPI table (Bảng 1) as rows: one per level and one for the whole province."""
    period = report.period
    rows = []
    for kpi in report.kpis:
        row = {
            "quarter": period.key,
            "period_start": period.start,
            "period_end": period.end,
            "level": kpi.level,
            "level_name": LEVEL_NAMES_VI.get(kpi.level, kpi.level),
            "online_rate": None if kpi.online_rate is None else float(kpi.online_rate),
            "on_time_rate": None if kpi.on_time_rate is None else float(kpi.on_time_rate),
        }
        row.update({name: getattr(kpi, name) for name, *_ in _COUNT_COLUMNS})
        rows.append(row)
    schema = pa.schema(
        [
            (
                c.name,
                {"string": pa.string(), "date": pa.date32(), "integer": pa.int64(), "number": pa.float64()}[
                    c.type
                ],
            )
            for c in COLUMNS
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def report_spec(report: QuarterlyReport) -> DatasetSpec:
    period = report.period
    spec = DatasetSpec(
        slug=SLUG,
        title_vi="Báo cáo quý về tình hình tiếp nhận, giải quyết hồ sơ thủ tục hành chính",
        title_en="Quarterly report on administrative-procedure dossiers",
        description_vi=(
            f"Báo cáo {period.label} (kỳ {period.range_text}): số hồ sơ thủ tục hành chính tiếp nhận, trực "
            "tuyến, đã giải quyết (trước hạn, đúng hạn, quá hạn), đang giải quyết và chờ tiếp nhận theo cấp; "
            "tỷ lệ trực tuyến so với mục tiêu 65 % của Kế hoạch 379/KH-UBND; tỷ lệ đúng hạn; điểm Bộ chỉ số "
            "766; đối chiếu với số liệu tỉnh đã công bố. Bảng số liệu kèm báo cáo HTML và PDF."
        ),
        description_en=(
            f"Report for {period.key} ({period.start.isoformat()} to {period.end.isoformat()}): dossiers "
            "received, online, resolved (early, on time, late), in progress and awaiting receipt per level; "
            "online share against Plan 379's 65 % target; on-time rate; Decision 766 scores; reconciliation "
            "with the province's published figures. The KPI table, with the report as HTML and PDF."
        ),
        keywords=(
            "báo cáo quý",
            "thủ tục hành chính",
            "một cửa",
            "dịch vụ công trực tuyến",
            "cải cách hành chính",
        ),
        theme="Cải cách hành chính",
        publisher=PUBLISHER,
        contact=CONTACT,
        update_frequency="QUARTERLY",
        temporal_start=period.start,
        temporal_end=period.end,
        columns=COLUMNS,
    )
    spec.validate()
    return spec


def report_documents(files: ReportFiles) -> list[Document]:
    """The files of a written report as store documents (the PDF only when Chromium made it)."""
    label = files.report.period.label
    documents = [
        Document("html", files.html, "report.html", "text/html; charset=utf-8", f"Báo cáo {label} (HTML)")
    ]
    if files.pdf.path is not None:
        documents.append(
            Document(
                "pdf",
                Path(files.pdf.path),
                "report.pdf",
                "application/pdf",
                f"Báo cáo {label} (PDF, khổ A4)",
                "html",
            )
        )
    return documents
