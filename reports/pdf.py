"""PDF of the report through headless Chromium (in PDF), offline.

Chromium prints the same HTML the portal serves, with its A4 print CSS. Where Chromium is not installed
(a ``make run`` machine without the browser) no PDF is made and the reason is returned, never raised: the
HTML report is the report, the PDF a convenience.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
# Offline and quiet: no updates, no sync, no network services, no first-run UI. --no-sandbox because the
# platform's jobs often run as root in containers, where Chromium's sandbox cannot start.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-pdf-header-footer",
)


@dataclass(frozen=True)
class PdfOutcome:
    path: Path | None
    reason: str  # "rendered", or why there is no PDF

    @property
    def rendered(self) -> bool:
        return self.path is not None


def find_chromium(candidate: Path | str | None = None) -> Path | None:
    """The Chromium executable: ``candidate`` when given (None if it is not there), else the system's."""
    if candidate is not None:
        return Path(candidate) if Path(candidate).is_file() else None
    for path in (DEFAULT_CHROMIUM, shutil.which("chromium")):
        if path and Path(path).is_file():
            return Path(path)
    return None


def render_pdf(
    html_path: Path, pdf_path: Path, *, chromium: Path | str | None = None, timeout: float = 90
) -> PdfOutcome:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; say why not when it cannot."""
    executable = find_chromium(chromium)
    if executable is None:
        return PdfOutcome(None, "Chromium is not installed: HTML only (apt-get install chromium for the PDF)")
    with tempfile.TemporaryDirectory(prefix="hue-report-chromium-") as profile:
        command = [
            str(executable),
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",  # a throwaway profile: no state shared with other runs
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return PdfOutcome(None, f"Chromium did not finish the PDF within {timeout:.0f} s")
    if completed.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        tail = (completed.stderr or "").strip().splitlines()[-3:]
        return PdfOutcome(None, f"Chromium failed (exit {completed.returncode}): {' | '.join(tail)}")
    with open(pdf_path, "rb") as handle:
        if handle.read(5) != b"%PDF-":
            return PdfOutcome(None, "Chromium wrote a file that is not a PDF")
    return PdfOutcome(pdf_path, "rendered")
