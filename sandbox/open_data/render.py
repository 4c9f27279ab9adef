"""Render a dataset the ways provincial files really arrive (định dạng tệp tải về).

Every flavour carries the same rows; what differs is the mess around them:

=============  =================================================================================
``csv``        UTF-8, ``,``-separated, Vietnamese numbers (``1.500.000``, ``64,89``), ``dd/mm/yyyy``
``csv-bom``    UTF-8 with BOM, ``;``-separated, CRLF (Excel's "CSV UTF-8" in a Vietnamese locale)
``csv-1258``   Windows-1258 with combining tone marks, a title row above the header
``csv-tcvn3``  TCVN3 (ABC), a title row, a two-row header (group cells left empty), ``d/m/yyyy``, ``%``
``csv-vni``    VNI-Windows, like ``csv-tcvn3``
``xlsx``       title and subtitle rows, a two-row header with merged cells, typed cells, a source note
=============  =================================================================================

Data faults: ``malformed`` (a predicate on the row index) breaks rows in rotating ways; ``bad_encoding``
writes some rows of the UTF-8 CSV in TCVN3, as when legacy files are concatenated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from sandbox.open_data.datasets import Column, Dataset, Row
from sources.common.vietnamese import encode_cp1258, encode_tcvn3, encode_vni, format_number_vi

FLAVOURS: dict[str, tuple[str, str]] = {  # flavour -> (file suffix, media type)
    "csv": (".csv", "text/csv"),
    "csv-bom": (".bom.csv", "text/csv"),
    "csv-1258": (".1258.csv", "text/csv"),
    "csv-tcvn3": (".tcvn3.csv", "text/csv"),
    "csv-vni": (".vni.csv", "text/csv"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
XLSX_MEDIA_TYPE = FLAVOURS["xlsx"][1]
_LEGACY = ("csv-tcvn3", "csv-vni")
_ENCODERS: dict[str, Callable[[str], bytes]] = {
    "csv": lambda t: t.encode("utf-8"),
    "csv-bom": lambda t: t.encode("utf-8-sig"),
    "csv-1258": encode_cp1258,
    "csv-tcvn3": encode_tcvn3,
    "csv-vni": encode_vni,
}
Malformed = Callable[[int], bool]


def file_name(dataset: Dataset, flavour: str) -> str:
    return dataset.slug + FLAVOURS[flavour][0]


def flavour_of(name: str) -> str | None:
    """The flavour of a served file name (longest suffix first: ``.tcvn3.csv`` before ``.csv``)."""
    for flavour, (suffix, _) in sorted(FLAVOURS.items(), key=lambda kv: -len(kv[1][0])):
        if name.endswith(suffix):
            return flavour
    return None


def format_cell(column: Column, value: Any, flavour: str) -> str:
    """One value as text in the given CSV flavour."""
    if value is None:
        return ""
    if column.kind in ("int", "money"):
        return format_number_vi(value) if column.grouped else str(value)
    if column.kind in ("decimal", "percent"):
        text = format_number_vi(value, column.places)
        return f"{text} %" if column.kind == "percent" and flavour in _LEGACY else text
    if column.kind == "date":
        if flavour in _LEGACY:
            return f"{value.day}/{value.month}/{value.year}"  # old sheets drop the leading zeros
        return value.strftime("%d/%m/%Y")
    return str(value)


def _malformed_cells(dataset: Dataset, cells: list[str], index: int) -> list[str]:
    """Break one row in one of three ways real files do, rotating by row index."""
    broken = list(cells)
    way = index % 3
    numeric = [i for i, c in enumerate(dataset.columns) if c.kind in ("int", "money", "decimal", "percent")]
    dates = [i for i, c in enumerate(dataset.columns) if c.kind == "date"]
    if way == 0 and numeric:
        broken[numeric[0]] = "không rõ"  # "unknown" typed into a number column
    elif way == 1 and dates:
        broken[dates[0]] = "31/02/2024"
    else:
        broken = broken[: max(1, len(broken) // 2)]  # a row cut short
    return broken


def csv_rows(
    dataset: Dataset, rows: list[Row], flavour: str, malformed: Malformed | None = None
) -> list[list[str]]:
    """The grid of text cells a CSV flavour holds, title and header rows included."""
    grid: list[list[str]] = []
    width = len(dataset.columns)
    if flavour in ("csv-1258", *_LEGACY):
        grid.append([dataset.title.upper() if flavour == "csv-1258" else dataset.title] + [""] * (width - 1))
    if flavour in _LEGACY:
        grid.append([""] * width)
        grid.append([c.group or c.header for c in dataset.columns])
        if any(c.group for c in dataset.columns):
            grid.append([c.header if c.group else "" for c in dataset.columns])
        # in a two-row header only the first cell of each group is filled, as Excel saves merged cells
        top = grid[-2] if any(c.group for c in dataset.columns) else grid[-1]
        for i in range(width - 1, 0, -1):
            if dataset.columns[i].group and dataset.columns[i].group == dataset.columns[i - 1].group:
                top[i] = ""
    else:
        grid.append([c.title for c in dataset.columns])
    for index, row in enumerate(rows):
        cells = [format_cell(c, row[c.key], flavour) for c in dataset.columns]
        if malformed is not None and malformed(index):
            cells = _malformed_cells(dataset, cells, index)
        grid.append(cells)
    return grid


def render_csv(
    dataset: Dataset,
    rows: list[Row],
    flavour: str,
    *,
    malformed: Malformed | None = None,
    bad_encoding: bool = False,
) -> bytes:
    """The bytes of one CSV flavour."""
    delimiter = ";" if flavour == "csv-bom" else ","
    newline = "\r\n" if flavour in ("csv-bom", "csv-1258", *_LEGACY) else "\n"
    encode = _ENCODERS[flavour]
    out = bytearray()
    grid = csv_rows(dataset, rows, flavour, malformed)
    header_rows = len(grid) - len(rows)
    for number, cells in enumerate(grid):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerow(cells)
        line = buffer.getvalue()
        data_index = number - header_rows
        if bad_encoding and flavour == "csv" and data_index >= 0 and data_index % 7 == 3:
            out += encode_tcvn3(line)  # a legacy row pasted into a UTF-8 file
        else:
            out += encode(line)
        if number == 0 and flavour == "csv-bom":
            encode = _ENCODERS["csv"]  # the BOM is written once, at the start
    return bytes(out)


def render_xlsx(dataset: Dataset, rows: list[Row], *, updated: dt.date | None = None) -> bytes:
    """An XLSX as the departments publish it: title rows, a merged two-row header, typed cells, a note."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    width = len(dataset.columns)
    ws.cell(1, 1, dataset.title.upper()).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    updated = updated or dataset.modified.date()
    ws.cell(2, 1, f"(Cập nhật đến ngày {updated:%d/%m/%Y})")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    two_rows = any(c.group for c in dataset.columns)
    header_top, data_start = 4, (6 if two_rows else 5)
    col = 0
    while col < width:
        column = dataset.columns[col]
        if column.group:
            end = col
            while end + 1 < width and dataset.columns[end + 1].group == column.group:
                end += 1
            ws.cell(header_top, col + 1, column.group)
            if end > col:
                ws.merge_cells(
                    start_row=header_top, start_column=col + 1, end_row=header_top, end_column=end + 1
                )
            for k in range(col, end + 1):
                ws.cell(header_top + 1, k + 1, dataset.columns[k].header)
            col = end + 1
            continue
        ws.cell(header_top, col + 1, column.header)
        if two_rows:
            ws.merge_cells(
                start_row=header_top, start_column=col + 1, end_row=header_top + 1, end_column=col + 1
            )
        col += 1
    for r in range(header_top, data_start):
        for c in range(1, width + 1):
            ws.cell(r, c).font = Font(bold=True)
            ws.cell(r, c).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = {"int": "#,##0", "money": "#,##0", "date": "dd/mm/yyyy"}
    for offset, row in enumerate(rows):
        for c, column in enumerate(dataset.columns, 1):
            cell = ws.cell(data_start + offset, c, row[column.key])
            if column.kind in formats:
                cell.number_format = formats[column.kind]
            elif column.kind in ("decimal", "percent"):
                cell.number_format = "0." + "0" * max(1, column.places)
            elif column.kind == "code":
                cell.number_format = "@"  # text, so Excel keeps the leading zeros
    note_row = data_start + len(rows) + 1
    ws.cell(note_row, 1, f"Nguồn: {dataset.publisher}, tỉnh Thừa Thiên Huế")
    stamp = dt.datetime.combine(updated, dt.time(8, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render(dataset: Dataset, rows: list[Row], flavour: str, **faults: Any) -> bytes:
    if flavour == "xlsx":
        return render_xlsx(dataset, rows)
    if flavour not in _ENCODERS:
        raise ValueError(f"unknown file flavour {flavour!r}; expected one of {', '.join(FLAVOURS)}")
    return render_csv(dataset, rows, flavour, **faults)
