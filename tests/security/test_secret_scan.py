"""The secret scanner itself (issue 10: secrets): it would have seen a leak in every form it looks for.

The scan of a real night, every configured secret against everything the tiny nightly run leaves behind, is
``test_no_secret_in_anything_the_night_left_behind`` in tests/e2e/test_nightly.py: it reuses that module's
night (a night costs about a minute, and under pytest-xdist a file stays on one worker).
"""

from __future__ import annotations

from pathlib import Path

from tests.security.secret_scan import needles, recognisable_secrets, scan


def test_the_scanner_finds_a_planted_secret_in_every_form(tmp_path) -> None:
    """The scan would have seen a leak: a key in a compressed Parquet value, a SQLite row, base64 text."""
    import base64
    import sqlite3

    import pyarrow as pa
    import pyarrow.parquet as pq

    env = recognisable_secrets()
    pq.write_table(
        pa.table({"note": [f"x{env['HUE_PSEUDONYM_KEY']}y"]}), tmp_path / "leak.parquet", compression="zstd"
    )
    with sqlite3.connect(tmp_path / "leak.sqlite") as con:
        con.execute("create table t (v text)")
        con.execute("insert into t values (?)", (env["HUE_ALERT_SMTP_PASSWORD"],))
    (tmp_path / "leak.txt").write_text(base64.b64encode(env["HUE_CKAN_API_TOKEN"].encode()).decode())
    (tmp_path / "clean.txt").write_text("nothing secret here")
    hits, files = scan([tmp_path], needles(env))
    labels = {(Path(h.where.split(" (")[0]).name, h.label) for h in hits}
    assert files == 4
    assert labels == {
        ("leak.parquet", "HUE_PSEUDONYM_KEY"),
        ("leak.sqlite", "HUE_ALERT_SMTP_PASSWORD"),
        ("leak.txt", "HUE_CKAN_API_TOKEN (base64)"),
    }
