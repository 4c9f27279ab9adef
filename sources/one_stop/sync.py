"""One sync of the one-stop system into the lake: each stream under its own cursor, committed alone.

Catalogues go first so that a dossier never lands before the procedure and agency it refers to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from sources.common.batch import SourceBatch
from sources.lake import BatchRecord, Lake
from sources.one_stop.contract import CONTRACTS, SYSTEM

STREAMS = ("fields", "procedures", "agencies", "dossiers", "processing_steps")


class OneStopConnector(Protocol):
    def dossiers(self, cursor: str | None) -> Iterator[SourceBatch]: ...
    def processing_steps(self, cursor: str | None) -> Iterator[SourceBatch]: ...
    def catalogue(self, name: str, cursor: str | None) -> Iterator[SourceBatch]: ...


@dataclass
class SyncResult:
    records: list[BatchRecord] = field(default_factory=list)

    def rows(self, table: str) -> int:
        return sum(r.rows for r in self.records if r.table == table)

    def quarantined(self, table: str) -> int:
        return sum(r.quarantined for r in self.records if r.table == table)


def sync_stream(lake: Lake, connector: OneStopConnector, stream: str) -> list[BatchRecord]:
    with lake.stream(SYSTEM, stream, CONTRACTS) as tx:
        if stream == "dossiers":
            batches = connector.dossiers(tx.cursor_from)
        elif stream == "processing_steps":
            batches = connector.processing_steps(tx.cursor_from)
        else:
            batches = connector.catalogue(stream, tx.cursor_from)
        for batch in batches:
            tx.write(batch)
        return tx.commit()


def sync_one_stop(lake: Lake, connector: OneStopConnector, streams: tuple[str, ...] = STREAMS) -> SyncResult:
    result = SyncResult()
    for stream in streams:
        result.records.extend(sync_stream(lake, connector, stream))
    return result
