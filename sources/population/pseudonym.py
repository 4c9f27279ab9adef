"""Keyed pseudonyms of personal IDs (bí danh hoá số định danh).

``hex(HMAC-SHA256(key, digits))``: the same person gets the same pseudonym in every table that uses the
same key (so verifications join to dossiers), while without the key the 10^12 ID space cannot be
enumerated back to IDs the way a plain hash could. The key comes from ``HUE_PSEUDONYM_KEY`` via the
caller; there is deliberately no default.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
from collections.abc import Iterator

from sources.population.names import normalise_identifier

MIN_KEY_BYTES = 16


def pseudonym_key_bytes(key: str | bytes) -> bytes:
    """The key as bytes, refusing keys too short to resist guessing."""
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if len(raw) < MIN_KEY_BYTES:
        raise ValueError(f"pseudonym key must be at least {MIN_KEY_BYTES} bytes")
    return raw


def pseudonymise_personal_id(value: str, key: str | bytes) -> str:
    """Lower-case hex HMAC-SHA256 of the identifier's bare digits (leading zeros kept)."""
    digits = normalise_identifier(value)
    if digits is None:
        raise ValueError("cannot pseudonymise a blank identifier")
    return hmac.new(pseudonym_key_bytes(key), digits.encode("ascii"), hashlib.sha256).hexdigest()


class Pseudonymiser:
    """Holds the key so that callers pass a function around, never the key itself."""

    __slots__ = ("_key",)

    def __init__(self, key: str | bytes) -> None:
        self._key = pseudonym_key_bytes(key)

    def __call__(self, value: str) -> str:
        return pseudonymise_personal_id(value, self._key)

    def __repr__(self) -> str:  # the key must never reach a log line through repr()
        return "Pseudonymiser(key=<hidden>)"


# The warehouse computes the same pseudonym with the same construction, without the key ever appearing in
# SQL text (compiled models, dbt's logs, query history): on DuckDB through a Python function registered on
# dbt's connection, on PostgreSQL from a session setting that libpq sends at connection start.
DUCKDB_FUNCTION = "hue_pseudonym"
POSTGRES_SETTING = "hue.pseudonym_key"


def register_duckdb_function(con: object, key: str | bytes | None) -> None:
    """Register ``hue_pseudonym(digits VARCHAR) -> VARCHAR`` on a DuckDB connection.

    With no key the function is still registered (models without personal IDs must keep building), but
    calling it fails the query: there is no default key and never an unkeyed hash.
    """
    from duckdb import sqltypes

    pseudonymiser = Pseudonymiser(key) if key else None

    def hue_pseudonym(digits: str) -> str:
        if pseudonymiser is None:
            raise ValueError(
                "personal_id pseudonyms need HUE_PSEUDONYM_KEY (at least 16 bytes); there is no default"
            )
        return pseudonymiser(digits)

    import duckdb

    try:
        con.create_function(  # type: ignore[attr-defined]
            DUCKDB_FUNCTION, hue_pseudonym, [sqltypes.VARCHAR], sqltypes.VARCHAR, side_effects=False
        )
    except duckdb.CatalogException:
        # Python functions belong to the database instance, which every connection to the same file in
        # one process shares (dbt in-process and a reader, in tests): keep the one already registered only
        # if it computes the same pseudonyms, i.e. was registered with the same key.
        probe = "046190000123"
        try:
            (existing,) = con.execute(f"select {DUCKDB_FUNCTION}(?)", [probe]).fetchone()  # type: ignore[attr-defined]
        except duckdb.Error:
            existing = None
        if pseudonymiser is None or existing != pseudonymiser(probe):
            raise ValueError(
                f"{DUCKDB_FUNCTION}() is already registered in this process with a different key"
            ) from None


def postgres_session_options(key: str | bytes, existing: str | None = None) -> str:
    """A ``PGOPTIONS`` value that sets ``hue.pseudonym_key`` for every session libpq opens.

    libpq splits PGOPTIONS on unescaped spaces, so spaces and backslashes in the key are escaped; other
    options already set (``existing``) are kept.
    """
    raw = pseudonym_key_bytes(key).decode("utf-8")
    escaped = raw.replace("\\", "\\\\").replace(" ", "\\ ")
    option = f"-c {POSTGRES_SETTING}={escaped}"
    return f"{existing} {option}" if existing else option


@contextlib.contextmanager
def postgres_key_in_environment(key: str | None) -> Iterator[None]:
    """Set ``PGOPTIONS`` (see :func:`postgres_session_options`) for child processes started inside the
    block, e.g. the dbt subprocess Dagster launches, then restore it. No key, nothing set: models with
    personal IDs then fail on PostgreSQL's "unrecognized configuration parameter", never hash unkeyed."""
    if not key:
        yield
        return
    saved = os.environ.get("PGOPTIONS")
    os.environ["PGOPTIONS"] = postgres_session_options(key, saved)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PGOPTIONS", None)
        else:
            os.environ["PGOPTIONS"] = saved
