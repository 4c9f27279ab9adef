"""Notice when the digitisation platform's catalogue drifts from the committed snapshot.

The generated staging layer is only as current as ``dbt_project/catalogue/digitization_catalogue.json``.
Two sensors compare the live catalogue with it, both through ``diff_catalogues``:

- ``digitization_catalogue_changed`` records exactly what changed (tables added, removed, columns
  changed) as an observation on the catalogue asset, with the commands that regenerate the layer;
- ``digitization_new_open_dataset`` reports a table the catalogue newly classifies as open data (dữ liệu
  mở) — which table, which department — and what to do: add its expectation suite and its publication.

Each reports each distinct live catalogue once (cursor = its hash), so a standing difference is not
repeated every evaluation.
"""

import hashlib
import json

import dagster as dg

from orchestration.defs.digitization.catalogue import committed_catalogue
from orchestration.resources import DigitizationResource

# Refresh the committed snapshot from the live platform, then regenerate staging models and suites.
REGENERATE = (
    ".venv/bin/python dbt_project/generator/generate_staging.py --snapshot "
    "--url $HUE_DIGITIZATION_URL --token $HUE_DIGITIZATION_TOKEN\n"
    ".venv/bin/python dbt_project/generator/generate_staging.py"
)
OPEN = "open"


def describe_change(change) -> str:
    what = change.column or change.attribute or "table"
    return f"{change.kind} {what}: {change.before!r} → {change.after!r}"


def is_breaking(diff) -> bool:
    """Removed tables, removed or retyped columns, a new primary key: existing models break."""
    if diff.removed:
        return True
    for changes in diff.changed.values():
        for c in changes:
            if c.kind in ("removed", "retyped") or (
                c.kind == "table_property" and c.attribute == "primary_key"
            ):
                return True
    return False


def newly_open(diff, live) -> list:
    """Tables the live catalogue classifies open that the snapshot did not: new open tables and tables
    reclassified to open (from internal or restricted)."""
    reclassified = {
        slug
        for slug, changes in diff.changed.items()
        for c in changes
        if c.kind == "table_property" and c.attribute == "classification" and c.after == OPEN
    }
    return [
        t
        for t in live.tables
        if t.classification == OPEN and (t.slug in diff.added or t.slug in reclassified)
    ]


def _live_catalogue(digitization: DigitizationResource):
    from sources.digitization.catalogue import Catalogue

    with digitization.connector() as connector:
        live = connector.catalogue_json()
    digest = hashlib.sha256(json.dumps(live, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return Catalogue.from_dict(live), digest


def describe_diff(diff) -> list[str]:
    lines = [f"bảng mới / new table: {slug}" for slug in diff.added]
    lines += [f"bảng bị bỏ / removed table: {slug}" for slug in diff.removed]
    for slug, changes in diff.changed.items():
        lines += [f"thay đổi / changed {slug}: {describe_change(change)}" for change in changes]
    return lines


@dg.sensor(
    name="digitization_catalogue_changed",
    minimum_interval_seconds=6 * 3600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Diff the live digitisation catalogue against the committed snapshot and report changes.",
)
def digitization_catalogue_changed(context: dg.SensorEvaluationContext, digitization: DigitizationResource):
    from sources.digitization.catalogue import diff_catalogues

    live, digest = _live_catalogue(digitization)
    if digest == context.cursor:
        return dg.SkipReason("the live catalogue has not changed since the last report")
    diff = diff_catalogues(committed_catalogue(), live)
    if diff.is_empty:
        return dg.SensorResult(skip_reason="the live catalogue matches the committed snapshot", cursor=digest)
    lines = describe_diff(diff)
    context.log.warning("digitisation catalogue changed:\n" + "\n".join(lines))
    observation = dg.AssetObservation(
        asset_key=["digitization", "catalogue_tables"],
        metadata={
            "tables_added": dg.MetadataValue.json(list(diff.added)),
            "tables_removed": dg.MetadataValue.json(list(diff.removed)),
            "tables_changed": dg.MetadataValue.json(
                {k: [describe_change(c) for c in v] for k, v in diff.changed.items()}
            ),
            # Computed here: CatalogueDiff.breaking reads a ColumnChange attribute that does not exist.
            "breaking": is_breaking(diff),
            "regenerate": dg.MetadataValue.md(f"```\n{REGENERATE}\n```"),
        },
    )
    return dg.SensorResult(asset_events=[observation], cursor=digest)


def open_dataset_todo(table) -> list[str]:
    """What the data team does when a table becomes open data (bilingual, for the log and the UI)."""
    return [
        f"1. Cập nhật snapshot và sinh lại staging / refresh the snapshot and regenerate:\n{REGENERATE}",
        f"2. Bổ sung bộ kiểm tra chất lượng / add an expectation suite for `{table.slug}` "
        "(expectations/suites/digitization/, generated — review it)",
        f"3. Bổ sung công bố / add a publication for `{table.slug}` to orchestration/defs/publish/datasets.yml "
        "(name, licence, update frequency) so the portal publishes it after the gate",
    ]


@dg.sensor(
    name="digitization_new_open_dataset",
    minimum_interval_seconds=6 * 3600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Báo khi danh mục có bảng mới được phân loại dữ liệu mở — a table newly classified open.",
)
def digitization_new_open_dataset(context: dg.SensorEvaluationContext, digitization: DigitizationResource):
    from sources.digitization.catalogue import diff_catalogues

    live, digest = _live_catalogue(digitization)
    if digest == context.cursor:
        return dg.SkipReason("the live catalogue has not changed since the last report")
    tables = newly_open(diff_catalogues(committed_catalogue(), live), live)
    if not tables:
        return dg.SensorResult(skip_reason="no table newly classified open", cursor=digest)
    events = []
    for table in tables:
        todo = open_dataset_todo(table)
        context.log.warning(
            f"bảng dữ liệu mở mới / new open dataset: {table.slug} ({table.name}) — "
            f"{table.owner_agency}\n" + "\n".join(todo)
        )
        events.append(
            dg.AssetObservation(
                asset_key=["digitization", "catalogue_tables"],
                metadata={
                    "new_open_dataset": table.slug,
                    "table_name": table.name,
                    "department": table.owner_agency,
                    "domain": table.domain_name,
                    "update_frequency": table.update_frequency,
                    "todo": dg.MetadataValue.md("\n\n".join(todo)),
                },
            )
        )
    return dg.SensorResult(asset_events=events, cursor=digest)
