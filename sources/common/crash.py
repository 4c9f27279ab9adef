"""Deliberate crash points for the resilience harness (kill -9 at a named point of a nightly run).

``HUE_CRASH_AT`` names one point (e.g. ``lake.after_manifest``); when execution reaches it the process
kills itself with SIGKILL, exactly as an OOM killer or a power cut would. The variable is read when the
point is reached, never at import, and is unset in every normal run.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "HUE_CRASH_AT"


def maybe_crash(point: str) -> None:
    if os.environ.get(CRASH_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
