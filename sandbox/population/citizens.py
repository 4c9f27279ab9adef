"""The ``CongDan`` record the sandbox register answers (thông tin công dân), built from :mod:`sandbox.people`.

``lookup_outcome`` decides how the register's record relates to what the one-stop applicant declared:
``match`` returns the person as is; ``name_mismatch`` a record whose middle or given name differs (a
spelling recorded differently at registration); ``birth_date_mismatch`` another day of the same birth
year (the year stays consistent with the ID); ``unknown`` no record at all.

The record carries every field of domain guide §3, sensitive ones included, because the real register
does: proving that the connector drops them is the point of the sandbox.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from typing import Any

from sandbox import people, reference_data
from sandbox.one_stop import vocab

COUNTRY = "VN"
_SEX_CODE = {"Nam": "1", "Nữ": "2"}


def _roll(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


@functools.cache
def _district_of() -> dict[str, str]:
    return {c.code: c.district_code or "" for c in reference_data.communes("2021")}


def _address(province3: str, commune: str | None, detail: str | None) -> dict[str, str | None]:
    in_hue = province3 == "046" and commune is not None
    return {
        "MaTinhThanh": province3[-2:],
        "MaQuanHuyen": _district_of().get(commune or "") if in_hue else None,
        "MaPhuongXa": commune if in_hue else None,
        "ChiTiet": detail,
        "QuocGia": COUNTRY,
    }


def _other_name(current: str, choices: tuple[str, ...], roll: int) -> str:
    options = [c for c in choices if c != current]
    return options[roll % len(options)]


def _relative(seed: int, index: int, role: str, family: str, male: bool, birth_year: int) -> dict[str, str]:
    r = _roll("relative", seed, index, role)
    middles = [m for m, _ in (vocab.MIDDLE_NAMES_MALE if male else vocab.MIDDLE_NAMES_FEMALE)]
    givens = vocab.GIVEN_NAMES_MALE if male else vocab.GIVEN_NAMES_FEMALE
    name = f"{family} {middles[r % len(middles)]} {givens[(r >> 8) % len(givens)]}"
    century_sex = (0 if birth_year < 2000 else 2) + (0 if male else 1)
    personal_id = f"046{century_sex}{birth_year % 100:02d}{(r >> 16) % 1_000_000:06d}"
    return {"HoVaTen": name, "SoDinhDanh": personal_id, "QuocTich": COUNTRY}


def citizen_record(seed: int, index: int, outcome: str) -> dict[str, Any] | None:
    """The register's ``CongDan`` for person ``index`` under ``outcome``; ``None`` when ``unknown``."""
    if outcome == "unknown":
        return None
    p = people.person(seed, index)
    middle, given, birth = p.middle, p.given, p.birth_date
    if outcome == "name_mismatch":
        r = _roll("name", seed, index)
        if r % 2:
            pool = vocab.GIVEN_NAMES_FEMALE if p.sex == "Nữ" else vocab.GIVEN_NAMES_MALE
            given = _other_name(given, tuple(n for n in pool if n != middle), r >> 1)
        else:
            pool_w = vocab.MIDDLE_NAMES_FEMALE if p.sex == "Nữ" else vocab.MIDDLE_NAMES_MALE
            middle = _other_name(middle, tuple(m for m, _ in pool_w if m != given), r >> 1)
    elif outcome == "birth_date_mismatch":
        days = 366 if (birth.year % 4 == 0 and (birth.year % 100 or birth.year % 400 == 0)) else 365
        shift = 1 + _roll("birth", seed, index) % (days - 1)
        birth = dt.date(birth.year, 1, 1) + dt.timedelta(days=(birth.timetuple().tm_yday - 1 + shift) % days)
    elif outcome != "match":
        raise ValueError(f"unknown lookup outcome {outcome!r}")

    residence = _address("046", p.commune_code, p.address_detail)
    married = p.marital_status == "Đã kết hôn"
    household_head_roll = _roll("household", seed, index) % 3
    father = _relative(seed, index, "Cha", p.family, True, birth.year - 28)
    mother = _relative(
        seed, index, "Me", vocab.FAMILY_NAMES[_roll("mf", seed, index) % 10][0], False, birth.year - 25
    )
    spouse = None
    if married:
        spouse = _relative(seed, index, "VoChong", vocab.FAMILY_NAMES[_roll("sf", seed, index) % 10][0],
                           p.sex == "Nữ", birth.year + (-2 if p.sex == "Nữ" else 2))  # fmt: skip
    if household_head_roll == 0 or (household_head_roll == 1 and spouse is None):
        head = {"HoVaTen": f"{p.family} {middle} {given}", "SoDinhDanh": p.personal_id, "QuanHe": "Chủ hộ"}
    elif household_head_roll == 1:
        head = {**spouse, "QuanHe": "Vợ" if p.sex == "Nam" else "Chồng"}
    else:
        head = {**father, "QuanHe": "Cha"}
    return {
        "SoDinhDanh": p.personal_id,
        "SoCMND": p.old_id_card,
        "HoVaTen": {"Ho": p.family, "ChuDem": middle, "Ten": given},
        "GioiTinh": _SEX_CODE[p.sex],
        "DanToc": p.ethnicity,
        "TonGiao": p.religion,
        "TinhTrangHonNhan": p.marital_status,
        "NhomMau": p.blood_group,
        "NgayThangNam": birth.strftime("%Y%m%d"),
        "QuocTich": COUNTRY,
        "NoiDangKyKhaiSinh": _address(p.birth_province_code, p.commune_code, None),
        "QueQuan": _address(p.birth_province_code, None, None),
        "ThuongTru": residence,
        "NoiOHienTai": dict(residence),
        "Cha": father,
        "Me": mother,
        "VoChong": spouse,
        "NguoiDaiDien": None,  # adults only: nobody represents them
        "ChuHo": head,
        "SoSoHoKhau": f"{p.commune_code}{_roll('hk', seed, index) % 10_000_000:07d}",
    }
