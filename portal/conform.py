"""Bring a table to its spec's shape and compute the content hash that decides whether to publish.

Chuẩn hoá bảng trước khi công bố: exactly the spec's columns in the spec's order, the declared types,
text in Unicode NFC, rows in a canonical order, no personal data. Anything that does not fit is refused
with a clear error rather than coerced: an integer column where a code (mã) is expected would already
have lost its leading zeros, and an extra column could be personal data nobody reviewed.
"""

from __future__ import annotations

import hashlib
import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from portal.spec import ColumnSpec, DatasetSpec

LOCAL_TZ = "Asia/Ho_Chi_Minh"

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", tz=LOCAL_TZ),
    "boolean": pa.bool_(),
}


class ConformError(ValueError):
    """The table does not match its dataset spec; nothing was written."""


def _accepts(column: ColumnSpec, actual: pa.DataType) -> bool:
    """Which input types may be cast to the declared type without losing meaning."""
    if pa.types.is_null(actual):
        return True
    match column.type:
        case "string":
            return pa.types.is_string(actual) or pa.types.is_large_string(actual)
        case "integer":
            return pa.types.is_integer(actual)
        case "number":
            return pa.types.is_integer(actual) or pa.types.is_floating(actual) or pa.types.is_decimal(actual)
        case "date":
            return pa.types.is_date(actual)
        case "datetime":
            return pa.types.is_timestamp(actual)
        case "boolean":
            return pa.types.is_boolean(actual)
    return False


def _cast(column: ColumnSpec, array: pa.ChunkedArray) -> pa.ChunkedArray:
    target = ARROW_TYPES[column.type]
    if pa.types.is_null(array.type):
        return pa.chunked_array([pa.nulls(len(array), target)], type=target)
    if column.type == "datetime" and array.type.tz is None:
        # Source timestamps are Huế local time (domain guide §1); say so explicitly before storing.
        array = pc.assume_timezone(array, LOCAL_TZ)
    if column.type == "string":
        array = pc.utf8_normalize(array.cast(pa.string()), form="NFC")
    try:
        return array.cast(target, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ConformError(
            f"column {column.name!r}: cannot cast {array.type} to {column.type}: {exc}"
        ) from exc


def scan_personal_data(spec: DatasetSpec, table: pa.Table) -> list[str]:
    """Return one finding per (column, kind) of personal data (dữ liệu cá nhân) in the table.

    The store's last line of defence runs the quality gate's own scanner (``expectations.pii``: structured
    IDs and old ID cards, phones, e-mails, names after an honorific or in a name column), so the portal can
    never accept what the gate would have blocked. Columns marked ``pii_reviewed`` are left out.
    """
    from expectations.pii import scan_table

    reviewed = {c.name for c in spec.columns if c.pii_reviewed}
    scanned = table.select([n for n in table.column_names if n not in reviewed])
    report = scan_table(scanned, dataset=spec.slug)
    findings = []
    for key, hits in sorted(report.counts.items()):
        column, kind = key.rsplit(":", 1)
        findings.append(f"{column}: {hits} value(s) look like {kind}")
    return findings


def conform(spec: DatasetSpec, table: pa.Table) -> pa.Table:
    """Return ``table`` with exactly the spec's columns, types, NFC text and canonical row order."""
    spec.validate()
    names = table.column_names
    if len(set(names)) != len(names):
        raise ConformError(f"{spec.slug}: duplicate column names in the table: {names}")
    missing = [n for n in spec.column_names if n not in names]
    extra = [n for n in names if n not in spec.column_names]
    if missing or extra:
        raise ConformError(f"{spec.slug}: columns differ from the spec: missing={missing} unexpected={extra}")
    arrays = []
    for column in spec.columns:
        array = table.column(column.name)
        if not _accepts(column, array.type):
            raise ConformError(
                f"{spec.slug}: column {column.name!r} is {array.type}, spec says {column.type}"
                + (
                    " (codes and IDs must arrive as text to keep leading zeros)"
                    if column.type == "string"
                    else ""
                )
            )
        arrays.append(_cast(column, array))
    schema = pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in spec.columns])
    conformed = pa.Table.from_arrays(arrays, schema=schema)
    findings = scan_personal_data(spec, conformed)
    if findings:
        raise ConformError(f"{spec.slug}: refusing to publish personal data: " + "; ".join(findings))
    if conformed.num_rows > 1:
        # A canonical order makes the hash independent of how the warehouse happened to return rows,
        # and makes downloads of the same data byte-identical between versions.
        conformed = conformed.sort_by([(n, "ascending", "at_end") for n in spec.column_names])
    return conformed.combine_chunks()


def _canonical_text(table: pa.Table) -> pa.Table:
    """Columns as text with fixed formats, so the hash does not depend on Arrow's binary layout."""
    arrays = []
    for field_, array in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field_.type):
            array = pc.strftime(pc.cast(array, pa.timestamp("us", tz="UTC")), format="%Y-%m-%dT%H:%M:%S.%fZ")
        else:
            array = array.cast(pa.string())
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=table.column_names)


def content_hash(table: pa.Table) -> str:
    """SHA-256 of a canonical serialisation: header with types, then CSV text of the conformed table.

    Nulls and empty strings differ in the serialisation (nulls are unquoted empty fields, strings are
    always quoted), so a blanked value is a change.
    """
    digest = hashlib.sha256()
    digest.update(("|".join(f"{f.name}:{f.type}" for f in table.schema) + "\n").encode())
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    pacsv.write_csv(_canonical_text(table), buffer, write_options=options)
    digest.update(buffer.getvalue())
    return "sha256:" + digest.hexdigest()
