"""SQL schema of the one-stop database, in the DVCQG synchronisation shape (domain guide §1).

Column names are the DVCQG field names so that the same connector reads a real provincial one-stop
database (or its replica) by changing the connection URL only. Dates are stored as the
``yyyyMMddHHmmss`` text the national sync uses, in Asia/Ho_Chi_Minh local time; codes are text.
Nested lists of the DVCQG record (``DinhDanhCHS[]``, ``TaiLieuNop[]``, ...) are child tables keyed by
``MaHoSo`` and a sequence number ``STT``; a procedure's online-level history (``thu_tuc_muc_do_dvc``) is
keyed by ``MaTTHC`` and ``STT`` the same way.

``NgayCapNhat`` is the update cursor: every insert or change of a dossier (or of one of its child
rows) sets it to the change time.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, Numeric, PrimaryKeyConstraint, String, Table, Text

metadata = MetaData()

TS = String(14)  # yyyyMMddHHmmss

linh_vuc = Table(  # fields of procedures (lĩnh vực)
    "linh_vuc",
    metadata,
    Column("MaLinhVuc", String(32), primary_key=True),
    Column("TenLinhVuc", Text, nullable=False),
    Column("NgayCapNhat", TS, nullable=False),
)

thu_tuc = Table(  # administrative procedures (thủ tục hành chính, TTHC)
    "thu_tuc",
    metadata,
    Column("MaTTHC", String(32), primary_key=True),
    Column("TenTTHC", Text, nullable=False),
    Column("MaLinhVuc", String(32), nullable=False),
    Column("TenLinhVuc", Text, nullable=False),
    Column("CapThucHien", String(32), nullable=False),  # comma list of levels: TINH,HUYEN,XA
    Column(
        "MucDoDVC", String(16), nullable=False
    ),  # current level: TOAN_TRINH full | MOT_PHAN partial | KHONG
    Column("ThoiHanGiaiQuyet", Integer),  # maximum processing time in working days; NULL = not set
    Column("LePhi", Numeric(18, 0), nullable=False),  # fee in VND; 0 = free
    Column("ThanhToanTrucTuyen", Integer, nullable=False),  # 1 = fee payable online (indicator 3.5)
    Column("LienThong", Integer, nullable=False),  # 1 = inter-agency (liên thông)
    Column("BuuChinhCongIch", Integer, nullable=False),  # 1 = via public postal service
    # Nullable (added later, as a real system's would be): NULL reads as "not a vertical sector" / "always".
    Column("NganhDoc", Integer),  # 1 = vertical sector (police, tax, social insurance) at district desks
    Column("NgayHieuLuc", String(8)),  # yyyyMMdd, in force from (effective date)
    Column("NgayHetHieuLuc", String(8)),  # yyyyMMdd, last day in force (inclusive); NULL = not abolished
    Column("NgayCapNhat", TS, nullable=False),  # any change, to the procedure or to its online-level history
)

thu_tuc_muc_do_dvc = Table(  # online-level history of a procedure (lịch sử mức độ dịch vụ công trực tuyến)
    "thu_tuc_muc_do_dvc",
    metadata,
    Column("MaTTHC", String(32), nullable=False),
    Column("STT", Integer, nullable=False),  # 1, 2, ... in time order
    Column("MucDoDVC", String(16), nullable=False),  # TOAN_TRINH | MOT_PHAN | KHONG
    Column("NgayHieuLuc", String(8), nullable=False),  # yyyyMMdd, level in force from
    Column("NgayHetHieuLuc", String(8)),  # yyyyMMdd, last day of this level (inclusive); NULL = current
    PrimaryKeyConstraint("MaTTHC", "STT"),
)

co_quan = Table(  # agencies (cơ quan, đơn vị) with DVCQG electronic identifiers
    "co_quan",
    metadata,
    Column("MaDonVi", String(32), primary_key=True),  # e.g. 000.00.14.H57
    Column("TenDonVi", Text, nullable=False),
    Column("CapDonVi", Integer, nullable=False),  # 1 province (sở/tỉnh), 2 district (huyện), 3 commune (xã)
    Column("MaDonViCha", String(32)),
    Column("MaDVHC", String(8)),  # administrative-unit code (district 3 digits, commune 5 digits)
    Column("NgayHieuLuc", String(8), nullable=False),  # yyyyMMdd, valid from
    Column("NgayHetHieuLuc", String(8)),  # yyyyMMdd, valid to (inclusive); NULL = still valid
    Column("NgayCapNhat", TS, nullable=False),
)

ho_so = Table(  # dossiers (hồ sơ)
    "ho_so",
    metadata,
    Column("MaHoSo", String(64), primary_key=True),
    Column("MaTTHC", String(32), nullable=False),
    Column("TenTTHC", Text),
    Column("MaLinhVuc", String(32)),
    Column("TenLinhVuc", Text),
    Column("KenhThucHien", Integer),  # 1 in person, 2 online, 3 public post; NULL counts as in person
    Column("LoaiDoiTuong", Integer),  # 1 citizen, 2 enterprise, 3 state agency, 4 other organisation
    Column("MaDoiTuong", String(64)),
    Column("ChuHoSo", Text),
    Column("SoGiayToChuHoSo", String(32)),
    Column("SoDienThoai", String(20)),
    Column("Email", Text),
    Column("DiaChiChuHoSo", Text),
    Column("MaXaChuHoSo", String(8)),  # applicant's commune code, of the vintage valid at submission
    Column("TrichYeuHoSo", Text),
    Column("NgayNopHoSo", TS),
    Column("NgayTiepNhan", TS),
    Column("NgayHenTra", TS),  # due date; may be empty
    Column("NgayTuChoi", TS),
    Column("NgayKetThucXuLy", TS),
    Column("NgayTra", TS),
    Column("TrangThaiHoSo", Integer, nullable=False),  # 1..10, see domain guide §1
    Column("HinhThuc", Integer),
    Column("DonViXuLy", String(32)),  # MaDonVi of the handling agency
    Column("NoiNopHoSo", Integer),
    Column("HoSoCoThanhPhanSoHoa", Integer),
    Column("TaiKhoanDuocXacThucVoiVNeID", Integer),
    Column("DuocThanhToanTrucTuyen", Integer),  # 1 DVCQG, 2 provincial gateway, else not paid online
    Column("DongBoDVCQG", Integer),  # 1 = synced to the national portal (indicator 1.4)
    Column("CoPhanAnhKienNghi", Integer),  # 1 = complaint or "dislike" rating (indicator 5.4)
    Column("NgayCapNhat", TS, nullable=False),
)
Index("ix_ho_so_cursor", ho_so.c.NgayCapNhat, ho_so.c.MaHoSo)


def _child(name: str, *columns: Column) -> Table:
    return Table(
        name,
        metadata,
        Column("MaHoSo", String(64), nullable=False),
        Column("STT", Integer, nullable=False),
        *columns,
        PrimaryKeyConstraint("MaHoSo", "STT"),
    )


ho_so_dinh_danh = _child(  # DinhDanhCHS[]: applicant identifiers
    "ho_so_dinh_danh",
    Column("LoaiDinhDanh", Integer, nullable=False),  # 1 = 12-digit personal ID, 2 = 9-digit old ID card
    Column("SoDinhDanh", String(16), nullable=False),
)
ho_so_tai_lieu_nop = _child(  # TaiLieuNop[]: submitted documents
    "ho_so_tai_lieu_nop",
    Column("TepDinhKemId", String(64)),
    Column("TenTepDinhKem", Text),
    Column("MaThanhPhanHoSo", String(64)),
    Column("DuongDanTaiTepTin", Text),
    Column("DuocSoHoa", Integer),
    Column("DuocTaiSuDung", Integer),
    Column("DuocLayTuKhoDMQG", Integer),
)
ho_so_le_phi = _child(  # DanhSachLePhi[]: fees
    "ho_so_le_phi",
    Column("TenPhiLePhi", Text),
    Column("MaPhiLePhi", String(64)),
    Column("Gia", Numeric(18, 0)),
)
ho_so_bo_sung = _child(  # DanhSachHoSoBoSung[]: supplement requests
    "ho_so_bo_sung",
    Column("NgayBoSung", TS),  # request sent to the citizen
    Column("NgayTiepNhanBoSung", TS),  # supplement received back
    Column("NgayHenTraTruoc", TS),
    Column("NgayHenTraMoi", TS),
    Column("NoiDungBoSung", Text),
)
ho_so_giay_to_ket_qua = _child(  # DanhSachGiayToKetQua[]: result documents
    "ho_so_giay_to_ket_qua",
    Column("TenGiayTo", Text),
    Column("DuongDanTepTinKetQua", Text),
    Column("MaGiayToKetQua", String(64)),
)

tien_do_xu_ly = Table(  # processing steps (CapNhatTienDoHoSoMC)
    "tien_do_xu_ly",
    metadata,
    Column("MaHoSo", String(64), nullable=False),
    Column("STT", Integer, nullable=False),
    Column("NguoiXuLy", Text),
    Column("ChucDanh", Text),
    Column("ThoiDiemXuLy", TS),
    Column("PhongBanXuLy", Text),
    Column("NoiDungXuLy", Text),
    Column("TrangThai", Integer),
    Column("NgayBatDau", TS),
    Column("NgayKetThucTheoQuyDinh", TS),
    Column("NgayCapNhat", TS, nullable=False),
    PrimaryKeyConstraint("MaHoSo", "STT"),
)
Index("ix_tien_do_cursor", tien_do_xu_ly.c.NgayCapNhat, tien_do_xu_ly.c.MaHoSo, tien_do_xu_ly.c.STT)

DOSSIER_CHILD_TABLES = (
    ho_so_dinh_danh,
    ho_so_tai_lieu_nop,
    ho_so_le_phi,
    ho_so_bo_sung,
    ho_so_giay_to_ket_qua,
)
