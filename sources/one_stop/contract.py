"""What a one-stop row must satisfy before it enters the lake, and the lake identity of each table."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sources.lake.lake import TableContract

SYSTEM = "one_stop"

# DVCQG nested list name → (lake table, SQL child table)
NESTED_LISTS = {
    "DinhDanhCHS": ("dossier_identifiers", "ho_so_dinh_danh"),
    "TaiLieuNop": ("dossier_documents", "ho_so_tai_lieu_nop"),
    "DanhSachLePhi": ("dossier_fees", "ho_so_le_phi"),
    "DanhSachHoSoBoSung": ("dossier_supplements", "ho_so_bo_sung"),
    "DanhSachGiayToKetQua": ("dossier_results", "ho_so_giay_to_ket_qua"),
}

# A child row belongs to one version of its dossier: the dossier's NgayCapNhat travels with it.
PARENT_VERSION = "NgayCapNhatHoSo"

CONTRACTS: dict[str, TableContract] = {
    "dossiers": TableContract(key=("MaHoSo",), version="NgayCapNhat"),
    **{
        lake: TableContract(key=("MaHoSo", "STT"), version=PARENT_VERSION)
        for lake, _ in NESTED_LISTS.values()
    },
    "processing_steps": TableContract(key=("MaHoSo", "STT"), version="NgayCapNhat"),
    "procedures": TableContract(key=("MaTTHC",), version="NgayCapNhat"),
    "agencies": TableContract(key=("MaDonVi",), version="NgayCapNhat"),
    "fields": TableContract(key=("MaLinhVuc",), version="NgayCapNhat"),
}

TS_FORMAT = "%Y%m%d%H%M%S"
_TS_RE = re.compile(r"^\d{14}$")

DOSSIER_TIMESTAMPS = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayTuChoi", "NgayKetThucXuLy", "NgayTra")


def parse_ts(value: str) -> datetime:
    """Parse a DVCQG ``yyyyMMddHHmmss`` timestamp (local time), raising ValueError on anything else."""
    if not _TS_RE.match(value):
        raise ValueError(f"not yyyyMMddHHmmss: {value!r}")
    return datetime.strptime(value, TS_FORMAT)


def shift_cursor(cursor: str | None, overlap: timedelta) -> str | None:
    """Start the next read ``overlap`` before the committed cursor: late commits in the source are caught."""
    if cursor is None:
        return None
    return (parse_ts(cursor) - overlap).strftime(TS_FORMAT)


def _as_int(value: object) -> int | None:
    """Integers arrive as ints from SQL and often as digit strings from the JSON API."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def dossier_problem(row: dict) -> str | None:
    """The reason a dossier row breaks the contract, or None when it is fine."""
    if not row.get("MaHoSo"):
        return "missing MaHoSo"
    if not row.get("MaTTHC"):
        return "missing MaTTHC"
    status = _as_int(row.get("TrangThaiHoSo"))
    if status is None or not 1 <= status <= 10:
        return f"TrangThaiHoSo not in 1..10: {row.get('TrangThaiHoSo')!r}"
    channel = row.get("KenhThucHien")
    if channel not in (None, "") and _as_int(channel) not in (1, 2, 3):
        return f"KenhThucHien not in 1..3: {channel!r}"
    for name in (*DOSSIER_TIMESTAMPS, "NgayCapNhat"):
        value = row.get(name)
        if value in (None, ""):
            continue
        try:
            parse_ts(str(value))
        except ValueError:
            return f"{name} is not a valid yyyyMMddHHmmss timestamp: {value!r}"
    if not row.get("NgayCapNhat"):
        return "missing NgayCapNhat"
    return None
