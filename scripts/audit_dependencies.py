"""Audit the locked dependencies for known vulnerabilities (kiểm tra lỗ hổng thư viện), part of ``make lint``.

Runs ``pip-audit`` over ``requirements.lock`` (every package pinned, so ``--no-deps --disable-pip``: nothing
is installed or resolved) and decides:

* findings not triaged in docs/security.md (``TRIAGED`` below mirrors its table) → exit 1;
* the vulnerability database could not be reached (no network, a registry mirror without PyPI's JSON
  API: every package comes back "not found") → say so loudly and exit 0, because an air-gapped machine
  cannot audit and must still lint; ``HUE_AUDIT_REQUIRE_DB=1`` turns that into a failure (for a CI
  runner with internet access);
* otherwise exit 0, naming how many packages were audited.

Run: ``python scripts/audit_dependencies.py [--lock requirements.lock]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# Vulnerability id → why it does not apply or what mitigates it; keep in step with docs/security.md.
TRIAGED: dict[str, str] = {}

UNREACHABLE_MARKERS = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "ServiceError",
    "Temporary failure in name resolution",
)


@dataclass
class Verdict:
    audited: int
    skipped: int
    findings: list[str] = field(default_factory=list)  # "package version: id (fix: versions)"
    triaged: list[str] = field(default_factory=list)
    unreachable: bool = False

    @property
    def exit_code(self) -> int:
        if self.findings:
            return 1
        if self.unreachable and os.environ.get("HUE_AUDIT_REQUIRE_DB") == "1":
            return 1
        return 0

    def report(self) -> str:
        lines = []
        if self.unreachable:
            lines.append(
                "dependency audit: KHÔNG KIỂM TRA ĐƯỢC — the vulnerability database could not be reached "
                f"({self.skipped or 'all'} packages not audited). Run `make lint` on a machine with internet access, "
                "or set HUE_AUDIT_REQUIRE_DB=1 to make this an error."
            )
        else:
            lines.append(f"dependency audit: {self.audited} packages audited, {self.skipped} skipped")
        lines += [f"  triaged (docs/security.md): {t}" for t in self.triaged]
        lines += [f"  VULNERABLE: {f}" for f in self.findings]
        if self.findings:
            lines.append(
                "  → upgrade in requirements.lock, or triage in docs/security.md and scripts/audit_dependencies.py"
            )
        return "\n".join(lines)


def judge(document: dict | None, stderr: str, triaged: dict[str, str] = TRIAGED) -> Verdict:
    """The verdict on one pip-audit run: its JSON output (None when it crashed) and its stderr."""
    if document is None:
        if any(marker in stderr for marker in UNREACHABLE_MARKERS):
            return Verdict(audited=0, skipped=0, unreachable=True)
        raise RuntimeError("pip-audit failed:\n" + stderr[-2000:])
    dependencies = document.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    verdict = Verdict(
        audited=len(audited), skipped=len(skipped), unreachable=bool(dependencies) and not audited
    )
    for dependency in audited:
        for vulnerability in dependency.get("vulns", []):
            ids = [vulnerability["id"], *vulnerability.get("aliases", [])]
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "none yet"
            line = f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fix: {fixes})"
            known = next((i for i in ids if i in triaged), None)
            if known:
                verdict.triaged.append(f"{line} — {triaged[known]}")
            else:
                verdict.findings.append(line)
    return verdict


def run_pip_audit(lock: Path, service: str) -> tuple[dict | None, str]:
    pip_audit = Path(sys.executable).parent / "pip-audit"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        completed = subprocess.run(
            [
                str(pip_audit), "-r", str(lock), "--no-deps", "--disable-pip", "--progress-spinner", "off",
                "--vulnerability-service", service, "--format", "json", "--output", str(out),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip
        document = (
            json.loads(out.read_text(encoding="utf-8")) if out.exists() and out.stat().st_size else None
        )
    return document, completed.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pip-audit over the lock file, offline-aware")
    parser.add_argument("--lock", type=Path, default=Path("requirements.lock"))
    parser.add_argument(
        "--service", default=os.environ.get("HUE_AUDIT_SERVICE", "pypi"), choices=["pypi", "osv"]
    )
    args = parser.parse_args(argv)
    document, stderr = run_pip_audit(args.lock, args.service)
    verdict = judge(document, stderr)
    print(verdict.report())
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main())
