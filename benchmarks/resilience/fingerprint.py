"""Content fingerprints (dấu vân tay nội dung) of a workspace: lake, warehouse marts, portal store.

Two runs are compared by what they hold, not by how they got there: batch ids, load timestamps and
version ids differ between a crashed-and-rerun night and a clean one, the rows must not.

* lake: per table, the row count and an order-independent hash of every committed row, load columns
  (``_batch_id``, ``_extracted_at``, ``_source``) and run-time columns (:data:`RUN_TIME_COLUMNS`) left
  out — a lost or duplicated row changes both. An open-data dataset's table holds whole harvests, and
  staging reads the newest one: its content is that batch alone;
* marts: per table of the ``marts`` schema, row count and order-independent row hash, without the
  columns that name the run (:data:`MART_RUN_TIME_COLUMNS`);
* portal store: per dataset, the number of versions and the current version's content hash (a
  duplicated publication shows as an extra version).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sources.lake.lake import LOAD_COLUMNS
from sources.open_data.sync import is_snapshot_table

# Columns that record when the run happened, not what the source holds: two correct runs differ there.
RUN_TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "population/applicant_verifications": ("verified_at",),  # the moment of the LGSP lookup
}

# The same for the marts: lineage and measurement columns that name the run, not the data.
MART_RUN_TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    # the lake batch the dossier's version came in, and the batch the build had seen last (lineage)
    "marts.fct_dossiers": ("batch_id", "watermark_batch_id"),
    "marts.fct_dossier_steps": ("watermark_batch_id",),
    "marts.rpt_standardisation_issues": ("measured_at",),  # when the staging model counted its issues
}

_ROWS_HASH = "select count(*), coalesce(md5(string_agg(h, ',' order by h)), '') from (select md5(cast(t as varchar)) as h from {src} t)"


def lake_fingerprint(lake: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list]:
    """``{"system/table": [rows, hash]}`` over the committed batches of the lake at ``lake``.

    ``columns`` (``{"system/table": [column, ...]}``) hashes only those columns of a table: a night with
    additive drift keeps the column the source added (as it must), and is compared with a clean night on
    the columns a clean night has; :func:`lake_columns` lists the extra ones.
    """
    import duckdb

    from sources.lake.manifest import Manifest

    out: dict[str, list] = {}
    manifest = lake / "_manifest.sqlite"
    if not manifest.exists():
        return out
    committed = {
        (b.system, b.table, b.batch_id) for b in Manifest(manifest).batches() if b.status == "committed"
    }
    tables = sorted({(system, table) for system, table, _ in committed})
    con = duckdb.connect()
    try:
        for system, table in tables:
            files = sorted(
                str(p)
                for p in (lake / "raw" / system / table).glob("batch=*/part-0.parquet")
                if (system, table, p.parent.name.removeprefix("batch=")) in committed
            )
            if not files:
                out[f"{system}/{table}"] = [0, "files missing"]
                continue
            if system == "open_data" and is_snapshot_table(table):
                files = files[-1:]  # batch ids sort by time: the newest harvest is the dataset now
            exclude = ", ".join(
                f'"{c}"' for c in (*LOAD_COLUMNS, *RUN_TIME_COLUMNS.get(f"{system}/{table}", ()))
            )
            wanted = (columns or {}).get(f"{system}/{table}")
            select = ", ".join(f'"{c}"' for c in wanted) if wanted is not None else f"* exclude ({exclude})"
            src = f"(select {select} from read_parquet({files!r}, union_by_name = true, hive_partitioning = false))"
            rows, digest = con.execute(_ROWS_HASH.format(src=src)).fetchone()
            out[f"{system}/{table}"] = [rows, digest]
    finally:
        con.close()
    return out


def lake_columns(lake: Path) -> dict[str, list[str]]:
    """``{"system/table": [column, ...]}`` of the committed files (load and run-time columns left out)."""
    import duckdb

    out: dict[str, list[str]] = {}
    con = duckdb.connect()
    try:
        for table_dir in sorted((lake / "raw").glob("*/*")):
            files = sorted(str(p) for p in table_dir.glob("batch=*/part-0.parquet"))
            if not files:
                continue
            name = f"{table_dir.parent.name}/{table_dir.name}"
            skip = {*LOAD_COLUMNS, *RUN_TIME_COLUMNS.get(name, ())}
            described = con.execute(
                "describe select * from read_parquet(?, union_by_name = true, hive_partitioning = false)",
                [files],
            ).fetchall()
            out[name] = [row[0] for row in described if row[0] not in skip]
    finally:
        con.close()
    return out


def marts_fingerprint(warehouse: Path) -> dict[str, list]:
    """``{"marts.table": [rows, hash]}`` of the DuckDB warehouse at ``warehouse``."""
    import duckdb

    if not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        out = {}
        for name in names:
            skip = MART_RUN_TIME_COLUMNS.get(f"marts.{name}", ())
            columns = "* exclude (" + ", ".join(f'"{c}"' for c in skip) + ")" if skip else "*"
            src = f'(select {columns} from marts."{name}")'
            rows, digest = con.execute(_ROWS_HASH.format(src=src)).fetchone()
            out[f"marts.{name}"] = [rows, digest]
        return out
    finally:
        con.close()


def portal_fingerprint(portal: Path) -> dict[str, list]:
    """``{"slug": [versions, current content hash]}`` from the portal store's ``catalog.json``."""
    from portal.store import PortalStore

    if not (portal / "catalog.json").exists():
        return {}
    view = PortalStore(portal, validate_datapackage=False).snapshot()
    out = {}
    for slug in view.slugs():
        current = view.current(slug)
        out[slug] = [len(view.versions(slug)), current.content_hash if current else ""]
    return out


def workspace_fingerprint(ws) -> dict[str, Any]:
    """All three fingerprints of a :class:`benchmarks.workspace.Workspace`."""
    return {
        "lake": lake_fingerprint(ws.lake),
        "marts": marts_fingerprint(ws.warehouse),
        "portal": portal_fingerprint(ws.portal),
    }


def differences(clean: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """What differs between two fingerprints, one short line per table or dataset."""
    lines = []
    for part in sorted(set(clean) | set(other)):
        a, b = clean.get(part, {}), other.get(part, {})
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                lines.append(f"{part} {name}: clean {_show(a.get(name))}, here {_show(b.get(name))}")
    return lines


def _show(value: Any) -> str:
    if value is None:
        return "missing"
    rows, digest = value
    return f"{rows} rows/versions #{str(digest)[:8]}"


def dump(fingerprint: dict[str, Any]) -> str:
    return json.dumps(fingerprint, indent=1, sort_keys=True)
