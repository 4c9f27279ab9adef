"""The metadata every ingestion asset records for a committed lake batch (shown in the UI and summary)."""

from __future__ import annotations

import dagster as dg


def batch_metadata(record, seconds: float, hold=None) -> dict[str, dg.MetadataValue | str]:
    """Rows, rejects, size, cursor range, drift and duration of one committed batch (a ``BatchRecord``),
    and the stream's quarantine ``hold`` (a ``sources.lake.manifest.Hold``) when its cursor is kept back."""
    held = (
        {
            "cursor_held_at": hold.cursor or "(đầu bảng — table start)",
            "hold_nights": dg.MetadataValue.int(hold.nights),
        }
        if hold is not None
        else {}
    )
    return held | {
        "rows": dg.MetadataValue.int(record.rows),
        "quarantined": dg.MetadataValue.int(record.quarantined),
        "bytes": dg.MetadataValue.int(record.bytes),
        "batch_id": record.batch_id,
        "cursor_from": record.cursor_from or "",
        "cursor_to": record.cursor_to or "",
        "drift": dg.MetadataValue.json(record.drift),
        "seconds": dg.MetadataValue.float(round(seconds, 2)),
    }
