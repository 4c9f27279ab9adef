"""Deliberate crash points for the resilience harness (kill -9 at a named point of a nightly run).

``HUE_CRASH_AT`` names one point (e.g. ``lake.after_manifest``); when execution reaches it the process
kills itself with SIGKILL, exactly as an OOM killer or a power cut would. The variable is read when the
point is reached, never at import, and is unset in every normal run.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "HUE_CRASH_AT"

#: Every point a nightly run passes, in the order it passes them (the resilience crash matrix kills at each).
CRASH_POINTS: tuple[str, ...] = (
    "lake.before_manifest",  # extract: a batch staged, its manifest transaction not yet run
    "lake.after_manifest",  # lake commit: batch and cursor committed, files not yet moved into raw/
    "lake.after_commit",  # batch in raw/ and committed, the asset's Dagster event not yet written
    "dbt.before_build",  # the warehouse run started, dbt not yet
    "dbt.after_build",  # dbt finished, Dagster has not recorded the step's end
    "checks.after_expectations",  # a gate check wrote its result file, not yet its check result
    "publish.after_store",  # a dataset version switched live in the portal store, not yet recorded
)


def maybe_crash(point: str) -> None:
    if os.environ.get(CRASH_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
