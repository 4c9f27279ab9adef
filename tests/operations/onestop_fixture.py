"""A tiny one-stop database (the sandbox's DVCQG schema, in SQLite) whose rows the tests can edit in place."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from sandbox.one_stop import schema

PROCEDURE = "1.000001"
LOADED_AT = "20251202010000"  # every row's NgayCapNhat: the night they were last changed


def dossier_code(day: date, n: int) -> str:
    return f"H57.{day:%Y%m%d}.{n:03d}"


def build_one_stop_db(path: Path, first: date, last: date, per_day: int = 2) -> tuple[str, list[str]]:
    """Dossiers received every day from ``first`` to ``last`` (each with one document and two steps)."""
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    schema.metadata.create_all(engine)
    codes: list[str] = []
    with engine.begin() as con:
        day = first
        while day <= last:
            for n in range(per_day):
                code = dossier_code(day, n)
                codes.append(code)
                received = f"{day:%Y%m%d}0830{n:02d}"
                con.execute(
                    schema.ho_so.insert().values(
                        MaHoSo=code,
                        MaTTHC=PROCEDURE,
                        TenTTHC="Cấp giấy phép xây dựng",
                        KenhThucHien=2,
                        NgayNopHoSo=received,
                        NgayTiepNhan=received,
                        TrangThaiHoSo=4,
                        DonViXuLy="000.00.10.H57",
                        NgayCapNhat=LOADED_AT,
                    )
                )
                con.execute(
                    schema.ho_so_tai_lieu_nop.insert().values(
                        MaHoSo=code, STT=1, TepDinhKemId=f"TL-{code}", TenTepDinhKem="Đơn đề nghị.pdf"
                    )
                )
                for stt in (1, 2):
                    con.execute(
                        schema.tien_do_xu_ly.insert().values(
                            MaHoSo=code,
                            STT=stt,
                            NguoiXuLy="Cán bộ một cửa",
                            NoiDungXuLy="Tiếp nhận" if stt == 1 else "Thẩm định",
                            TrangThai=stt,
                            ThoiDiemXuLy=received,
                            NgayCapNhat=LOADED_AT,
                        )
                    )
            day += timedelta(days=1)
    engine.dispose()
    return url, codes
