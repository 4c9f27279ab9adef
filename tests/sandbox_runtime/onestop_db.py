"""A small one-stop database filled in the test itself with the schema.py tables.

The real generator (sandbox/one_stop/generate.py) is another module's job; the API tests need a database
whose every row they know, so they build one here: deterministic, a few hundred dossiers, equal
``NgayCapNhat`` values on purpose (the order must then fall back to ``MaHoSo``), Vietnamese text, codes
with leading zeros.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from sandbox.one_stop import schema
from sandbox.one_stop.service import db_path, write_marker
from sandbox.scenario import Scenario

BASE = datetime(2023, 1, 2, 8, 0, 0)
NAMES = ("Nguyễn Thị Mai", "Trần Văn Hùng", "Lê Thị Hoà", "Phạm Quốc Thuỷ", "Tôn Nữ Diệu Hương")


def ts(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def dossier_rows(count: int) -> list[dict]:
    rows = []
    for i in range(count):
        # pairs of dossiers share an update time, so ordering needs the MaHoSo tie-break
        updated = BASE + timedelta(hours=7 * (i // 2))
        rows.append(
            {
                "MaHoSo": f"000.00.14.H57-230102-{i:04d}",
                "MaTTHC": f"1.00{i % 7:04d}",
                "TenTTHC": "Cấp giấy chứng nhận đăng ký hộ kinh doanh",
                "MaLinhVuc": "G09-TM01",
                "TenLinhVuc": "Thành lập và hoạt động của hộ kinh doanh",
                "KenhThucHien": 1 + i % 3,
                "LoaiDoiTuong": 1,
                "ChuHoSo": NAMES[i % len(NAMES)],
                "SoGiayToChuHoSo": f"046{i:09d}",
                "SoDienThoai": f"0905{i:06d}",
                "MaXaChuHoSo": "19753",
                "TrichYeuHoSo": "Đăng ký hộ kinh doanh tại phường Phú Hội",
                "NgayNopHoSo": ts(updated - timedelta(hours=1)),
                "NgayTiepNhan": ts(updated - timedelta(minutes=30)),
                "NgayHenTra": ts(updated + timedelta(days=3)) if i % 5 else None,
                "TrangThaiHoSo": 1 + i % 10,
                "DonViXuLy": "000.00.14.H57",
                "HoSoCoThanhPhanSoHoa": i % 2,
                "DuocThanhToanTrucTuyen": i % 3,
                "NgayCapNhat": ts(updated),
            }
        )
    return rows


def build(url: str, dossiers: int = 240) -> dict[str, int]:
    engine = sa.create_engine(url)
    schema.metadata.create_all(engine)
    rows = dossier_rows(dossiers)
    with engine.begin() as conn:
        conn.execute(schema.ho_so.insert(), rows)
        conn.execute(
            schema.ho_so_dinh_danh.insert(),
            [
                {"MaHoSo": r["MaHoSo"], "STT": 1, "LoaiDinhDanh": 1, "SoDinhDanh": r["SoGiayToChuHoSo"]}
                for r in rows
            ],
        )
        conn.execute(
            schema.ho_so_tai_lieu_nop.insert(),
            [
                {
                    "MaHoSo": r["MaHoSo"],
                    "STT": stt,
                    "TenTepDinhKem": f"Tờ khai {stt}.pdf",
                    "DuocSoHoa": stt % 2,
                }
                for r in rows[::3]
                for stt in (1, 2)
            ],
        )
        conn.execute(
            schema.ho_so_le_phi.insert(),
            [
                {
                    "MaHoSo": r["MaHoSo"],
                    "STT": 1,
                    "TenPhiLePhi": "Lệ phí",
                    "MaPhiLePhi": "LP01",
                    "Gia": 100000,
                }
                for r in rows[::4]
            ],
        )
        conn.execute(
            schema.tien_do_xu_ly.insert(),
            [
                {
                    "MaHoSo": r["MaHoSo"],
                    "STT": stt,
                    "NguoiXuLy": "Hồ Văn Sơn",
                    "TrangThai": stt,
                    "NgayCapNhat": r["NgayCapNhat"],
                }
                for r in rows
                for stt in (1, 2)
            ],
        )
        conn.execute(
            schema.thu_tuc.insert(),
            [
                {
                    "MaTTHC": f"1.00{i:04d}",
                    "TenTTHC": f"Thủ tục số {i}",
                    "MaLinhVuc": "G09-TM01",
                    "TenLinhVuc": "Thương mại",
                    "CapThucHien": "TINH",
                    "MucDoDVC": "TOAN_TRINH",
                    "ThoiHanGiaiQuyet": 3,
                    "LePhi": 0,
                    "ThanhToanTrucTuyen": 1,
                    "LienThong": 0,
                    "BuuChinhCongIch": 1,
                    "NgayCapNhat": ts(BASE),
                }
                for i in range(7)
            ],
        )
        conn.execute(
            schema.co_quan.insert(),
            [
                {
                    "MaDonVi": "000.00.14.H57",
                    "TenDonVi": "Sở Kế hoạch và Đầu tư",
                    "CapDonVi": 1,
                    "NgayHieuLuc": "20210701",
                    "NgayCapNhat": ts(BASE),
                }
            ],
        )
        conn.execute(
            schema.linh_vuc.insert(),
            [{"MaLinhVuc": "G09-TM01", "TenLinhVuc": "Thương mại", "NgayCapNhat": ts(BASE)}],
        )
    engine.dispose()
    return {"ho_so": len(rows)}


def prepared_data_dir(data_dir: Path, scenario: Scenario, dossiers: int = 240) -> Path:
    """A data dir the one-stop service's prepare() accepts as already built for ``scenario``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    counts = build(f"sqlite:///{db_path(data_dir)}", dossiers)
    write_marker(data_dir, scenario, counts, 0.0)
    return data_dir
