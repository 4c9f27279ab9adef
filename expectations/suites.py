"""Load expectation suites (bộ kỳ vọng) kept as JSON files into GE 1.x objects, loudly.

GE's ``ExpectationSuite(**d)`` logs and *drops* an expectation whose type it does not know, so a typo in a
suite file would silently validate less. Every expectation is checked before and counted after loading; any
problem raises ``SuiteError`` naming the file, the position and the type.

Checks GE cannot express (sums across columns, complete monthly periods) live in the same file under
``meta.hue_checks`` and are validated here too (see ``expectations.checks``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.checks import CHECK_TYPES

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite


class SuiteError(ValueError):
    """A suite file that cannot be used as written (lỗi bộ kỳ vọng)."""


def read_suite_file(path: str | Path) -> dict[str, Any]:
    """Parse a suite file as JSON (UTF-8) and check its outline; no GE import."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SuiteError(f"{path}: cannot read suite: {error}") from error
    return check_document(document, source=str(path))


def check_document(document: Any, *, source: str = "<dict>") -> dict[str, Any]:
    """Check a suite document's outline and its ``meta.hue_checks`` types; return it unchanged."""
    path = source
    if not isinstance(document, dict) or not isinstance(document.get("name"), str):
        raise SuiteError(f"{path}: a suite is a JSON object with a 'name'")
    expectations = document.get("expectations", [])
    if not isinstance(expectations, list) or not all(isinstance(e, dict) for e in expectations):
        raise SuiteError(f"{path}: 'expectations' must be a list of objects")
    for index, check in enumerate(hue_checks(document)):
        if not isinstance(check, dict) or check.get("type") not in CHECK_TYPES:
            kind = check.get("type") if isinstance(check, dict) else check
            raise SuiteError(
                f"{path}: meta.hue_checks[{index}] has unknown check type {kind!r}; known: {sorted(CHECK_TYPES)}"
            )
    return document


def hue_checks(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The platform's extra (non-GE) checks declared in a suite document."""
    checks = (document.get("meta") or {}).get("hue_checks", [])
    if not isinstance(checks, list):
        raise SuiteError(f"suite {document.get('name')!r}: meta.hue_checks must be a list")
    return checks


def build_suite(document: dict[str, Any], *, source: str = "<dict>") -> ExpectationSuite:
    """Turn a suite document into a GE ``ExpectationSuite``; fail on any unknown or invalid expectation."""
    import great_expectations as gx
    from great_expectations.exceptions import ExpectationNotFoundError
    from great_expectations.expectations.registry import get_expectation_impl

    expectations = document.get("expectations", [])
    for index, expectation in enumerate(expectations):
        kind = expectation.get("type") or expectation.get("expectation_type")
        try:
            get_expectation_impl(str(kind))
        except ExpectationNotFoundError as error:
            raise SuiteError(
                f"{source}: expectations[{index}] has unknown expectation type {kind!r}"
            ) from error
        try:
            gx.ExpectationSuite(name="_probe", expectations=[expectation])
        except Exception as error:
            raise SuiteError(f"{source}: expectations[{index}] ({kind}) is invalid: {error}") from error
    fields = {
        key: document[key] for key in ("name", "expectations", "meta", "notes", "id") if key in document
    }
    suite = gx.ExpectationSuite(**fields)
    if len(suite.expectations) != len(expectations):
        loaded = {e.expectation_type for e in suite.expectations}
        missing = sorted({str(e.get("type")) for e in expectations} - loaded)
        raise SuiteError(
            f"{source}: GE loaded {len(suite.expectations)} of {len(expectations)} expectations; "
            f"dropped types: {missing}"
        )
    return suite


def load_suite(path: str | Path) -> ExpectationSuite:
    """Load a suite file into a GE ``ExpectationSuite`` (its ``meta.hue_checks`` are kept in ``suite.meta``)."""
    return build_suite(read_suite_file(path), source=str(path))
