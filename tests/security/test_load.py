"""The portal under load while a new version is published (issue 10): 64 connections for a few seconds.

wrk drives the dataset page and the JSON API of a dataset that this process republishes in a loop; every
response must be a 200 that names its version (``X-Dataset-Version``, and ``version`` in the JSON body),
and every JSON page's rows must all belong to that version. ``python -m portal.loadtest`` runs the full
60-second version (``make resilience``; figures in docs/benchmarks.md).
"""

from __future__ import annotations

import shutil

import pytest

from portal.loadtest import run_load_test

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk not installed (Debian package; `make test` installs it as root)"
)


def test_no_errors_and_no_mixed_versions_while_publishing(tmp_path) -> None:
    result = run_load_test(duration_s=5, connections=64, workdir=tmp_path)
    assert result.requests > 0 and result.json_pages > 0 and result.html_pages > 0, result.summary()
    assert result.errors == {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}, result.summary()
    assert (result.bad_status, result.no_header, result.body_mismatch, result.mixed) == (0, 0, 0, 0)
    assert result.wrong_pairs == [] and result.publish_errors == []
    # Publication really ran under the load: clients were served more than one version.
    assert result.versions_published >= 2 and result.versions_seen >= 2, result.summary()
    assert result.ok
