"""The open-data connector (kết nối Cổng dữ liệu mở): DCAT catalogue, JSON API pages, CSV/XLSX downloads.

Configured by its constructor only (the portal URL, page size, a retry policy). ``extract(cursor)``
yields the catalogue as two snapshot batches (``datasets``, ``distributions``), then one batch per
dataset modified after ``cursor`` (the catalogue's ``dcterms:modified``), named by the dataset's
identifier, read from its JSON API when it has one and else from its XLSX or CSV download. Each dataset
batch carries that dataset's ``modified`` as its cursor, in ascending order, so committing the last
batch's cursor never skips a dataset.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Literal

from sources.common.batch import SourceBatch
from sources.common.errors import SourceError
from sources.common.http import RetryingSession, RetryPolicy
from sources.open_data.api import SYSTEM, iter_pages, parse_api_header
from sources.open_data.catalog import (
    CatalogError,
    DatasetRecord,
    Distribution,
    datasets_table,
    distributions_table,
    parse_catalog,
)
from sources.open_data.files import FileFormatError, ParsedFile, read_file
from sources.open_data.tabular import ColumnType, build_table, records_to_grid

log = logging.getLogger(__name__)

Source = Literal["api", "xlsx", "csv"]


class OpenDataConnector:
    """Read Huế's open-data portal (or any portal serving DCAT RDF/XML and the same JSON API)."""

    def __init__(
        self,
        base_url: str,
        *,
        catalog_path: str = "/dcat",
        page_size: int = 100,
        policy: RetryPolicy | None = None,
        max_page_attempts: int = 3,
        min_confidence: float = 0.8,
        prefer: tuple[Source, ...] = ("api", "xlsx", "csv"),
        column_types: dict[str, dict[str, ColumnType]] | None = None,
        session: RetryingSession | None = None,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.catalog_url = self.base_url + catalog_path
        self.page_size = page_size
        self.max_page_attempts = max_page_attempts
        self.min_confidence = min_confidence
        self.prefer = prefer
        self.column_types = column_types or {}  # dataset identifier -> {column slug: type}
        self.session = session or RetryingSession(SYSTEM, policy)

    # -- catalogue -------------------------------------------------------------------------------------

    def catalog(self) -> list[DatasetRecord]:
        response = self.session.get(self.catalog_url, headers={"Accept": "application/rdf+xml"})
        try:
            return parse_catalog(response.content, base=self.catalog_url)
        except CatalogError as exc:
            raise SourceError(SYSTEM, self.catalog_url, str(exc)) from exc

    def catalog_batches(self, records: list[DatasetRecord] | None = None) -> list[SourceBatch]:
        records = records if records is not None else self.catalog()
        return [
            SourceBatch("datasets", datasets_table(records)),
            SourceBatch("distributions", distributions_table(records)),
        ]

    # -- one dataset -----------------------------------------------------------------------------------

    def read_api(
        self, url: str, table: str, *, cursor: str | None = None, headers: dict[str, str] | None = None
    ) -> SourceBatch:
        """Every page of a dataset's JSON API as one typed batch (``headers``: from ``hueod:apiHeader``)."""
        records: list = []
        for page in iter_pages(
            self.session,
            url,
            page_size=self.page_size,
            max_page_attempts=self.max_page_attempts,
            min_confidence=self.min_confidence,
            headers=headers,
        ):
            records.extend(page)
        titles, rows, bad = records_to_grid(records)
        data, quarantined = build_table(titles, rows, column_types=self.column_types.get(table))
        return SourceBatch(table, data, cursor, bad + quarantined)

    def read_download(
        self, url: str, table: str, *, media_type: str | None = None, cursor: str | None = None
    ) -> SourceBatch:
        """A CSV or XLSX download as one typed batch."""
        parsed = self.parse_download(url, media_type=media_type, table=table)
        return SourceBatch(table, parsed.table, cursor, parsed.quarantined)

    def parse_download(self, url: str, *, media_type: str | None = None, table: str = "") -> ParsedFile:
        response = self.session.get(url)
        try:
            parsed = read_file(
                response.content,
                media_type=media_type or response.headers.get("Content-Type"),
                name=url.split("?", 1)[0],
                column_types=self.column_types.get(table),
            )
        except FileFormatError as exc:
            raise SourceError(SYSTEM, url, str(exc)) from exc
        if parsed.repaired_lines:
            log.warning(
                "%s: %d lines were in a legacy encoding and were converted", url, parsed.repaired_lines
            )
        return parsed

    def choose(self, record: DatasetRecord) -> Distribution | None:
        """The distribution to read: the first kind in ``prefer`` that the dataset offers."""
        for kind in self.prefer:
            for d in record.distributions:
                if not d.download_url:
                    continue
                is_xlsx = "spreadsheetml" in (d.media_type or "") or (d.format or "").upper() in (
                    "XLSX",
                    "XLS",
                )
                is_csv = (d.media_type or "").startswith("text/csv") or (d.format or "").upper() == "CSV"
                if (kind == "api" and d.is_api) or (kind == "xlsx" and is_xlsx) or (kind == "csv" and is_csv):
                    return d
        return None

    def read_dataset(self, record: DatasetRecord) -> SourceBatch:
        distribution = self.choose(record)
        if distribution is None or distribution.download_url is None:
            raise SourceError(
                SYSTEM, record.uri, f"dataset {record.identifier} offers no JSON, XLSX or CSV distribution"
            )
        if distribution.is_api:
            if (distribution.api_method or "GET").upper() != "GET":
                raise SourceError(
                    SYSTEM,
                    distribution.download_url,
                    f"API method {distribution.api_method} is not supported",
                )
            return self.read_api(
                distribution.download_url,
                record.identifier,
                cursor=record.modified,
                headers=parse_api_header(distribution.api_header),
            )
        return self.read_download(
            distribution.download_url,
            record.identifier,
            media_type=distribution.media_type,
            cursor=record.modified,
        )

    # -- a sync ----------------------------------------------------------------------------------------

    def extract(self, cursor: str | None = None) -> Iterator[SourceBatch]:
        """The catalogue, then every dataset modified after ``cursor``, oldest first."""
        records = self.catalog()
        yield from self.catalog_batches(records)
        changed = [r for r in records if cursor is None or (r.modified or "") > cursor]
        for record in sorted(changed, key=lambda r: (r.modified or "", r.identifier)):
            yield self.read_dataset(record)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> OpenDataConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
