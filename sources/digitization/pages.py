"""One export page (trang dữ liệu xuất) → Arrow, without building Python row objects on the fast path.

The page is NDJSON: one JSON object per line, every value text. The fast path hands the bytes straight to
``pyarrow.json`` with every declared column typed as a string. Anything unusual (a line that is not
JSON or not an object, bytes that are not UTF-8, a value that is a number or a nested object) makes
Arrow refuse the block; then, and only then, the page is read line by line so that the good rows still
load and each bad line goes to quarantine verbatim with its reason. ``pyarrow.json`` would silently turn
invalid UTF-8 into U+FFFD, so the bytes are checked first. A row with a cell longer than the readers'
bound (``MAX_CELL_CHARS`` of :mod:`sources.common.batch`, shared with the open-data readers) is quarantined too, checked on Arrow arrays.

All text is normalised to Unicode NFC (one spelling per character for joins and deduplication); the
choice between old and modern tone placement is staging's job, not the connector's.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from sources.common.batch import MAX_CELL_CHARS, QuarantinedRow
from sources.common.paging import RetryPage
from sources.digitization.drift import SEMANTIC_TYPE_KEY, UNKNOWN_TYPE


class PageIncomplete(RetryPage):
    """The page body does not hold the rows its headers announce (cut transfer): fetch it again."""


@dataclass(frozen=True)
class ParsedPage:
    data: pa.Table
    quarantined: list[QuarantinedRow]


def declared_schema(columns: Sequence[tuple[str, str]]) -> pa.Schema:
    """All columns as strings, each carrying its declared semantic type in the field metadata."""
    return pa.schema(
        [pa.field(cid, pa.string(), metadata={SEMANTIC_TYPE_KEY: stype.encode()}) for cid, stype in columns]
    )


def check_complete(body: bytes, announced_rows: int) -> None:
    """Every announced line present and newline-terminated; raises :class:`PageIncomplete` otherwise."""
    lines = body.count(b"\n")
    if lines != announced_rows or (body and not body.endswith(b"\n")):
        raise PageIncomplete(f"page announced {announced_rows} rows, body holds {lines} complete lines")


def parse_page(body: bytes, columns: Sequence[tuple[str, str]], primary_key: Sequence[str]) -> ParsedPage:
    """Parse an NDJSON page into an all-string Arrow table plus the rows quarantined on the way."""
    schema = declared_schema(columns)
    if not body.strip():
        return ParsedPage(schema.empty_table(), [])
    table = _fast(body, schema)
    quarantined: list[QuarantinedRow] = []
    if table is None:
        table, quarantined = _slow(body, schema)
    table, oversized = _split_oversized_cells(table)
    quarantined.extend(oversized)
    table, missing_key = _split_missing_keys(table, primary_key)
    quarantined.extend(missing_key)
    return ParsedPage(_nfc(table), quarantined)


def _fast(body: bytes, schema: pa.Schema) -> pa.Table | None:
    try:
        body.decode("utf-8")
        options = pj.ParseOptions(
            explicit_schema=schema, unexpected_field_behavior="infer", newlines_in_values=False
        )
        table = pj.read_json(
            io.BytesIO(body),
            read_options=pj.ReadOptions(block_size=max(1 << 20, len(body) + 1)),
            parse_options=options,
        )
    except (UnicodeDecodeError, pa.ArrowInvalid):
        return None
    # Columns the page did not declare were type-inferred by Arrow: bring them back to text.
    fields = []
    arrays = []
    for f, col in zip(table.schema, table.columns, strict=True):
        if f.name in schema.names:
            fields.append(schema.field(f.name))
            arrays.append(col)
            continue
        if not (pa.types.is_string(f.type) or pa.types.is_null(f.type) or pa.types.is_integer(f.type)
                or pa.types.is_floating(f.type) or pa.types.is_boolean(f.type)):  # fmt: skip
            return None  # nested or temporal: let the line-by-line path decide
        fields.append(pa.field(f.name, pa.string(), metadata={SEMANTIC_TYPE_KEY: UNKNOWN_TYPE.encode()}))
        arrays.append(pc.cast(col, pa.string()))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _scalar_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    raise TypeError(type(value).__name__)


def _slow(body: bytes, schema: pa.Schema) -> tuple[pa.Table, list[QuarantinedRow]]:
    rows: list[dict[str, str | None]] = []
    quarantined: list[QuarantinedRow] = []
    extra: list[str] = []
    for line in body.split(b"\n"):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            # Keep the bytes recoverable: backslash escapes lose nothing of the original.
            quarantined.append(
                QuarantinedRow("invalid_utf8", line.decode("utf-8", errors="backslashreplace"))
            )
            continue
        try:
            obj = json.loads(text)
        except ValueError:
            quarantined.append(QuarantinedRow("invalid_json", text))
            continue
        if not isinstance(obj, dict):
            quarantined.append(QuarantinedRow("not_an_object", text))
            continue
        try:
            row = {str(k): _scalar_text(v) for k, v in obj.items()}
        except TypeError as exc:
            quarantined.append(QuarantinedRow(f"nested_value:{exc}", text))
            continue
        for k in row:
            if k not in schema.names and k not in extra:
                extra.append(k)
        rows.append(row)
    full = pa.schema(
        [
            *schema,
            *(pa.field(k, pa.string(), metadata={SEMANTIC_TYPE_KEY: UNKNOWN_TYPE.encode()}) for k in extra),
        ]
    )
    return pa.Table.from_pylist(rows, schema=full), quarantined


def _split_oversized_cells(table: pa.Table) -> tuple[pa.Table, list[QuarantinedRow]]:
    """Rows with a cell longer than ``MAX_CELL_CHARS`` (the open-data readers' bound): quarantine them.

    Vectorised: a cell's byte length (read from the offsets, no scan) bounds its length in characters, so
    on a usual page nothing is counted at all; characters are counted only in a column that has a cell
    with more bytes than the limit.
    """
    bad = None
    reasons: dict[str, pa.ChunkedArray] = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        if not pa.types.is_string(col.type) or table.num_rows == 0:
            continue
        longest = pc.max(pc.binary_length(col)).as_py()
        if longest is None or longest <= MAX_CELL_CHARS:
            continue
        lengths = pc.utf8_length(col)
        over = pc.fill_null(pc.greater(lengths, MAX_CELL_CHARS), False)
        if not pc.any(over).as_py():
            continue
        reasons[name] = lengths
        bad = over if bad is None else pc.or_(bad, over)
    if bad is None:
        return table, []
    rows = pc.indices_nonzero(bad).to_pylist()
    quarantined = []
    for i in rows:
        too_long = [
            f"{name}: {_grouped(n)} characters"
            for name, lengths in reasons.items()
            if (n := lengths[i].as_py() or 0) > MAX_CELL_CHARS
        ]
        row = table.slice(i, 1).to_pylist()[0]
        reason = f"cell_too_large: {', '.join(too_long)}, more than the {_grouped(MAX_CELL_CHARS)} allowed"
        quarantined.append(QuarantinedRow(reason, json.dumps(row, ensure_ascii=False, sort_keys=True)))
    return table.filter(pc.invert(bad)), quarantined


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _split_missing_keys(table: pa.Table, primary_key: Sequence[str]) -> tuple[pa.Table, list[QuarantinedRow]]:
    """Rows without a usable key cannot be deduplicated or updated later: quarantine them."""
    bad = None
    for key in primary_key:
        if key not in table.column_names:
            # The key column itself is gone: every row is unusable, keep them all in quarantine.
            bad = pa.array([True] * table.num_rows)
            break
        col = table[key]
        missing = pc.or_(pc.is_null(col), pc.equal(pc.utf8_trim_whitespace(col), ""))
        missing = pc.fill_null(missing, True)
        bad = missing if bad is None else pc.or_(bad, missing)
    if bad is None or not pc.any(bad).as_py():
        return table, []
    rejected = table.filter(bad).to_pylist()
    reason = "missing_primary_key"
    return table.filter(pc.invert(bad)), [
        QuarantinedRow(reason, json.dumps(r, ensure_ascii=False, sort_keys=True)) for r in rejected
    ]


def _nfc(table: pa.Table) -> pa.Table:
    arrays = [pc.utf8_normalize(col, "NFC") if pa.types.is_string(col.type) else col for col in table.columns]
    return pa.Table.from_arrays(arrays, schema=table.schema)
