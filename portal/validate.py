"""Kiểm tra gói dữ liệu — the check a version's ``datapackage.json`` passes before it is published.

Frictionless reads every row through Python (about 150 µs a row: 15 s for 100k rows), so the check is
split in two, and together they give what a full ``frictionless.validate`` gave:

1. Frictionless itself validates the descriptor against the tabular-data-package profile (names, types,
   licences, the dialect, the schema) and reads the first :data:`FRICTIONLESS_SAMPLE_ROWS` rows as any
   Frictionless user would: proof that the standard tool reads our package as we mean it.
2. :func:`check_tabular_resource` then streams the *whole* CSV through Arrow against the declared schema:
   size and SHA-256 as declared, UTF-8, the dialect, a header equal to the field names in order, exactly one
   value per field on every row, no blank row, and every non-missing value a valid value of its field's
   type (integer within 64 bits, number, ``YYYY-MM-DD`` date that exists, ISO 8601 date-time with a zone
   offset, boolean among ``trueValues``/``falseValues``). Memory stays bounded by Arrow's read block.

The Arrow parsers are at least as strict as Frictionless's on what the portal writes (Frictionless also
accepts surrounding spaces and date-times without an offset; the portal never writes either).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

FRICTIONLESS_SAMPLE_ROWS = 1_000
MAX_REPORTED_ERRORS = 5
_BLOCK_BYTES = 4 << 20

_CAST_TYPES: dict[str, pa.DataType] = {
    "integer": pa.int64(),
    "number": pa.float64(),
    "date": pa.date32(),
    # A zone offset is required: casting to a zoned type refuses local times without one.
    "datetime": pa.timestamp("us", tz="UTC"),
}
_SUPPORTED_TYPES = {"string", "boolean", *_CAST_TYPES}


def frictionless_errors(path: Path, *, sample_rows: int = FRICTIONLESS_SAMPLE_ROWS) -> list[str]:
    """Frictionless's verdict on the descriptor and the first ``sample_rows`` rows of each resource."""
    # Imported here: frictionless takes about half a second to import and only publishing needs it.
    import frictionless

    report = frictionless.validate(str(path), limit_rows=sample_rows)
    if report.valid:
        return []
    errors = [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors]
    errors += [f"{e.type}: {e.message}" for e in report.errors]
    return errors[:MAX_REPORTED_ERRORS]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _first_invalid(values: pa.Array, field_: dict[str, Any]) -> tuple[int, str] | None:
    """Index and text of the first non-missing value that is not a valid ``field_`` value."""
    kind = field_["type"]
    present = pc.is_valid(values)
    if kind == "string":
        return None
    if kind == "boolean":
        allowed = pa.array([*field_.get("trueValues", ["true"]), *field_.get("falseValues", ["false"])])
        ok = pc.or_kleene(pc.invert(present), pc.is_in(values, value_set=allowed))
        if pc.all(ok).as_py():
            return None
        index = pc.index(ok, False).as_py()
        return index, values[index].as_py()
    target = _CAST_TYPES[kind]
    try:
        pc.cast(values, target)
        return None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # Only on failure: find the value to name in the error (one scalar cast per row until it fails).
    for index, value in enumerate(values.to_pylist()):
        if value is None:
            continue
        try:
            pc.cast(pa.array([value]), target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return index, value
    return None


def check_tabular_resource(resource: dict[str, Any], directory: Path) -> list[str]:
    """Errors of one CSV resource against its declared schema, reading every row; empty when valid."""
    name = resource.get("path")
    if not isinstance(name, str) or Path(name).name != name:
        return [f"resource path {name!r} is not a file beside datapackage.json"]
    path = directory / name
    if not path.is_file():
        return [f"{name}: file not found"]
    errors: list[str] = []
    if "bytes" in resource and path.stat().st_size != resource["bytes"]:
        errors.append(f"byte-count: {name} has {path.stat().st_size} bytes, {resource['bytes']} declared")
    declared_hash = resource.get("hash")
    if declared_hash is not None:
        algorithm, _, digest = str(declared_hash).rpartition(":")
        if algorithm != "sha256":
            errors.append(f"hash: only sha256 is checked, {declared_hash!r} declared")
        elif _sha256(path) != digest:
            errors.append(f"hash-count: the SHA-256 of {name} is not the declared {digest}")
    if str(resource.get("encoding", "utf-8")).lower().replace("_", "-") not in ("utf-8", "utf8"):
        errors.append(f"encoding: only UTF-8 is checked, {resource['encoding']!r} declared")
    dialect = {"delimiter": ",", "doubleQuote": True, "header": True, **resource.get("dialect", {})}
    if dialect["header"] is not True or len(dialect["delimiter"]) != 1:
        errors.append(f"dialect: {dialect} is not a one-character-delimiter CSV with a header row")
    schema = resource.get("schema", {})
    fields = schema.get("fields", [])
    unknown = [f.get("type") for f in fields if f.get("type", "string") not in _SUPPORTED_TYPES]
    if unknown:
        errors.append(f"schema: field types {unknown} are not checked here")
    if errors:
        return errors
    fields = [{"type": "string", **f} for f in fields]
    names = [f["name"] for f in fields]
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect["delimiter"],
                double_quote=dialect["doubleQuote"],
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                # Read as text, then check each value against its own field's type below.
                column_types={n: pa.string() for n in names},
                null_values=list(schema.get("missingValues", [""])),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                check_utf8=True,
            ),
        )
        header = reader.schema.names
        if header != names:
            return [f"header: {name} has columns {header}, the schema declares {names}"]
        row = 2  # Frictionless numbering: the header is row 1
        for batch in reader:
            errors += _check_batch(batch, fields, row, name)
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
            row += batch.num_rows
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        # Wrong number of values on a row, bad quoting, or bytes that are not UTF-8.
        errors.append(f"source-error: {name} cannot be read as the declared CSV: {exc}")
    return errors[:MAX_REPORTED_ERRORS]


def _check_batch(batch: pa.RecordBatch, fields: list[dict[str, Any]], first_row: int, name: str) -> list[str]:
    errors = []
    blank = None
    for field_, values in zip(fields, batch.columns, strict=True):
        missing = pc.is_null(values)
        blank = missing if blank is None else pc.and_(blank, missing)
        invalid = _first_invalid(values, field_)
        if invalid is not None:
            index, text = invalid
            errors.append(
                f"type-error: {name} row {first_row + index}, field {field_['name']!r}: "
                f"{text!r} is not a valid {field_['type']}"
            )
    if blank is not None and pc.any(blank).as_py():
        errors.append(f"blank-row: {name} row {first_row + pc.index(blank, True).as_py()} is blank")
    return errors
