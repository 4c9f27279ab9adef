"""Announcing lake batches to Dagster exactly when they land, even across a crash (lô đã ghi nhưng chưa báo).

The lake is the truth of what landed; Dagster's event log is what the nightly run reads to decide what to
rebuild (:func:`orchestration.nightly.affected_keys`). A run killed between the lake's commit and its
``MaterializeResult`` leaves a committed batch that no materialisation announces, and the rerun extracts
nothing new from the committed cursor: without more, the warehouse would never build that batch, a gap in
every mart downstream. So the lake keeps an outbox (:meth:`sources.lake.manifest.Manifest.unannounced`):
an ingestion asset reports its batches through :class:`BatchAnnouncer`, which marks them announced only
after Dagster has taken the event (a generator resumes after its yield is handled), and announces what a
previous run left in the outbox. A kill after the event and before the mark only announces a batch twice,
which rebuilds nothing more than once. Backfill batches (``orchestration.defs.one_stop.partitions``)
are left in the outbox on purpose: the next nightly ingest announces them, so the warehouse builds them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg

from orchestration.lib.metadata import batch_metadata


class BatchAnnouncer:
    """Materialisations for the lake batches of one ingestion step (its selected asset keys).

    An ingestion asset's key is ``[system, table]`` of the lake table it lands, as everywhere here.
    """

    def __init__(self, context: dg.AssetExecutionContext, lake) -> None:
        self._context = context
        self._lake = lake
        self._tables = {key: (key.path[0], key.path[-1]) for key in context.selected_asset_keys}
        self._reported: dict[dg.AssetKey, str] = {}  # key -> newest batch id reported in this step

    def result(
        self, key: dg.AssetKey, record, seconds: float, hold=None, extra: dict | None = None
    ) -> dg.MaterializeResult:
        """The materialisation of ``record`` (a committed ``BatchRecord``) for ``key``, with the asset's
        ``extra`` metadata."""
        self._reported[key] = max(record.batch_id, self._reported.get(key, ""))
        metadata = batch_metadata(record, seconds, hold) | (extra or {})
        return dg.MaterializeResult(asset_key=key, metadata=metadata)

    def landed(self, key: dg.AssetKey, records, started: float) -> Iterator[dg.MaterializeResult]:
        """The materialisations of one sync's committed ``records`` for ``key``, timed from ``started``
        (``time.perf_counter()``), each with its stream's quarantine hold."""
        for record in records:
            hold = self._lake.manifest.hold(record.system, record.stream)
            yield self.result(key, record, time.perf_counter() - started, hold)

    def close(self) -> Iterator[dg.MaterializeResult]:
        """What earlier runs left unannounced (:meth:`left_over`), then mark everything announced."""
        yield from self.left_over()
        self.done()

    def left_over(self) -> Iterator[dg.MaterializeResult]:
        """One materialisation per key this step has not reported whose table holds committed batches no
        run announced. The newest speaks for the asset; all are listed in ``recovered_batches``."""
        systems = sorted({system for key, (system, _) in self._tables.items() if key not in self._reported})
        waiting: dict[tuple[str, str], list] = {}
        for system in systems:
            for record in self._lake.manifest.unannounced(system):
                waiting.setdefault((record.system, record.table), []).append(record)
        for key, where in self._tables.items():
            missed = sorted(waiting.get(where, []), key=lambda r: r.batch_id)
            if key in self._reported or not missed:
                continue
            self._context.log.warning(
                f"{'/'.join(key.path)}: {len(missed)} committed lake batch(es) not yet announced (a "
                "backfill's, or a run stopped between its lake commit and its Dagster event); announcing "
                "them now: " + ", ".join(r.batch_id for r in missed)
            )
            self._reported[key] = missed[-1].batch_id
            yield dg.MaterializeResult(
                asset_key=key,
                metadata=batch_metadata(missed[-1], 0.0)
                | {"recovered_batches": dg.MetadataValue.json([r.batch_id for r in missed])},
            )

    def done(self) -> None:
        """Mark everything reported as announced: call after the last yield (Dagster has the events then)."""
        if self._reported:
            done = [(*self._tables[key], batch_id) for key, batch_id in self._reported.items()]
            self._lake.manifest.announce(done, datetime.now(UTC).isoformat(timespec="seconds"))
