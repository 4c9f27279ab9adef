"""Notice when the digitisation platform's catalogue drifts from the committed snapshot.

The generated staging layer is only as current as ``dbt_project/catalogue/digitization_catalogue.json``.
This sensor compares the live catalogue with it and records exactly what changed (tables added, removed,
columns changed) as an observation on the catalogue asset, with the command that regenerates the layer.
It reports each distinct live catalogue once (cursor = its hash), so a standing difference is not
repeated every evaluation.
"""

import hashlib
import json

import dagster as dg

from orchestration.defs.digitization.catalogue import committed_catalogue
from orchestration.resources import DigitizationResource

REGENERATE = (
    "python -m dbt_project.generator.generate_staging --snapshot --url $HUE_DIGITIZATION_URL "
    "--token $HUE_DIGITIZATION_TOKEN && python -m dbt_project.generator.generate_staging"
)


def describe_change(change) -> str:
    what = change.column or change.attribute or "table"
    return f"{change.kind} {what}: {change.before!r} → {change.after!r}"


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

    with digitization.connector() as connector:
        live = connector.catalogue_json()
    digest = hashlib.sha256(json.dumps(live, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
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
            "breaking": diff.breaking,
            "regenerate": dg.MetadataValue.md(f"```\n{REGENERATE}\n```"),
        },
    )
    return dg.SensorResult(asset_events=[observation], cursor=digest)
