"""A small hand-made one-stop database for connector and lake tests (not the sandbox generator)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from sandbox.one_stop import schema


def make_db(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")
    schema.metadata.create_all(engine)
    return engine


def dossier(code: str, updated: str, status: int = 4, channel: int | None = 2, **extra) -> dict:
    row = {c.name: None for c in schema.ho_so.columns}
    row.update(
        MaHoSo=code,
        MaTTHC="1.001",
        TenTTHC="Đăng ký khai sinh",
        TrangThaiHoSo=status,
        KenhThucHien=channel,
        NgayTiepNhan="20230105080000",
        NgayHenTra="20230110170000",
        DonViXuLy="000.00.14.H57",
        ChuHoSo="Nguyễn Thị Mai",
        NgayCapNhat=updated,
    )
    row.update(extra)
    return row


def upsert_dossiers(engine: sa.Engine, rows: list[dict]) -> None:
    with engine.begin() as con:
        for row in rows:
            con.execute(sa.delete(schema.ho_so).where(schema.ho_so.c.MaHoSo == row["MaHoSo"]))
            con.execute(sa.insert(schema.ho_so), row)
            con.execute(
                sa.delete(schema.ho_so_dinh_danh).where(schema.ho_so_dinh_danh.c.MaHoSo == row["MaHoSo"])
            )
            con.execute(
                sa.insert(schema.ho_so_dinh_danh),
                {"MaHoSo": row["MaHoSo"], "STT": 1, "LoaiDinhDanh": 1, "SoDinhDanh": "046190000123"},
            )
