"""Which one-stop applicants to verify next: read from the lake, in a stable order, bounded per run.

Plain Python over the lake's Parquet (no Dagster). The personal IDs read here stay in memory just long
enough to be looked up; what is written afterwards is the connector's reduced, pseudonymised row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

PURPOSE = "Xác minh thông tin người nộp hồ sơ thủ tục hành chính (Nghị định 104/2022/NĐ-CP)"


def _key(batch_id: str, dossier_code: str) -> str:
    return f"{batch_id}|{dossier_code}"


def pending_applicants(lake_root: Path, after: str | None, limit: int) -> Iterator[tuple[str, dict]]:
    """``(position, applicant)`` for citizens' dossiers landed after ``after`` (a position), oldest first.

    A position is ``<one-stop batch id>|<MaHoSo>``; the caller commits the last one it verified, so the
    next run continues where this one stopped, even when ``limit`` cut it short.
    """
    raw = lake_root / "raw" / "one_stop"
    dossiers = sorted(str(p) for p in (raw / "dossiers").glob("batch=*/*.parquet"))
    identifiers = sorted(str(p) for p in (raw / "dossier_identifiers").glob("batch=*/*.parquet"))
    if not dossiers or not identifiers:
        return
    batch_after, code_after = after.split("|", 1) if after else ("", "")
    con = duckdb.connect()
    try:
        rows = con.execute(
            """
            with d as (
                select _batch_id, MaHoSo, ChuHoSo, MaTTHC, NgayCapNhat
                from read_parquet(?, union_by_name = true)
                where (_batch_id, MaHoSo) > (?, ?)
                  and coalesce(LoaiDoiTuong, 1) = 1  -- citizens only: organisations are not in the register
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
            """,
            [dossiers, batch_after, code_after, identifiers, limit],
        ).fetchall()
    finally:
        con.close()
    for batch_id, code, name, procedure, kind, number in rows:
        applicant = {"MaHoSo": code, "HoVaTen": name, "MaDVC": procedure, "MucDich": PURPOSE}
        applicant["SoDinhDanh" if kind == 1 else "SoCMND"] = number
        yield _key(batch_id, code), applicant
