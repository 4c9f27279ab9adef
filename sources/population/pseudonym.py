"""Keyed pseudonyms of personal IDs (bí danh hoá số định danh).

``hex(HMAC-SHA256(key, digits))``: the same person gets the same pseudonym in every table that uses the
same key (so verifications join to dossiers), while without the key the 10^12 ID space cannot be
enumerated back to IDs the way a plain hash could. The key comes from ``HUE_PSEUDONYM_KEY`` via the
caller; there is deliberately no default.
"""

from __future__ import annotations

import hashlib
import hmac

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
