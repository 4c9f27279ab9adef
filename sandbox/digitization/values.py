"""Cell values the way departments type them (giá trị nhập liệu thực tế): all text, often messy.

Every value is a string (or None/"" when missing): Vietnamese numbers (``1.234,5``), dd/mm/yyyy dates
with the odd Excel serial or ISO date, old-style tone marks (``hoà``, ``thuỷ``), decomposed Unicode from
some keyboards, old 11-digit mobile numbers, commune names with or without their prefix and diacritics,
swapped latitude/longitude pairs and a few plainly bad values. The mess is what the ``std_<type>`` macros
exist for; the rates are deliberately low so that most rows standardise cleanly.

All draws come from the ``random.Random`` the caller passes in, so a row is a pure function of its seed.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from functools import lru_cache

from sandbox import people, reference_data

# Huế's land area, a little inside the bounding box the latitude/longitude macros check.
LAT_RANGE = (16.05, 16.70)
LON_RANGE = (107.15, 108.10)

_OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ủy": "uỷ", "úy": "uý", "ùy": "uỳ"}
_NAME_STEMS = (
    "Hương Giang",
    "Thuận Hóa",
    "Kim Long",
    "Vỹ Dạ",
    "Phú Xuân",
    "Bạch Mã",
    "Tràng Tiền",
    "An Cựu",
    "Ngự Bình",
    "Thiên Mụ",
    "Đông Ba",
    "Hòa Bình",
    "Thủy Biều",
    "Lăng Cô",
    "Tam Giang",
    "Sông Hương",
)
_STREETS = (
    "Lê Lợi",
    "Hùng Vương",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Bà Triệu",
    "Lý Thường Kiệt",
    "Điện Biên Phủ",
    "Đống Đa",
    "Phan Đình Phùng",
    "Nguyễn Sinh Cung",
    "Tố Hữu",
    "Võ Nguyên Giáp",
    "Chi Lăng",
    "Huỳnh Thúc Kháng",
)
_NOTES = (
    "Đã xác minh",
    "Chờ bổ sung hồ sơ",
    "Cập nhật theo số liệu mới",
    "Đang hoạt động",
    "Tạm ngừng hoạt động",
)
_BAD = {
    "date": ("31/02/2021", "chưa rõ", "00/00/0000", "2021-13-45"),
    "timestamp": ("25:61 12/12/2023", "không rõ"),
    "integer": ("khoảng 20", "n/a", "--"),
    "decimal": ("12,3,4", "không đo"),
    "money": ("miễn phí?", "liên hệ"),
    "phone": ("12345", "0905", "không có"),
    "email": ("abc@", "lienhe.gmail.com", "info@@hue.vn"),
    "url": ("http//hue", "không có"),
    "yes_no": ("?", "chưa rõ"),
    "admin_unit": ("Không rõ", "Xã Không Tồn Tại"),
    "personal_id": ("12345678", "0460A1234567"),
}
_OLD_MOBILE = {
    "32": "162",
    "33": "163",
    "34": "164",
    "35": "165",
    "36": "166",
    "37": "167",
    "38": "168",
    "39": "169",
    "70": "120",
    "79": "121",
    "77": "122",
    "76": "126",
    "78": "128",
    "83": "123",
    "84": "124",
    "85": "125",
    "81": "127",
    "82": "129",
    "56": "186",
    "58": "188",
    "59": "199",
}


_FIRST_VINTAGE = dt.date(2021, 7, 1)


@lru_cache(maxsize=8)
def _communes_of(vintage: str) -> tuple[reference_data.Commune, ...]:
    return reference_data.communes(vintage)


@lru_cache(maxsize=8192)  # called for every place and admin-unit cell; rows share their day
def communes(day: dt.date | None = None) -> tuple[reference_data.Commune, ...]:
    """The communes in force on ``day`` (records typed before 7/2021 used the 2021 list, the oldest we hold)."""
    if day is None or day < _FIRST_VINTAGE:
        return _communes_of("2021")
    return _communes_of(reference_data.vintage_on(day).name)


def old_style_tones(text: str) -> str:
    """Move tone marks to the old placement (hòa → hoà, thủy → thuỷ), as older documents write them."""
    for modern, old in _OLD_TONES.items():
        text = text.replace(modern, old)
    return text


def mess_text(text: str, rng: random.Random) -> str:
    """Typing habits: old tone placement, decomposed Unicode, stray spaces."""
    r = rng.random()
    if r < 0.12:
        return old_style_tones(text)
    if r < 0.16:
        return unicodedata.normalize("NFD", text)
    if r < 0.20:
        return f"  {text.replace(' ', '  ', 1)} "
    return text


def _date(rng: random.Random, start: int, end: int) -> dt.date:
    return dt.date(start, 1, 1) + dt.timedelta(
        days=rng.randrange((dt.date(end, 12, 31) - dt.date(start, 1, 1)).days)
    )


def format_date(day: dt.date, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.70:
        return day.strftime("%d/%m/%Y")
    if r < 0.80:
        return f"{day.day}/{day.month}/{day.year}"
    if r < 0.88:
        return day.isoformat()
    if r < 0.93:
        return str((day - dt.date(1899, 12, 30)).days)  # Excel serial from a spreadsheet export
    return day.strftime("%d-%m-%Y")


def vn_number(value: float, decimals: int) -> str:
    """``1234.5`` → ``1.234,5`` (Vietnamese notation)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def commune_value(rng: random.Random, day: dt.date | None = None) -> str:
    """A commune as typed on ``day``: name, code, bare name, name without diacritics, or lower case."""
    c = rng.choice(communes(day))
    r = rng.random()
    if r < 0.50:
        return c.name
    if r < 0.75:
        return c.code
    bare = (
        c.name.split(" ", 1)[1] if c.name.startswith(("Phường ", "Xã ")) else c.name.removeprefix("Thị trấn ")
    )
    if r < 0.85:
        return bare
    if r < 0.95:
        return people.ascii_fold(bare)
    return c.name.lower()


def phone_value(rng: random.Random, base: str | None = None) -> str:
    number = base or f"09{rng.randrange(10**8):08d}"
    r = rng.random()
    if r < 0.50:
        return number
    if r < 0.62:
        return f"{number[:4]} {number[4:7]} {number[7:]}"
    if r < 0.72:
        return "+84" + number[1:]
    if r < 0.85:
        prefix = number[1:3]
        old = _OLD_MOBILE.get(prefix)
        if old:  # the pre-2018 11-digit form of the same subscriber
            return "0" + old + number[3:]
        return number
    return f"0234 3{rng.randrange(800_000, 900_000)}"  # a Huế landline (area code 0234)


def lat_lon(rng: random.Random) -> tuple[str, str]:
    lat = rng.uniform(*LAT_RANGE)
    lon = rng.uniform(*LON_RANGE)
    r = rng.random()
    if r < 0.02:
        lat, lon = 10.7769, 106.7009  # a Saigon address pasted by mistake: outside Huế
    fmt = (lambda v: f"{v:.5f}".replace(".", ",")) if rng.random() < 0.4 else (lambda v: f"{v:.6f}")
    a, b = fmt(lat), fmt(lon)
    if 0.02 <= r < 0.05:
        a, b = b, a  # swapped columns
    return a, b


def value(semantic_type: str, column_id: str, rng: random.Random, ctx: dict) -> str | None:
    """One cell of ``semantic_type``; ``ctx`` carries row-level draws shared by columns (person, coordinates)."""
    if rng.random() < 0.012 and semantic_type in _BAD:
        return rng.choice(_BAD[semantic_type])
    if semantic_type == "text":
        if column_id == "ghi_chu":
            return rng.choice(_NOTES) if rng.random() < 0.3 else None
        if column_id.startswith("ten_") or column_id in (
            "to_chuc",
            "chu_the",
            "don_vi",
            "nha_dau_tu",
            "thuong_nhan",
        ):
            return mess_text(f"{ctx['label']} {rng.choice(_NAME_STEMS)} {rng.randrange(1, 200)}", rng)
        if column_id == "ngoai_ngu":
            return rng.choice(
                ("Tiếng Anh", "Tiếng Pháp", "Tiếng Hàn", "Tiếng Nhật", "Tiếng Trung", "Tiếng Thái")
            )
        if column_id == "quoc_tich":
            return rng.choice(("Việt Nam", "Hàn Quốc", "Pháp", "Mỹ", "Thái Lan", "Nhật Bản", "Úc"))
        return mess_text(f"{ctx['table_name']} - nội dung {rng.randrange(1, 50)}", rng)
    if semantic_type == "person_name":
        name = ctx["person"].full_name
        r = rng.random()
        return name.upper() if r < 0.1 else mess_text(name, rng)
    if semantic_type == "place_name":
        c = rng.choice(communes(ctx.get("day")))
        where = f"{c.name}, {c.district_name}" if c.district_name else f"{c.name}, thành phố Huế"
        return mess_text(f"{rng.randrange(1, 300)} {rng.choice(_STREETS)}, {where}", rng)
    if semantic_type == "code":
        if column_id == "bien_so":
            return f"75{rng.choice('ABCDEFGH')}-{rng.randrange(100, 999)}.{rng.randrange(10, 99)}"
        if column_id in ("ky_bao_cao", "tuan"):
            return f"{rng.randrange(2019, 2025)}-{'Q' if column_id == 'ky_bao_cao' else 'W'}{rng.randrange(1, 5):02d}"
        code = f"{rng.randrange(10**6):06d}"
        return f" {code.lower()}" if rng.random() < 0.05 else code
    if semantic_type == "date":
        day = _date(rng, 1940, 2015) if "sinh" in column_id else _date(rng, 2005, 2025)
        return format_date(day, rng)
    if semantic_type == "timestamp":
        moment = dt.datetime.combine(
            _date(rng, 2022, 2025), dt.time(rng.randrange(24), rng.randrange(60), rng.randrange(60))
        )
        r = rng.random()
        if r < 0.6:
            return moment.strftime("%d/%m/%Y %H:%M:%S")
        if r < 0.9:
            return moment.strftime("%Y%m%d%H%M%S")
        return moment.isoformat()
    if semantic_type == "integer":
        if column_id == "hang_sao":
            return str(rng.randint(1, 5))
        if column_id.startswith("nam_"):
            return str(rng.randint(1980, 2024))
        n = int(rng.lognormvariate(3.5, 1.2))
        r = rng.random()
        if n >= 1000 and r < 0.6:
            return vn_number(n, 0)
        if n >= 1000 and r < 0.7:
            return f"{n:,}"
        return f" {n} " if r > 0.97 else str(n)
    if semantic_type == "decimal":
        v = rng.lognormvariate(2.5, 1.3)
        return vn_number(v, 2) if rng.random() < 0.6 else f"{v:.2f}"
    if semantic_type == "money":
        amount = rng.randrange(1, 500) * 10_000
        r = rng.random()
        if r < 0.35:
            return f"{vn_number(amount, 0)} đ"
        if r < 0.55:
            return f"{vn_number(amount, 0)}đ"
        if r < 0.65 and amount >= 1_000_000:
            return f"{vn_number(amount / 1_000_000, 1)} triệu"
        if r < 0.75:
            return f"{vn_number(amount, 0)} VNĐ"
        return str(amount)
    if semantic_type == "phone":
        return phone_value(rng, ctx["person"].phone if ctx.get("personal") else None)
    if semantic_type == "email":
        user = people.ascii_fold(ctx["person"].given).lower() + str(rng.randrange(100))
        address = f"{user}@{rng.choice(('gmail.com', 'hue.gov.vn', 'yahoo.com', 'vnpt.vn'))}"
        return address.capitalize() if rng.random() < 0.15 else address
    if semantic_type == "url":
        host = f"{people.ascii_fold(rng.choice(_NAME_STEMS)).replace(' ', '').lower()}{rng.randrange(100)}.vn"
        r = rng.random()
        return f"https://{host}" if r < 0.6 else (f"www.{host}" if r < 0.85 else f"http://{host}/")
    if semantic_type == "yes_no":
        return rng.choice(("Có", "Không", "có", "không", "x", "X", "1", "0", "Đúng", "Sai"))
    if semantic_type == "latitude":
        return ctx["lat_lon"][0]
    if semantic_type == "longitude":
        return ctx["lat_lon"][1]
    if semantic_type == "admin_unit":
        return commune_value(rng, ctx.get("day"))
    if semantic_type == "personal_id":
        person = ctx["person"]
        if rng.random() < 0.03 and person.old_id_card:
            return person.old_id_card
        return person.personal_id
    raise ValueError(f"unknown semantic type {semantic_type!r}")
