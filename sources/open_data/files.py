"""Read downloaded CSV and XLSX files (tệp CSV, Excel) into typed Arrow tables.

CSV: the encoding is detected (UTF-8, UTF-8 with BOM, Windows-1258, TCVN3, VNI); a UTF-8 file with a few
lines in a legacy encoding (files concatenated over the years) has those lines decoded one by one, or
quarantined when the decoder is unsure; the delimiter (``,``, ``;``, tab) is detected from the rows.
XLSX: the first sheet, merged header cells flattened, typed cells kept (numbers, dates), columns the
sheet formats with decimals kept as floats, and a formula saved without its result quarantined with its row
rather than read as an empty cell. Title rows and trailing notes are skipped in both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from sources.common.batch import QuarantinedRow
from sources.common.vietnamese import decode_vietnamese, nfc
from sources.open_data.cells import MAX_CELL_CHARS, Cell, FormulaWithoutValue
from sources.open_data.header import locate_header
from sources.open_data.tabular import ColumnType, build_table

log = logging.getLogger(__name__)

MIN_CONFIDENCE = 0.8  # below this a decoded line is quarantined with its original bytes
# Python's csv module refuses a whole file at its first field over 131,072 characters. The limit is raised
# well past MAX_CELL_CHARS so that such a cell reaches build_table, which quarantines its row alone; a field
# beyond even this bound (an unclosed quote in a 100 MB file) still refuses the file, as a FileFormatError.
CSV_FIELD_LIMIT = 64 * MAX_CELL_CHARS


class FileFormatError(ValueError):
    """A downloaded file cannot be read as a table (empty, undecodable, no header, not a spreadsheet)."""


@dataclass
class ParsedFile:
    """A file read into a typed table, with what had to be quarantined and how it was decoded."""

    table: pa.Table
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    encoding: str = "utf-8"
    confidence: float = 1.0
    repaired_lines: int = 0  # lines decoded from a legacy encoding inside a UTF-8 file
    header: list[str] = field(default_factory=list)


def decode_csv_bytes(
    data: bytes, min_confidence: float = MIN_CONFIDENCE
) -> tuple[str, str, float, list[QuarantinedRow], int]:
    """Decode a CSV file: (text, encoding, confidence, quarantined lines, repaired line count)."""
    whole = decode_vietnamese(data)
    if whole.encoding in ("utf-8", "utf-8-sig", "ascii"):
        return whole.text, whole.encoding, whole.confidence, [], 0
    lines = data.split(b"\n")
    valid_utf8_non_ascii = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        valid_utf8_non_ascii += not line.isascii()
    if valid_utf8_non_ascii == 0:
        # a legacy file through and through
        if whole.confidence < min_confidence:
            raise FileFormatError(
                f"cannot tell the file's encoding: best guess {whole.encoding} with confidence {whole.confidence:.2f}"
            )
        return whole.text, whole.encoding, whole.confidence, [], 0
    # a UTF-8 file with some legacy lines pasted in: decode those lines on their own
    out: list[str] = []
    quarantined: list[QuarantinedRow] = []
    repaired = 0
    for number, line in enumerate(lines, 1):
        try:
            out.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        guess = decode_vietnamese(line)
        if guess.confidence >= min_confidence:
            out.append(guess.text)
            repaired += 1
            log.info("line %d decoded from %s (confidence %.2f)", number, guess.encoding, guess.confidence)
        else:
            # Latin-1 maps every byte to one character, so the quarantined text gives the bytes back exactly
            quarantined.append(
                QuarantinedRow.of(
                    f"bad_encoding: line {number} is not UTF-8 and reads as {guess.encoding} only with "
                    f"confidence {guess.confidence:.2f} (raw is the line's bytes as Latin-1)",
                    line.decode("latin-1"),
                )
            )
    return nfc("\n".join(out)), "utf-8", whole.confidence, quarantined, repaired


def _sniff_delimiter(text: str) -> str:
    sample = text.splitlines()[:40]
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t", "|"):
        counts = [len(r) for r in csv.reader(sample, delimiter=delimiter) if any(c.strip() for c in r)]
        if not counts:
            continue
        mode, frequency = Counter(counts).most_common(1)[0]
        score = (frequency if mode > 1 else 0, mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(
    data: bytes,
    *,
    column_types: dict[str, ColumnType] | None = None,
    min_confidence: float = MIN_CONFIDENCE,
) -> ParsedFile:
    """Parse CSV bytes of unknown encoding and layout into a typed table."""
    if not data.strip():
        raise FileFormatError("the file is empty")
    text, encoding, confidence, bad_lines, repaired = decode_csv_bytes(data, min_confidence)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # process-wide setting: only ever raised, so a reader elsewhere never sees it shrink; before the
    # delimiter sniffing, which reads the first lines with the same module
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    delimiter = _sniff_delimiter(text)
    try:
        grid: list[list[Cell]] = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise FileFormatError(f"not a readable CSV: {exc}") from exc
    try:
        header = locate_header(grid)
    except ValueError as exc:
        raise FileFormatError(str(exc)) from exc
    table, quarantined = build_table(
        header.names,
        grid[header.data_start :],
        column_types=column_types,
        first_row_number=header.data_start + 1,
    )
    return ParsedFile(table, bad_lines + quarantined, encoding, confidence, repaired, header.names)


def _xlsx_cell(cell) -> tuple[Cell, bool]:
    """(value, formatted with decimals?) of an openpyxl cell."""
    value = cell.value
    fmt = str(getattr(cell, "number_format", "") or "")
    decimal = "0.0" in fmt or "#.0" in fmt
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, int) and not isinstance(value, bool) and decimal:
        value = float(value)
    if isinstance(value, str):
        value = nfc(value)
    return value, decimal


def read_xlsx(
    data: bytes,
    *,
    sheet: str | None = None,
    column_types: dict[str, ColumnType] | None = None,
) -> ParsedFile:
    """Parse the first (or the named) sheet of an XLSX workbook into a typed table."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise FileFormatError(f"not a readable XLSX workbook: {type(exc).__name__}: {exc}") from exc
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
    except KeyError as exc:
        raise FileFormatError(f"no sheet named {sheet!r}; sheets: {', '.join(wb.sheetnames)}") from exc
    grid: list[list[Cell]] = []
    decimal_flags: list[list[bool]] = []
    # Both passes start at A1 (row 1, column 1), so grid[i][j] is the sheet's cell (i + 1, j + 1).
    for row in ws.iter_rows():
        values, flags = zip(*(_xlsx_cell(c) for c in row), strict=True) if row else ((), ())
        grid.append(list(values))
        decimal_flags.append(list(flags))
    merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
    if _may_hold_formulas_without_value(data):
        _mark_formulas_without_value(data, ws, grid)
    wb.close()
    try:
        header = locate_header(grid, merged)
    except ValueError as exc:
        raise FileFormatError(str(exc)) from exc
    width = len(header.names)
    body = grid[header.data_start :]
    # sheets pad every row to the used width: trim empty cells beyond the header
    body = [r[:width] if not any(c is not None for c in r[width:]) else r for r in body]
    hints = [
        any(flags[j] for flags in decimal_flags[header.data_start :] if j < len(flags)) for j in range(width)
    ]
    table, quarantined = build_table(
        header.names,
        body,
        column_types=column_types,
        decimal_hints=hints,
        first_row_number=header.data_start + 1,
    )
    return ParsedFile(table, quarantined, "xlsx", 1.0, 0, header.names)


# A formula element (<f>...</f>, or <f .../> for a shared formula) closed by its cell or by an empty value:
# a formula saved without its result. Namespace prefixes (<x:f>) appear in files from some generators.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*"
    rb"(?:</(?:\w+:)?c>|<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)"
)


def _may_hold_formulas_without_value(data: bytes) -> bool:
    """Whether a worksheet of the archive may hold a formula saved without its result.

    The second pass below reads the whole sheet again (as long as the first: measured 3.0 s against 3.2 s
    for 20,000 rows × 6 columns), so it runs only when the sheet's XML shows such a formula. Files saved by
    Excel or LibreOffice carry every result and skip it; this byte search took 0.12 s on that sheet with a
    formula in every row (results saved), against 5 s for the whole read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(
                _FORMULA_WITHOUT_VALUE.search(archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (zipfile.BadZipFile, KeyError, OSError):
        return True  # openpyxl read it anyway: let the second pass decide


def _mark_formulas_without_value(data: bytes, ws, grid: list[list[Cell]]) -> None:
    """Replace by :class:`FormulaWithoutValue` every cell that holds a formula but no saved result.

    ``data_only=True`` gives the result Excel saved with the formula, and ``None`` when none was saved
    (a file written by a script and never opened in Excel), which would load as a silent NULL. The formulas
    themselves are only visible without ``data_only``: a second, streaming (read-only) pass over the sheet.
    A result that Excel saved as empty text is typed ``s`` in the first pass and is left alone.
    """
    from openpyxl import load_workbook

    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = formulas[ws.title]
        sheet.reset_dimensions()  # the stored <dimension> may be wrong; read every row as it is
        for i, row in enumerate(sheet.iter_rows(values_only=True)):
            if i >= len(grid):
                break
            for j, value in enumerate(row):
                if value is None or j >= len(grid[i]) or grid[i][j] is not None:
                    continue
                if isinstance(value, str):
                    if not value.startswith("="):
                        continue
                    formula = value
                else:  # array and data-table formulas are objects carrying the formula as text
                    formula = getattr(value, "text", None)
                    if formula is None:
                        continue
                if ws.cell(i + 1, j + 1).data_type == "s":
                    continue
                grid[i][j] = FormulaWithoutValue(str(formula))
    finally:
        formulas.close()


XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel")


def read_file(
    data: bytes,
    *,
    media_type: str | None = None,
    name: str = "",
    column_types: dict[str, ColumnType] | None = None,
) -> ParsedFile:
    """Read a download by its media type, name or magic bytes (XLSX files are ZIP archives)."""
    kind = (media_type or "").split(";", 1)[0].strip().lower()
    if kind in XLSX_TYPES or name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return read_xlsx(data, column_types=column_types)
    return read_csv(data, column_types=column_types)
