"""Page through the portal's JSON API (``{code, message, data: [...], totalRows}``), checking every page.

A page that is not valid JSON (cut off in transit) or that repeats an earlier page (an unstable sort on
the server) is fetched again, up to ``max_page_attempts`` times; then the harvest fails naming the
dataset, the page and the cause. After the last page the number of rows must equal ``totalRows``:
a short or long harvest is an error, never a silent partial load.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from typing import Any

from sources.common.errors import SourceError
from sources.common.http import RetryingSession
from sources.common.paging import PageRetrier, RetryPage
from sources.common.vietnamese import decode_vietnamese

log = logging.getLogger(__name__)

SYSTEM = "open_data"
OK_CODES = (0, 200, "0", "200")  # portals answer 200 (Huế) or 0 for success


class PageError(RetryPage, ValueError):
    """One page could not be used as it came (truncated, repeated, malformed envelope)."""


def decode_body(content: bytes, min_confidence: float) -> str:
    """The response text: UTF-8, or a legacy encoding the server sent under a UTF-8 label."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        guess = decode_vietnamese(content)
        if guess.confidence < min_confidence:
            raise PageError(
                f"body is not UTF-8 and reads as {guess.encoding} only with confidence {guess.confidence:.2f}"
            ) from None
        log.warning(
            "JSON page sent in %s under a UTF-8 label; decoded (confidence %.2f)",
            guess.encoding,
            guess.confidence,
        )
        return guess.text


def parse_page(content: bytes, min_confidence: float = 0.8) -> tuple[list[Any], int]:
    """(records, totalRows) of one page, or :class:`PageError`."""
    text = decode_body(content, min_confidence)
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise PageError(f"truncated or invalid JSON ({len(content)} bytes): {exc}") from None
    if not isinstance(payload, dict) or "data" not in payload:
        raise PageError("answer is not a {code, message, data, totalRows} object")
    if payload.get("code") not in OK_CODES:
        raise SourceError(
            SYSTEM, "api", f"portal answered code {payload.get('code')!r}: {payload.get('message')!r}"
        )
    data, total = payload["data"], payload.get("totalRows")
    if not isinstance(data, list) or isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise PageError(f"data is {type(data).__name__} and totalRows is {total!r}")
    return data, total


def parse_api_header(text: str | None) -> dict[str, str]:
    """``hueod:apiHeader`` text (``Name: value`` pairs, one per line or ``;``-separated) as request headers."""
    headers: dict[str, str] = {}
    for part in (text or "").replace("\n", ";").split(";"):
        name, sep, value = part.partition(":")
        if sep and name.strip() and value.strip():
            headers[name.strip()] = value.strip()
    return headers


def _fingerprint(records: list[Any]) -> str:
    return hashlib.sha256(json.dumps(records, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def iter_pages(
    session: RetryingSession,
    url: str,
    *,
    page_size: int = 100,
    max_page_attempts: int = 3,
    min_confidence: float = 0.8,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Iterator[list[Any]]:
    """Yield the records of each page of ``url``, in order, after checking each page."""
    seen: set[str] = set()
    fetched = 0
    total: int | None = None
    page = 1
    retrier = PageRetrier(SYSTEM, max_page_attempts)
    while True:

        def load(page: int = page) -> tuple[list[Any], int, str]:
            response = session.get(
                url, params={**(params or {}), "page": page, "pageSize": page_size}, headers=headers or {}
            )
            records, page_total = parse_page(response.content, min_confidence)
            fingerprint = _fingerprint(records)
            if records and fingerprint in seen:
                raise PageError("the page repeats an earlier page")
            return records, page_total, fingerprint

        records, page_total, fingerprint = retrier.fetch(f"{url} page {page}", load)
        if total is None:
            total = page_total
        elif page_total != total:
            raise SourceError(SYSTEM, url, f"totalRows changed during the harvest: {total} then {page_total}")
        seen.add(fingerprint)
        fetched += len(records)
        if records:
            yield records
        if not records or fetched >= total:  # not "a short page": reordered pages put the short one first
            break
        page += 1
    if fetched != total:
        raise SourceError(SYSTEM, url, f"harvested {fetched} rows but the portal announced totalRows={total}")
