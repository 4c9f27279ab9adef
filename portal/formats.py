"""The files of one dataset version (phiên bản): CSV, JSON, XLSX, Parquet and a Frictionless data package.

Every writer takes a table already conformed to its spec (see :mod:`portal.conform`) and a target path;
it writes only that path. The store decides where the files go and when they become visible.

- CSV: UTF-8 without BOM, header row of column names, ISO 8601 dates and times with the +07:00 offset.
- JSON: the Huế portal's envelope ``{code, message, data: [...], totalRows}``.
- XLSX: a data sheet (codes stay text, dates are dates) and a sheet "Thông tin" with title, source and
  reuse terms, streamed from Arrow (:mod:`portal.xlsx`). Excel holds at most 1,048,576 rows: larger tables
  get no XLSX, and the manifest says why.
- Parquet: the typed table, for DuckDB, pandas, Spark.
- ``datapackage.json``: Frictionless Data Package describing the CSV, with types (codes as ``string``),
  Vietnamese titles, the reuse terms; it is validated (metadata and every row of data, see
  :mod:`portal.validate`) before the version is published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from portal.spec import DatasetSpec
from portal.validate import MAX_REPORTED_ERRORS, check_tabular_resource, frictionless_errors
from portal.xlsx import write_workbook

XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row

FORMATS: dict[str, tuple[str, str]] = {
    # format -> (file name, media type)
    "csv": ("data.csv", "text/csv"),
    "json": ("data.json", "application/json"),
    "xlsx": ("data.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "parquet": ("data.parquet", "application/vnd.apache.parquet"),
    "datapackage": ("datapackage.json", "application/json"),
}
FORMAT_TITLES_VI = {
    "csv": "Dữ liệu dạng CSV (UTF-8)",
    "json": "Dữ liệu dạng JSON",
    "xlsx": "Dữ liệu dạng Excel (XLSX)",
    "parquet": "Dữ liệu dạng Parquet",
    "datapackage": "Mô tả gói dữ liệu (Frictionless datapackage.json)",
}


class DataPackageInvalid(ValueError):
    """The generated data package failed Frictionless validation; the version is not published."""


def json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def rows_as_json(table: pa.Table) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (dates and times as ISO 8601 text)."""
    return [{k: json_value(v) for k, v in row.items()} for row in table.to_pylist()]


def portal_envelope(
    data: list[dict[str, Any]], total_rows: int, *, code: int = 200, message: str = "Thành công"
) -> dict:
    """The Huế portal's JSON shape (domain guide §4)."""
    return {"code": code, "message": message, "data": data, "totalRows": total_rows}


def _text_table(table: pa.Table) -> pa.Table:
    """Timestamps as ISO 8601 local time with offset; other types as Arrow writes them."""
    arrays = []
    for field_, array in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field_.type):
            text = pc.strftime(array, format="%Y-%m-%dT%H:%M:%S%z")
            # Arrow prints +0700; ISO 8601 extended form (+07:00) is what every parser accepts.
            array = pc.replace_substring_regex(text, pattern=r"([+-]\d\d)(\d\d)$", replacement=r"\1:\2")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=table.column_names)


def write_csv(table: pa.Table, path: Path, *, text: pa.Table | None = None) -> None:
    """``text``: :func:`_text_table` of ``table`` when the caller already has it (JSON uses it too)."""
    text = _text_table(table) if text is None else text
    pacsv.write_csv(text, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def write_json(table: pa.Table, path: Path, *, text: pa.Table | None = None) -> None:
    """The envelope around a JSON array of rows that DuckDB writes straight from Arrow.

    DuckDB keeps rows out of Python objects: about 10x faster than ``to_pylist`` + ``json.dump`` on
    100k rows. Timestamps go in as the same ISO 8601 text as in the CSV.
    """
    import duckdb  # only publishing needs it; the portal server never opens DuckDB

    rows_path = path.with_name(path.name + ".rows")
    connection = duckdb.connect()
    try:
        connection.register("published_rows", _text_table(table) if text is None else text)
        # The path is ours (a staging folder), passed as a bound parameter, never request text.
        connection.execute("COPY published_rows TO $path (FORMAT json, ARRAY true)", {"path": str(rows_path)})
    finally:
        connection.close()
    head = json.dumps({"code": 200, "message": "Thành công"}, ensure_ascii=False)[:-1] + ', "data": '
    with open(path, "wb") as out, open(rows_path, "rb") as rows:
        out.write(head.encode("utf-8"))
        shutil.copyfileobj(rows, out, 1 << 20)
        out.write(f', "totalRows": {table.num_rows}}}'.encode())
    rows_path.unlink()


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd")


def write_xlsx(spec: DatasetSpec, version: str, table: pa.Table, path: Path) -> bool:
    """Write the XLSX file; return False (and write nothing) when the table exceeds Excel's row limit."""
    if table.num_rows > XLSX_MAX_ROWS:
        return False
    info_rows: list[list[Any]] = [
        ["Tên bộ dữ liệu", spec.title_vi],
        ["Title", spec.title_en],
        ["Mô tả", spec.description_vi],
        ["Cơ quan công bố", spec.publisher],
        ["Phiên bản", version],
        ["Số dòng", table.num_rows],
        ["Múi giờ", "Giờ Việt Nam (UTC+07:00)"],
        ["Điều kiện sử dụng", spec.reuse_terms_vi],
        ["Reuse terms", spec.reuse_terms_en],
        [],
        ["Cột (mã)", "Tên cột", "Kiểu", "Mô tả"],
    ]
    info_rows += [[c.name, c.title_vi, c.type, c.description_vi] for c in spec.columns]
    write_workbook(
        path,
        headers=[c.title_vi for c in spec.columns],
        table=table,
        info_rows=info_rows,
        title=spec.title_vi,
        creator=spec.publisher,
    )
    return True


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def datapackage_descriptor(
    spec: DatasetSpec, version: str, published_at: str, csv_path: Path
) -> dict[str, Any]:
    """A Frictionless Data Package (v1 profile) describing ``data.csv`` of one version."""
    fields = []
    for column in spec.columns:
        field_: dict[str, Any] = {
            "name": column.name,
            "type": column.type,
            "title": column.title_vi,
            "description": column.description_vi or column.description_en,
        }
        if column.type == "boolean":
            field_.update(trueValues=["true"], falseValues=["false"])
        fields.append(field_)
    return {
        "profile": "tabular-data-package",
        "name": spec.slug,
        "title": spec.title_vi,
        "description": spec.description_vi,
        "version": version,
        "created": published_at,
        "keywords": list(spec.keywords),
        "licenses": [{"name": "ND-47-2020-ND-CP", "title": spec.reuse_terms_vi}],
        "contributors": [
            {"title": spec.publisher, "role": "publisher"},
            {"title": spec.contact.name, "email": spec.contact.email, "role": "maintainer"},
        ],
        "hue:title_en": spec.title_en,
        "hue:description_en": spec.description_en,
        "hue:reuse_terms_en": spec.reuse_terms_en,
        "hue:theme": spec.theme,
        "hue:spatial": {"code": spec.spatial_code, "name": spec.spatial_name},
        "hue:temporal": {
            "start": spec.temporal_start.isoformat() if spec.temporal_start else None,
            "end": spec.temporal_end.isoformat() if spec.temporal_end else None,
        },
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "data",
                "title": spec.title_vi,
                "path": FORMATS["csv"][0],
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": csv_path.stat().st_size,
                "hash": "sha256:" + file_sha256(csv_path),
                "dialect": {"delimiter": ",", "doubleQuote": True, "header": True},
                "schema": {"fields": fields, "missingValues": [""]},
            }
        ],
    }


def validate_datapackage(path: Path) -> None:
    """Validate ``datapackage.json`` and all its data; raise :class:`DataPackageInvalid`.

    Frictionless checks the descriptor and reads a sample of rows; Arrow then checks every row against
    the declared schema (what each part checks: :mod:`portal.validate`).
    """
    errors = frictionless_errors(path)
    if not errors:
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataPackageInvalid(f"{path}: {exc}") from exc
        for resource in descriptor.get("resources", []):
            errors += check_tabular_resource(resource, path.parent)
    if errors:
        raise DataPackageInvalid(f"{path}: " + " | ".join(errors[:MAX_REPORTED_ERRORS]))


def write_datapackage(
    spec: DatasetSpec, version: str, published_at: str, directory: Path, *, validate: bool
) -> None:
    descriptor = datapackage_descriptor(spec, version, published_at, directory / FORMATS["csv"][0])
    target = directory / FORMATS["datapackage"][0]
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(descriptor, handle, ensure_ascii=False, indent=2)
    if validate:
        validate_datapackage(target)


def write_version_files(
    spec: DatasetSpec,
    version: str,
    published_at: str,
    table: pa.Table,
    directory: Path,
    *,
    validate: bool = True,
) -> dict[str, dict[str, Any]]:
    """Write every format into ``directory``; return ``{format: {file, bytes, sha256, media_type}}``.

    A format that cannot be produced (XLSX over Excel's row limit) is listed with ``omitted`` and a reason.
    """
    # The XLSX (mostly deflate) is written beside the other formats: Arrow, zlib and DuckDB release the
    # GIL, so on two cores the writers take about as long as the XLSX alone. Leaving the ``with`` waits for
    # it, also when another writer failed: nothing writes into the staging folder after this returns.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx") as pool:
        xlsx_job = pool.submit(write_xlsx, spec, version, table, directory / FORMATS["xlsx"][0])
        text = _text_table(table)  # timestamps as text once, for both CSV and JSON
        write_csv(table, directory / FORMATS["csv"][0], text=text)
        write_json(table, directory / FORMATS["json"][0], text=text)
        write_parquet(table, directory / FORMATS["parquet"][0])
        xlsx_written = xlsx_job.result()
    write_datapackage(spec, version, published_at, directory, validate=validate)
    files: dict[str, dict[str, Any]] = {}
    for fmt, (name, media_type) in FORMATS.items():
        if fmt == "xlsx" and not xlsx_written:
            files[fmt] = {"omitted": f"{table.num_rows} rows exceed Excel's limit of {XLSX_MAX_ROWS}"}
            continue
        path = directory / name
        files[fmt] = {
            "file": name,
            "bytes": os.path.getsize(path),
            "sha256": file_sha256(path),
            "media_type": media_type,
        }
    return files
