"""What a one-stop row must satisfy before it enters the lake, and the lake identity of each table."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc

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

# The same for a procedure's nested lists: API list name → (lake table, SQL child table). A procedure's
# online-level history (lịch sử mức độ DVC trực tuyến) belongs to one version of the procedure.
PROCEDURE_LISTS = {"LichSuMucDoDVC": ("procedure_online_levels", "thu_tuc_muc_do_dvc")}
PROCEDURE_VERSION = "NgayCapNhatTTHC"

CONTRACTS: dict[str, TableContract] = {
    "dossiers": TableContract(key=("MaHoSo",), version="NgayCapNhat"),
    **{
        lake: TableContract(key=("MaHoSo", "STT"), version=PARENT_VERSION)
        for lake, _ in NESTED_LISTS.values()
    },
    "processing_steps": TableContract(key=("MaHoSo", "STT"), version="NgayCapNhat"),
    "procedures": TableContract(key=("MaTTHC",), version="NgayCapNhat"),
    "procedure_online_levels": TableContract(key=("MaTTHC", "STT"), version=PROCEDURE_VERSION),
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


def dossier_problem(row: dict, retyped: frozenset[str] = frozenset()) -> str | None:
    """The reason a dossier row breaks the contract, or None when it is fine.

    Columns in ``retyped`` arrived with another type for the whole page: that is schema drift, judged for
    the batch by the lake, not a fault of each row.
    """
    if not row.get("MaHoSo"):
        return "missing MaHoSo"
    if not row.get("MaTTHC"):
        return "missing MaTTHC"
    status = _as_int(row.get("TrangThaiHoSo"))
    if "TrangThaiHoSo" not in retyped and (status is None or not 1 <= status <= 10):
        return f"TrangThaiHoSo not in 1..10: {row.get('TrangThaiHoSo')!r}"
    channel = row.get("KenhThucHien")
    if "KenhThucHien" not in retyped and channel not in (None, "") and _as_int(channel) not in (1, 2, 3):
        return f"KenhThucHien not in 1..3: {channel!r}"
    for name in (*DOSSIER_TIMESTAMPS, "NgayCapNhat"):
        value = row.get(name)
        if name in retyped:
            continue
        if value in (None, ""):
            continue
        try:
            parse_ts(str(value))
        except ValueError:
            return f"{name} is not a valid yyyyMMddHHmmss timestamp: {value!r}"
    if not row.get("NgayCapNhat"):
        return "missing NgayCapNhat"
    return None


def _text_array(values: Sequence[object]) -> pa.Array | None:
    """The column as Arrow text when every value is a plain ``str`` or None; None otherwise."""
    if not set(map(type, values)) <= {str, type(None)}:
        return None
    return pa.array(values, pa.string())


def _ints_in(values: Sequence[object], low: int, high: int, empty_ok: bool) -> pa.Array | None:
    """Where an all-integer column holds a value in ``low..high`` (or nothing, when ``empty_ok``)."""
    if not set(map(type, values)) <= {int, type(None)}:
        return None
    ints = pa.array(values, pa.int64())
    ok = pc.and_(pc.greater_equal(ints, low), pc.less_equal(ints, high))
    return pc.fill_null(ok, empty_ok)


def _timestamps_plain(values: Sequence[object]) -> pa.Array | None:
    """Where a text column is empty or a plainly valid ``yyyyMMddHHmmss`` (ASCII, in range, year ≥ 1000).

    Arrow's strptime is lenient (it rolls 31 February into March and takes 13 digits), so a value counts as
    plain only when formatting the parsed instant gives back the very same text; Python's strptime accepts
    every such value. Anything else is left to ``parse_ts`` row by row.
    """
    text = _text_array(values)
    if text is None:
        return None
    parsed = pc.strptime(text, format=TS_FORMAT, unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(parsed, format=TS_FORMAT), text)
    plain = pc.and_(same, pc.invert(pc.starts_with(text, "0")))
    empty = pc.fill_null(pc.equal(text, ""), True)
    return pc.or_(empty, pc.fill_null(plain, False))


def dossier_problems(
    columns: Mapping[str, Sequence[object]], rows: int, retyped: frozenset[str] = frozenset()
) -> list[int]:
    """Indices of the rows of a page (given as columns) that may break the dossier contract.

    Whole columns are checked with Arrow; a row is listed unless every check plainly passes, so the caller
    judges only the listed rows with ``dossier_problem`` and gets exactly its reasons. A column of an
    unexpected shape (mixed types, digits as text) lists every row, which is slower but never wrong.
    """
    checks: list[pa.Array | None] = []
    for name in ("MaHoSo", "MaTTHC"):
        text = _text_array(columns[name]) if name in columns else None
        checks.append(None if text is None else pc.fill_null(pc.not_equal(text, ""), False))
    for name, low, high, empty_ok in (("TrangThaiHoSo", 1, 10, False), ("KenhThucHien", 1, 3, True)):
        if name in retyped:
            continue
        checks.append(_ints_in(columns[name], low, high, empty_ok) if name in columns else None)
    for name in (*DOSSIER_TIMESTAMPS, "NgayCapNhat"):
        if name in retyped:
            continue
        if name in columns:
            checks.append(_timestamps_plain(columns[name]))
        elif name == "NgayCapNhat":
            checks.append(None)
    # A row without NgayCapNhat is missing it, whether or not the column was retyped.
    text = _text_array(columns["NgayCapNhat"]) if "NgayCapNhat" in columns else None
    checks.append(None if text is None else pc.fill_null(pc.not_equal(text, ""), False))
    if any(check is None for check in checks):
        return list(range(rows))
    fine = pa.array([True] * rows, pa.bool_())
    for check in checks:
        fine = pc.and_(fine, check)
    return pc.indices_nonzero(pc.invert(fine)).to_pylist()


# ---- the DVCQG record, as Arrow --------------------------------------------------------------------
# Both connectors land exactly these columns and types, so a lake filled over SQL equals one filled over
# the API. Fields a source adds beyond them travel as text and are recorded as additive drift.
_I = pa.int64()
_S = pa.string()


def _schema(ints: str, texts: str) -> dict[str, pa.DataType]:
    return {**dict.fromkeys(ints.split(), _I), **dict.fromkeys(texts.split(), _S)}


ARROW_COLUMNS: dict[str, dict[str, pa.DataType]] = {
    "dossiers": _schema(
        "KenhThucHien LoaiDoiTuong TrangThaiHoSo HinhThuc NoiNopHoSo HoSoCoThanhPhanSoHoa "
        "TaiKhoanDuocXacThucVoiVNeID DuocThanhToanTrucTuyen DongBoDVCQG CoPhanAnhKienNghi",
        "MaHoSo MaTTHC TenTTHC MaLinhVuc TenLinhVuc MaDoiTuong ChuHoSo SoGiayToChuHoSo SoDienThoai Email "
        "DiaChiChuHoSo MaXaChuHoSo TrichYeuHoSo NgayNopHoSo NgayTiepNhan NgayHenTra NgayTuChoi "
        "NgayKetThucXuLy NgayTra DonViXuLy NgayCapNhat",
    ),
    "dossier_identifiers": _schema("STT LoaiDinhDanh", "MaHoSo SoDinhDanh NgayCapNhatHoSo"),
    "dossier_documents": _schema(
        "STT DuocSoHoa DuocTaiSuDung DuocLayTuKhoDMQG",
        "MaHoSo TepDinhKemId TenTepDinhKem MaThanhPhanHoSo DuongDanTaiTepTin NgayCapNhatHoSo",
    ),
    "dossier_fees": _schema("STT Gia", "MaHoSo TenPhiLePhi MaPhiLePhi NgayCapNhatHoSo"),
    "dossier_supplements": _schema(
        "STT",
        "MaHoSo NgayBoSung NgayTiepNhanBoSung NgayHenTraTruoc NgayHenTraMoi NoiDungBoSung NgayCapNhatHoSo",
    ),
    "dossier_results": _schema("STT", "MaHoSo TenGiayTo DuongDanTepTinKetQua MaGiayToKetQua NgayCapNhatHoSo"),
    "processing_steps": _schema(
        "STT TrangThai",
        "MaHoSo NguoiXuLy ChucDanh ThoiDiemXuLy PhongBanXuLy NoiDungXuLy NgayBatDau NgayKetThucTheoQuyDinh "
        "NgayCapNhat",
    ),
    # NganhDoc, NgayHieuLuc and NgayHetHieuLuc came later (additive): older sources may not have them.
    "procedures": _schema(
        "ThoiHanGiaiQuyet LePhi ThanhToanTrucTuyen LienThong BuuChinhCongIch NganhDoc",
        "MaTTHC TenTTHC MaLinhVuc TenLinhVuc CapThucHien MucDoDVC NgayHieuLuc NgayHetHieuLuc NgayCapNhat",
    ),
    "procedure_online_levels": _schema("STT", "MaTTHC MucDoDVC NgayHieuLuc NgayHetHieuLuc NgayCapNhatTTHC"),
    "agencies": _schema(
        "CapDonVi", "MaDonVi TenDonVi MaDonViCha MaDVHC NgayHieuLuc NgayHetHieuLuc NgayCapNhat"
    ),
    "fields": _schema("", "MaLinhVuc TenLinhVuc NgayCapNhat"),
}


def arrow_schema(
    table: str, present: list[str], extra_types: dict[str, pa.DataType] | None = None
) -> pa.Schema:
    """The lake schema of a page: the contract's columns that are present, in contract order, then any
    columns the source added (typed as the source gave them, else text).

    A contract column missing from the source is left out on purpose, and a type the source declares (or a
    page shows) wins over the contract's: the lake then sees the removal or retyping as breaking drift
    instead of silently landing nulls.
    """
    known = ARROW_COLUMNS[table]
    extras = extra_types or {}
    fields = [(name, extras.get(name, typ)) for name, typ in known.items() if name in present]
    fields += [(name, extras.get(name, pa.string())) for name in present if name not in known]
    return pa.schema(fields)
