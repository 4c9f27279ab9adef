"""Identifier index of the sandbox population register (sổ đăng ký dân cư giả lập).

People come from :mod:`sandbox.people` as a pure function of (seed, index); the service only needs to go
back from an identifier (số định danh or số CMND) to the index. ``build_index`` writes that mapping once
per scenario into SQLite (built under a temporary name, renamed into place), and :class:`CitizenIndex`
answers lookups from it. Only identifiers and indices are stored, the person is recomputed on demand.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from sandbox import people
from sandbox.scenario import Scenario

_CHUNK = 50_000


def build_index(path: Path, scenario: Scenario) -> int:
    """Write the identifier index of the scenario's population to ``path``; return the number of people."""
    size = people.population_size(scenario)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute(
            "CREATE TABLE citizen (idx INTEGER PRIMARY KEY, personal_id TEXT NOT NULL, old_id_card TEXT)"
        )
        for start in range(0, size, _CHUNK):
            rows = people.person_rows(scenario.seed, range(start, min(start + _CHUNK, size)))
            con.executemany("INSERT INTO citizen VALUES (?, ?, ?)", ((r[0], r[1], r[2]) for r in rows))
        con.execute("CREATE UNIQUE INDEX citizen_personal_id ON citizen (personal_id)")
        con.execute("CREATE UNIQUE INDEX citizen_old_id_card ON citizen (old_id_card)")
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)
    return size


class CitizenIndex:
    """Read-only identifier → person index lookups, one SQLite connection per thread."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: run prepare() first")
        self._uri = f"file:{path}?mode=ro"
        self._local = threading.local()

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def find(self, kind: str, digits: str) -> int | None:
        """Index of the person with this ``SoDinhDanh`` or ``SoCMND``, or ``None``."""
        column = {"SoDinhDanh": "personal_id", "SoCMND": "old_id_card"}[kind]
        row = self._con().execute(f"SELECT idx FROM citizen WHERE {column} = ?", (digits,)).fetchone()
        return None if row is None else int(row[0])
