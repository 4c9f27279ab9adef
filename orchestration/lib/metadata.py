"""The metadata every ingestion asset records for a committed lake batch (shown in the UI and summary)."""

from __future__ import annotations

import dagster as dg


def batch_metadata(record, seconds: float) -> dict[str, dg.MetadataValue | str]:
    """Rows, rejects, size, cursor range, drift and duration of one committed batch (a ``BatchRecord``)."""
    return {
        "rows": dg.MetadataValue.int(record.rows),
        "quarantined": dg.MetadataValue.int(record.quarantined),
        "bytes": dg.MetadataValue.int(record.bytes),
        "batch_id": record.batch_id,
        "cursor_from": record.cursor_from or "",
        "cursor_to": record.cursor_to or "",
        "drift": dg.MetadataValue.json(record.drift),
        "seconds": dg.MetadataValue.float(round(seconds, 2)),
    }
