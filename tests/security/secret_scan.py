"""Find configured secret values in everything a nightly run leaves behind (bí mật không được lọt ra ngoài).

A value is looked for as text, and in the encodings it would take if some code serialised it: base64
(standard and URL-safe, padding stripped) and hex. Files are read the way a person or a tool would read
them, not only as bytes: Parquet decoded to values, SQLite and DuckDB databases dumped table by table,
zip containers (XLSX) and gzip opened; every file is also scanned as raw bytes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import secrets
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

# Every secret the platform is configured with. Values the sandbox issues (LGSP keys, officer password,
# digitisation token) are taken from it; the others are set by the test to recognisable values.
SECRET_VARIABLES = (
    "HUE_LGSP_ACCESS_KEY",
    "HUE_LGSP_SECRET_KEY",
    "HUE_LGSP_OFFICER_PASSWORD",
    "HUE_DIGITIZATION_TOKEN",
    "HUE_PSEUDONYM_KEY",
    "HUE_ONE_STOP_API_PASSWORD",
    "HUE_PG_PASSWORD",
    "HUE_PG_PIPELINE_PASSWORD",
    "HUE_PG_PUBLISHER_PASSWORD",
    "HUE_PG_ANALYST_PASSWORD",
    "HUE_DAGSTER_PG_PASSWORD",
    "HUE_CKAN_API_TOKEN",
    "HUE_ALERT_SMTP_PASSWORD",
    "HUE_ALERT_WEBHOOK_URL",
)
# The sandbox issues these; a test must not override them or the sandbox would refuse the connector.
SANDBOX_ISSUED = (
    "HUE_LGSP_ACCESS_KEY",
    "HUE_LGSP_SECRET_KEY",
    "HUE_LGSP_OFFICER_PASSWORD",
    "HUE_DIGITIZATION_TOKEN",
)

SQLITE_MAGIC = b"SQLite format 3\x00"
MIN_SECRET_CHARS = 12  # shorter values would match by chance and prove nothing


def recognisable_secrets() -> dict[str, str]:
    """Distinct, recognisable values for every secret the sandbox does not issue (fresh per call)."""
    values = {}
    for name in SECRET_VARIABLES:
        if name in SANDBOX_ISSUED:
            continue
        tag = name.removeprefix("HUE_").lower().replace("_", "-")
        values[name] = f"hue-secret-{tag}-{secrets.token_hex(8)}"
    # Alerting must not fail on a URL that is not one: keep it a URL whose token part is the secret.
    # (a closed loopback port: should anything post to it, it is refused at once, never sent off the machine).
    values["HUE_ALERT_WEBHOOK_URL"] = f"http://127.0.0.1:9/hue-secret-webhook-{secrets.token_hex(8)}"
    return values


def needles(env: Mapping[str, str]) -> dict[bytes, str]:
    """Byte patterns to look for, each labelled with the secret and form it stands for."""
    out: dict[bytes, str] = {}

    def add(label: str, value: str) -> None:
        raw = value.encode("utf-8")
        # setdefault: when two forms are the same bytes (base64 and base64url without + or /), keep the first
        out.setdefault(raw, label)
        out.setdefault(raw.hex().encode(), f"{label} (hex)")
        out.setdefault(raw.hex().upper().encode(), f"{label} (HEX)")
        out.setdefault(base64.b64encode(raw).rstrip(b"="), f"{label} (base64)")
        out.setdefault(base64.urlsafe_b64encode(raw).rstrip(b"="), f"{label} (base64url)")

    for name in SECRET_VARIABLES:
        value = env.get(name)
        if not value:
            continue
        assert len(value) >= MIN_SECRET_CHARS, f"{name} is too short to scan for meaningfully"
        add(name, value)
    # Derived forms the LGSP connector computes and sends: they are as good as the secrets themselves.
    if env.get("HUE_LGSP_ACCESS_KEY") and env.get("HUE_LGSP_SECRET_KEY"):
        add("lgspaccesstoken header", f"{env['HUE_LGSP_ACCESS_KEY']}:{env['HUE_LGSP_SECRET_KEY']}")
    if env.get("HUE_LGSP_OFFICER_PASSWORD"):
        derived = hashlib.sha256(env["HUE_LGSP_OFFICER_PASSWORD"].encode()).hexdigest()
        out[derived.encode()] = "officer AuthHash key (sha256 of the password)"
    return out


@dataclass(frozen=True)
class Hit:
    where: str
    label: str

    def __str__(self) -> str:
        return f"{self.label} in {self.where}"


def _sqlite_text(path: Path) -> bytes:
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return "\n".join(con.iterdump()).encode("utf-8", errors="replace")
    finally:
        con.close()


def _duckdb_text(path: Path) -> bytes:
    import duckdb

    parts: list[str] = []
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.ConnectionException:
        # This process already holds the file open read-write (dbt in-process): share that instance.
        con = duckdb.connect(str(path))
    try:
        tables = con.execute(
            "select database_name, schema_name, table_name from duckdb_tables() where not internal"
        ).fetchall()
        for database, schema, table in tables:
            parts.append(f"-- {schema}.{table}")
            rows = con.execute(f'select * from "{database}"."{schema}"."{table}"').fetchall()
            parts.extend(repr(row) for row in rows)
        # View and macro definitions are SQL text: a key inlined into a model would sit here.
        parts.extend(
            r[0] or "" for r in con.execute("select sql from duckdb_views() where not internal").fetchall()
        )
        parts.extend(
            str(r[0])
            for r in con.execute(
                "select macro_definition from duckdb_functions() where not internal and macro_definition is not null"
            ).fetchall()
        )
    finally:
        con.close()
    return "\n".join(parts).encode("utf-8", errors="replace")


def _parquet_text(path: Path) -> bytes:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    parts = [repr(table.schema.metadata or {})]
    for column in table.columns:
        parts.extend(repr(v) for v in column.to_pylist())
    return "\n".join(parts).encode("utf-8", errors="replace")


def readings(path: Path) -> Iterator[tuple[str, bytes]]:
    """(how it was read, content) for one file: always the raw bytes, plus a decoded form where one exists."""
    raw = path.read_bytes()
    yield "bytes", raw
    suffix = path.suffix.lower()
    if raw.startswith(SQLITE_MAGIC):
        yield "sqlite dump", _sqlite_text(path)
    elif suffix == ".duckdb" and not path.name.endswith(".wal"):
        yield "duckdb dump", _duckdb_text(path)
    elif suffix == ".parquet":
        yield "parquet values", _parquet_text(path)
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                yield f"zip member {member}", archive.read(member)
    elif raw[:2] == b"\x1f\x8b":
        yield "gunzipped", gzip.decompress(raw)


def scan(paths: Iterable[Path], patterns: Mapping[bytes, str]) -> tuple[list[Hit], int]:
    """Every hit of every pattern in every file under ``paths`` (files or directories); and the file count."""
    hits: list[Hit] = []
    count = 0
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            count += 1
            for how, content in readings(path):
                hits.extend(
                    Hit(f"{path} ({how})", label) for needle, label in patterns.items() if needle in content
                )
    return hits, count


def night_roots(root: Path, dbt_dir: Path, started: float) -> list[Path]:
    """Everything one nightly run under ``root`` leaves behind, plus dbt's per-invocation target and log
    folders written since ``started`` (dagster-dbt gives each invocation its own folder under target/)."""
    roots = [
        root / "lake",
        root / "warehouse.duckdb",
        root / "portal",
        root / "quality",
        root / "dagster_home",
        root / "captured",
        root / "sandbox" / "logs",
    ]
    for parent in (dbt_dir / "target", dbt_dir / "logs"):
        if not parent.is_dir():
            continue
        for path in parent.iterdir():
            try:
                if path.stat().st_mtime >= started - 1:
                    roots.append(path)
            except FileNotFoundError:  # pruned by another run meanwhile
                continue
    return [r for r in roots if r.exists()]


def night_leaks(root: Path, env: Mapping[str, str], dbt_dir: Path, started: float) -> tuple[list[Hit], int]:
    """Every secret of ``env`` found in what the night under ``root`` left behind; and the file count.
    For tests/e2e to call on its own run, too."""
    return scan(night_roots(root, dbt_dir, started), needles(env))
