"""Which one-stop applicants to verify next: read from the lake, in a stable order, bounded per run.

Plain Python over the lake's Parquet (no Dagster). The personal IDs read here stay in memory just long
enough to be looked up; what is written afterwards is the connector's reduced, pseudonymised row.

Two queues feed a run. New applicants come after the committed position. Applicants whose last lookup
got an unreadable answer (``malformed_response``: a garbled reply, or a register answer that lost a
required field) are owed a fresh lookup: the position has moved past them, so they are found through the
lake's quarantine instead, and asked again on later nights up to :data:`MAX_LOOKUP_ATTEMPTS` lookups in
all. Applicants refused before any lookup (no valid identifier...) are not retried: the same input would
be refused again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb

PURPOSE = "Xác minh thông tin người nộp hồ sơ thủ tục hành chính (Nghị định 104/2022/NĐ-CP)"
MAX_LOOKUP_ATTEMPTS = 3
"""Lookups of one applicant that may end with an unreadable answer before the queue gives up on it;
the failed attempts stay in ``quarantine/population/applicant_verifications`` with their reason."""
RETRYABLE_REASON = "malformed_response"

_APPLICANTS_SQL = """
    with d as (
        select _batch_id, MaHoSo, ChuHoSo, MaTTHC, NgayCapNhat
        from read_parquet(?, union_by_name = true)
        where {where}
          and coalesce(LoaiDoiTuong, 1) = 1  -- citizens only: organisations are not in the register
        {newest}
    ),
    i as (
        select MaHoSo, NgayCapNhatHoSo, LoaiDinhDanh, SoDinhDanh,
               row_number() over (partition by MaHoSo, NgayCapNhatHoSo order by LoaiDinhDanh, STT) as n
        from read_parquet(?, union_by_name = true)
    )
    select d._batch_id, d.MaHoSo, d.ChuHoSo, d.MaTTHC, i.LoaiDinhDanh, i.SoDinhDanh
    from d join i on i.MaHoSo = d.MaHoSo and i.NgayCapNhatHoSo = d.NgayCapNhat and i.n = 1
    order by d._batch_id, d.MaHoSo
    limit ?
"""


def _key(batch_id: str, dossier_code: str) -> str:
    return f"{batch_id}|{dossier_code}"


def _one_stop_files(lake_root: Path) -> tuple[list[str], list[str]] | None:
    raw = lake_root / "raw" / "one_stop"
    dossiers = sorted(str(p) for p in (raw / "dossiers").glob("batch=*/*.parquet"))
    identifiers = sorted(str(p) for p in (raw / "dossier_identifiers").glob("batch=*/*.parquet"))
    return (dossiers, identifiers) if dossiers and identifiers else None


def _applicant(row: tuple) -> dict:
    _batch_id, code, name, procedure, kind, number = row
    applicant = {"MaHoSo": code, "HoVaTen": name, "MaDVC": procedure, "MucDich": PURPOSE}
    applicant["SoDinhDanh" if kind == 1 else "SoCMND"] = number
    return applicant


def pending_applicants(lake_root: Path, after: str | None, limit: int) -> Iterator[tuple[str, dict]]:
    """``(position, applicant)`` for citizens' dossiers landed after ``after`` (a position), oldest first.

    A position is ``<one-stop batch id>|<MaHoSo>``; the caller commits the last one it verified, so the
    next run continues where this one stopped, even when ``limit`` cut it short.
    """
    files = _one_stop_files(lake_root)
    if files is None or limit <= 0:
        return
    batch_after, code_after = after.split("|", 1) if after else ("", "")
    sql = _APPLICANTS_SQL.format(where="(_batch_id, MaHoSo) > (?, ?)", newest="")
    con = duckdb.connect()
    try:
        rows = con.execute(sql, [files[0], batch_after, code_after, files[1], limit]).fetchall()
    finally:
        con.close()
    for row in rows:
        yield _key(row[0], row[1]), _applicant(row)


def owed_lookups(lake_root: Path, max_attempts: int = MAX_LOOKUP_ATTEMPTS) -> list[str]:
    """Dossier codes whose lookups since their last verification all got unreadable answers, fewer than
    ``max_attempts`` of them, oldest failure first."""
    qdir = lake_root / "quarantine" / "population" / "applicant_verifications"
    failures: dict[str, list[str]] = {}
    for path in sorted(qdir.glob("batch=*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if not str(record.get("reason", "")).startswith(RETRYABLE_REASON):
                    continue
                code = json.loads(record["raw"]).get("MaHoSo")
                if code:
                    failures.setdefault(code, []).append(record["batch_id"])
    if not failures:
        return []
    verified = _last_verified(lake_root, sorted(failures))
    owed = []
    for code, batches in failures.items():
        since = [b for b in batches if b > verified.get(code, "")]
        if 0 < len(since) < max_attempts:
            owed.append((min(since), code))
    return [code for _, code in sorted(owed)]


def _last_verified(lake_root: Path, codes: list[str]) -> dict[str, str]:
    files = sorted(
        str(p)
        for p in (lake_root / "raw" / "population" / "applicant_verifications").glob("batch=*/*.parquet")
    )
    if not files:
        return {}
    con = duckdb.connect()
    try:
        rows = con.execute(
            "select MaHoSo, max(_batch_id) from read_parquet(?, union_by_name = true) "
            "where list_contains(?, MaHoSo) group by MaHoSo",
            [files, codes],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def retry_applicants(lake_root: Path, codes: list[str]) -> Iterator[dict]:
    """The applicant of each dossier in ``codes``, from its newest landed version, in the given order."""
    files = _one_stop_files(lake_root)
    if files is None or not codes:
        return
    sql = _APPLICANTS_SQL.format(
        where="list_contains(?, MaHoSo)",
        newest="qualify row_number() over (partition by MaHoSo order by _batch_id desc) = 1",
    )
    con = duckdb.connect()
    try:
        rows = con.execute(sql, [files[0], codes, files[1], len(codes)]).fetchall()
    finally:
        con.close()
    by_code = {row[1]: _applicant(row) for row in rows}
    for code in codes:
        if code in by_code:
            yield by_code[code]


def applicants_to_verify(lake_root: Path, after: str | None, limit: int) -> list[tuple[str | None, dict]]:
    """This run's lookups, at most ``limit``: owed retries first (position ``None``: they do not move the
    queue), then new applicants after ``after``. A dossier that is both owed and new is asked once, as new."""
    new = list(pending_applicants(lake_root, after, limit))
    new_codes = {applicant["MaHoSo"] for _, applicant in new}
    owed = [c for c in owed_lookups(lake_root) if c not in new_codes][:limit]
    retries: list[tuple[str | None, dict]] = [(None, a) for a in retry_applicants(lake_root, owed)]
    return retries + new[: limit - len(retries)]
