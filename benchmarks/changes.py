"""One day of changes (một ngày thay đổi) in a running sandbox, for the nightly-incremental figure.

* one-stop: about 1,200 dossiers (hồ sơ; 82,000 on a national day) move on — their ``NgayCapNhat``
  becomes the next day, so the keyset cursor (``NgayCapNhat``, ``MaHoSo``) hands exactly them to the next
  sync as new versions;
* digitisation: the platform's clock advances one day (``/_sandbox/digitization/advance``), so the
  catalogue tables due that day receive their new and changed rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import requests

DOSSIERS_PER_DAY = 1_200
WORKING_DAY_S = 10 * 3600


def update_times(day: dt.datetime, dossiers: int) -> list[str]:
    """``dossiers`` update stamps (``yyyyMMddHHmmss``) spread over ``day``'s working hours from 08:00: one
    per 20 s, closer when a national day's volume would otherwise run past 18:00 into the next days."""
    step = min(20.0, WORKING_DAY_S / max(dossiers, 1))
    start = day.replace(hour=8, minute=0, second=0, microsecond=0)
    return [(start + dt.timedelta(seconds=step * i)).strftime("%Y%m%d%H%M%S") for i in range(dossiers)]


def advance_one_day(sandbox_dir: Path, urls: dict[str, str], dossiers: int = DOSSIERS_PER_DAY) -> dict:
    """Apply one day of changes; returns how many dossiers changed and the digitisation epoch reached."""
    from sandbox.one_stop.service import db_path

    con = sqlite3.connect(db_path(sandbox_dir))
    try:
        (latest,) = con.execute("select max(NgayCapNhat) from ho_so").fetchone()
        next_day = dt.datetime.strptime(latest, "%Y%m%d%H%M%S") + dt.timedelta(days=1)
        keys = [
            k for (k,) in con.execute("select MaHoSo from ho_so order by MaHoSo desc limit ?", (dossiers,))
        ]
        with con:
            con.executemany(
                "update ho_so set NgayCapNhat = ? where MaHoSo = ?",
                zip(update_times(next_day, len(keys)), keys, strict=True),
            )
    finally:
        con.close()
    http = requests.Session()
    http.trust_env = False  # loopback only: never through a proxy from the environment
    response = http.post(
        urls["digitization"] + "/_sandbox/digitization/advance", params={"epochs": 1}, timeout=600
    )
    response.raise_for_status()
    return {"dossiers": len(keys), "digitization_epoch": response.json()["epoch"]}
