"""The dependency audit's verdicts (scripts/audit_dependencies.py), on pip-audit's JSON output."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = audit  # dataclasses look their module up there
spec.loader.exec_module(audit)

VULN = {"id": "GHSA-xxxx-yyyy-zzzz", "aliases": ["CVE-2099-0001"], "fix_versions": ["2.0.1"]}


def test_a_finding_fails_the_lint() -> None:
    document = {"dependencies": [{"name": "jinja2", "version": "2.0.0", "vulns": [VULN]}]}
    verdict = audit.judge(document, "")
    assert verdict.exit_code == 1 and verdict.findings == ["jinja2 2.0.0: GHSA-xxxx-yyyy-zzzz (fix: 2.0.1)"]
    assert "VULNERABLE" in verdict.report()


def test_a_triaged_finding_passes_with_its_reason_shown() -> None:
    document = {"dependencies": [{"name": "jinja2", "version": "2.0.0", "vulns": [VULN]}]}
    verdict = audit.judge(document, "", {"CVE-2099-0001": "sandboxed templates only"})
    assert verdict.exit_code == 0 and verdict.findings == []
    assert "sandboxed templates only" in verdict.report()


def test_an_unreachable_database_is_said_loudly_and_fails_only_when_required(monkeypatch) -> None:
    # A registry mirror without PyPI's JSON API: every package "not found", nothing audited.
    document = {"dependencies": [{"name": "duckdb", "skip_reason": "Dependency not found on PyPI"}] * 3}
    verdict = audit.judge(document, "")
    assert verdict.unreachable and verdict.audited == 0
    assert "KHÔNG KIỂM TRA ĐƯỢC" in verdict.report()
    monkeypatch.delenv("HUE_AUDIT_REQUIRE_DB", raising=False)
    assert verdict.exit_code == 0
    monkeypatch.setenv("HUE_AUDIT_REQUIRE_DB", "1")
    assert verdict.exit_code == 1
    crashed = audit.judge(None, "requests.exceptions.ConnectionError: ... NameResolutionError(...)")
    assert crashed.unreachable and crashed.exit_code == 1


def test_clean_audit_and_unexplained_crash() -> None:
    document = {"dependencies": [{"name": "duckdb", "version": "2.0.0", "vulns": []}]}
    assert audit.judge(document, "").exit_code == 0
    with pytest.raises(RuntimeError, match="pip-audit failed"):
        audit.judge(None, "Traceback: something else")
