"""Connector for Huế's shared digitisation platform (nền tảng số hóa dùng chung).

Reads the catalogue (``GET /api/catalogue``) and exports tables incrementally
(``GET /api/tables/{slug}/export?cursor=&limit=``, NDJSON pages ordered by the platform's update cursor).
One HTTP session serves every table of a run: with ~600 tables the per-connection cost would otherwise
dominate small tables.

Page integrity is checked before anything is yielded: a page whose body lacks the rows its headers
announce (cut transfer) or that answers another cursor than the one asked (stale cache) is fetched again,
within the same retry budget as transport errors; after that the export fails with
:class:`~sources.common.errors.SourceError` and the caller's cursor stays where it was.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property

import pyarrow as pa

from sources.common.batch import SCHEMA_DRIFT_METADATA, QuarantinedRow, SourceBatch
from sources.common.errors import SchemaDriftError, SourceError
from sources.common.http import RetryingSession, RetryPolicy
from sources.common.paging import PageRetrier, RetryPage
from sources.digitization.catalogue import (
    Catalogue,
    CatalogueTable,
    catalogue_columns_arrow,
    catalogue_tables_arrow,
)
from sources.digitization.drift import SchemaDrift, classify_drift
from sources.digitization.pages import check_complete, parse_page

log = logging.getLogger(__name__)

SYSTEM = "digitization"
DRIFT_METADATA_KEY = SCHEMA_DRIFT_METADATA


class StalePage(RetryPage):
    """The platform answered a different cursor than the one requested (e.g. a cached previous page)."""


class DigitizationConnector:
    """Catalogue and incremental table export of the digitisation platform.

    ``base_url`` and ``token`` come from the caller (``HUE_DIGITIZATION_URL`` / ``HUE_DIGITIZATION_TOKEN``
    at the edge). ``page_size`` rows per request (the platform allows up to 10,000); ``batch_rows`` caps
    the rows gathered into one :class:`SourceBatch` so memory stays bounded on the big tables.
    ``strict_schema`` makes breaking drift (removed, renamed or retyped columns) raise
    :class:`SchemaDriftError` instead of yielding the batch.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        page_size: int = 5_000,
        batch_rows: int = 100_000,
        policy: RetryPolicy | None = None,
        strict_schema: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        session: RetryingSession | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("digitization connector needs the platform URL (HUE_DIGITIZATION_URL)")
        if not token:
            raise ValueError("digitization connector needs an API token (HUE_DIGITIZATION_TOKEN)")
        if not 1 <= page_size <= 10_000:
            raise ValueError(f"page_size must be 1..10000, got {page_size}")
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.batch_rows = batch_rows
        self.policy = policy or RetryPolicy()
        self.strict_schema = strict_schema
        self._api_key = token
        self._access_token: str | None = None
        # The API key is exchanged for a short-lived access token (POST /api/token); when the platform
        # says the access token expired (401), the session gets a new one and sends the request again.
        self._token_http = RetryingSession(SYSTEM, self.policy, sleep=sleep)
        self.http = session or RetryingSession(
            SYSTEM,
            self.policy,
            auth_headers=self._bearer,
            refresh_token=self._refresh_access_token,
            sleep=sleep,
        )
        self.tokens_issued = 0
        # Cut or stale pages share the transport's retry budget and backoff.
        self.pages = PageRetrier(SYSTEM, self.policy.max_attempts, policy=self.policy, sleep=sleep)
        self.pages_fetched = 0

    def close(self) -> None:
        self.http.close()
        self._token_http.close()

    # --- access token -----------------------------------------------------------------------------

    def _bearer(self) -> dict[str, str]:
        if self._access_token is None:
            self._refresh_access_token()
        return {"Authorization": f"Bearer {self._access_token}"}

    def _refresh_access_token(self) -> None:
        url = f"{self.base_url}/api/token"
        response = self._token_http.post(url, headers={"Authorization": f"Bearer {self._api_key}"})
        try:
            self._access_token = str(response.json()["access_token"])
        except (ValueError, KeyError, TypeError):
            raise SourceError(SYSTEM, url, "the token answer holds no access_token") from None
        self.tokens_issued += 1

    def __enter__(self) -> DigitizationConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- catalogue --------------------------------------------------------------------------------

    def catalogue_json(self) -> dict:
        """The catalogue exactly as the platform answers it (for the committed snapshot)."""
        url = f"{self.base_url}/api/catalogue"
        response = self.http.get(url)
        try:
            return response.json()
        except ValueError as exc:
            raise SourceError(SYSTEM, url, f"catalogue is not JSON: {exc}") from None

    @cached_property
    def catalogue(self) -> Catalogue:
        """The parsed, validated catalogue (fetched once per connector)."""
        return Catalogue.from_dict(self.catalogue_json())

    def read_catalogue(self) -> Iterator[SourceBatch]:
        """The ``catalogue_tables`` and ``catalogue_columns`` batches (full snapshots, no cursor)."""
        cat = self.catalogue
        yield SourceBatch("catalogue_tables", catalogue_tables_arrow(cat), None, [])
        yield SourceBatch("catalogue_columns", catalogue_columns_arrow(cat), None, [])

    # --- export -----------------------------------------------------------------------------------

    def export(self, table: str | CatalogueTable, cursor: str | None = None) -> Iterator[SourceBatch]:
        """Rows changed after ``cursor`` as batches of at most ``batch_rows`` rows (plus one empty batch
        carrying the unchanged cursor when nothing changed, so the caller can record an empty sync)."""
        spec = table if isinstance(table, CatalogueTable) else self.catalogue.table(table)
        known = [(c.id, c.semantic_type) for c in spec.columns]
        position = cursor or ""
        pending: list[pa.Table] = []
        quarantined: list[QuarantinedRow] = []
        pending_rows = 0
        resume_from: str | None = None
        yielded = False
        while True:
            page, next_cursor, has_more = self._page(spec, position)
            if page.quarantined and resume_from is None:
                # The platform re-sends this page from the same cursor: rows spoiled in transit come back.
                resume_from = position
            data = page.data
            drift = classify_drift(known, data.schema)
            if drift.breaking and self.strict_schema:
                raise SchemaDriftError(spec.slug, drift.changes())
            data = _with_drift(data, drift)
            pending.append(data)
            quarantined.extend(page.quarantined)
            pending_rows += data.num_rows
            position = next_cursor
            if pending_rows >= self.batch_rows or not has_more:
                if pending_rows or quarantined or not yielded:
                    yield SourceBatch(spec.slug, _concat(pending), position or None, quarantined, resume_from)
                    yielded = True
                pending, quarantined, pending_rows, resume_from = [], [], 0, None
            if not has_more:
                return

    def export_many(
        self, requests: Iterable[tuple[str | CatalogueTable, str | None]]
    ) -> Iterator[SourceBatch]:
        """Export several tables one after the other over the same HTTP session."""
        for table, cursor in requests:
            yield from self.export(table, cursor)

    def _page(self, spec: CatalogueTable, cursor: str):
        url = f"{self.base_url}/api/tables/{spec.slug}/export"
        params = {"cursor": cursor, "limit": str(self.page_size)}

        def load():
            response = self.http.get(url, params=params)
            self.pages_fetched += 1
            if response.headers.get("X-Page-Cursor", cursor) != cursor:
                raise StalePage(
                    f"asked for cursor {cursor!r}, page answers {response.headers.get('X-Page-Cursor')!r}"
                )
            try:
                announced = int(response.headers["X-Row-Count"])
                columns = [(c["id"], c["type"]) for c in json.loads(response.headers["X-Columns"])]
            except (KeyError, ValueError) as exc:
                raise SourceError(SYSTEM, url, f"export page lacks its paging headers: {exc}") from None
            check_complete(response.content, announced)  # PageIncomplete: a cut transfer
            return response, columns

        response, columns = self.pages.fetch(f"{url} at cursor {cursor!r}", load)
        page = parse_page(response.content, columns, spec.primary_key)
        next_cursor = response.headers.get("X-Next-Cursor") or cursor
        has_more = response.headers.get("X-Has-More", "false").lower() == "true"
        if has_more and next_cursor == cursor:
            raise SourceError(
                SYSTEM, url, f"the cursor did not advance past {cursor!r} although more rows remain"
            )
        return page, next_cursor, has_more

    @property
    def pages_refetched(self) -> int:
        return self.pages.retried


def _with_drift(data: pa.Table, drift: SchemaDrift) -> pa.Table:
    if drift.kind == "none":
        return data
    meta = dict(data.schema.metadata or {})
    meta[DRIFT_METADATA_KEY] = drift.to_json().encode()
    return data.replace_schema_metadata(meta)


def _concat(tables: list[pa.Table]) -> pa.Table:
    if len(tables) == 1:
        return tables[0]
    merged = pa.concat_tables(tables, promote_options="permissive")
    # Keep the drift note of any page: one drifted page is enough to report the batch.
    for t in tables:
        if t.schema.metadata and DRIFT_METADATA_KEY in t.schema.metadata:
            return merged.replace_schema_metadata({**(merged.schema.metadata or {}), **t.schema.metadata})
    return merged
