"""The open datasets of the sandbox portal (bộ dữ liệu mở), generated deterministically from the scenario.

About a dozen datasets on the topics Huế publishes (tourism accommodation, schools, health facilities,
bus routes, heritage sites, ...). Each :class:`Dataset` declares its columns with a Vietnamese header, an
optional merged group header ("Số học sinh" over "Nam"/"Nữ") and a kind; rows are plain Python values
(``str``, ``int``, ``float``, ``datetime.date``) so that every file flavour is rendered from the same truth.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sandbox import reference_data
from sandbox.scenario import Scenario
from sources.common.vietnamese import strip_diacritics

Kind = Literal["code", "text", "int", "decimal", "money", "percent", "date"]
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    header: str  # Vietnamese header as printed (tiêu đề cột)
    kind: Kind
    group: str | None = None  # merged header cell above this one
    places: int = 0  # decimal places the portal prints for decimal/percent columns
    grouped: bool = True  # thousands separators when printed (not for years)

    @property
    def title(self) -> str:
        """The flattened header a CSV carries: ``Số học sinh - Nam``."""
        return f"{self.group} - {self.header}" if self.group else self.header

    @property
    def key(self) -> str:
        """The JSON API field name, PascalCase without diacritics (``SoHocSinhNam``), as Huế's APIs name fields."""
        words = "".join(c if c.isalnum() else " " for c in strip_diacritics(self.title)).split()
        return "".join(w[:1].upper() + w[1:].lower() for w in words)


@dataclass(frozen=True)
class Dataset:
    slug: str  # dcterms:identifier and URL segment
    title: str
    description: str
    publisher: str  # the department (sở) that owns it
    theme: str
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]
    generate: Callable[[random.Random, int], list[list[Any]]] = field(repr=False)
    base_rows: int = 60
    created: dt.datetime = dt.datetime(2021, 3, 15, 8, 0)
    modified: dt.datetime = dt.datetime(2024, 9, 30, 16, 30)
    csv_flavour: str = "csv"  # the CSV flavour the catalogue advertises for this dataset

    def rows(self, scenario: Scenario) -> list[Row]:
        rng = random.Random(f"open_data:{scenario.seed}:{self.slug}")
        values = self.generate(rng, self.row_count(scenario))
        return [dict(zip((c.key for c in self.columns), row, strict=True)) for row in values]

    def row_count(self, scenario: Scenario) -> int:
        # province-3y publishes what province-year does: only its one-stop history is longer.
        scale = {
            "tiny": 1,
            "calibrated": 1,
            "province-quarter": 4,
            "province-year": 10,
            "province-3y": 10,
            "national-year": 40,
        }
        return self.base_rows * scale[scenario.name]


# ---------------------------------------------------------------------------------------------------------
# Vocabulary

_COMMUNES = reference_data.communes("2021")
_STREETS = (
    "Lê Lợi", "Hùng Vương", "Trần Hưng Đạo", "Nguyễn Huệ", "Lê Duẩn", "Bà Triệu", "Điện Biên Phủ",
    "Nguyễn Trãi", "Phan Đình Phùng", "Hai Bà Trưng", "Võ Thị Sáu", "Chu Văn An", "Đặng Dung",
    "Ngô Quyền", "Trường Chinh", "Tố Hữu", "Phạm Văn Đồng", "Nguyễn Sinh Cung", "Ông Ích Khiêm", "Ưng Bình",
)  # fmt: skip
_NAMES = (
    "Hương Giang", "Sông Hương", "Kinh Thành", "Ngọc Lan", "Thiên Mụ", "Phú Xuân", "Đông Ba", "Vỹ Dạ",
    "Thuận An", "Bạch Mã", "Lăng Cô", "Tràng Tiền", "Ấn Tượng", "Hoàng Cung", "Cẩm Tú", "Ánh Dương",
    "Hoa Sen", "Mai Vàng", "Ơn Trời", "Ước Mơ", "Thảo Nguyên", "An Cựu", "Gia Hội", "Kim Long",
)  # fmt: skip
_PEOPLE = (
    "Nguyễn Tri Phương", "Trần Cao Vân", "Lê Văn Hưu", "Phan Bội Châu", "Hàm Nghi", "Duy Tân",
    "Đào Duy Anh", "Trịnh Công Sơn", "Võ Nguyên Giáp", "Huỳnh Thúc Kháng", "Ngô Đức Kế", "Hải Triều",
)  # fmt: skip


def _commune(rng: random.Random) -> reference_data.Commune:
    return rng.choice(_COMMUNES)


def _place(commune: reference_data.Commune) -> str:
    """The commune's proper name without its kind: ``Phường Tây Lộc`` → ``Tây Lộc``."""
    return commune.name.removeprefix(commune.kind).strip()


def _address(rng: random.Random, commune: reference_data.Commune) -> str:
    return f"{rng.randint(1, 250)} {rng.choice(_STREETS)}, {commune.name}, {commune.district_name}"


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _coords(rng: random.Random) -> tuple[float, float]:
    return round(rng.uniform(16.05, 16.75), 6), round(rng.uniform(107.05, 108.05), 6)


def _phone(rng: random.Random) -> str:
    return f"0234{rng.randint(3500000, 3899999)}"


# ---------------------------------------------------------------------------------------------------------
# Generators, one per dataset: each returns rows in column order


def _accommodation(rng: random.Random, n: int) -> list[list[Any]]:
    kinds = (("Khách sạn", 40, 300), ("Nhà nghỉ", 8, 25), ("Homestay", 3, 12), ("Biệt thự du lịch", 4, 10))
    rows = []
    for i in range(n):
        kind, low, high = rng.choice(kinds)
        commune = _commune(rng)
        stars = rng.randint(1, 5) if kind == "Khách sạn" else 0
        rooms = rng.randint(low, high)
        rows.append(
            [
                f"LT{i + 1:04d}",
                f"{kind} {rng.choice(_NAMES)}",
                kind,
                stars,
                _address(rng, commune),
                commune.code,
                rooms,
                rooms * rng.randint(1, 2) + rng.randint(0, 9),
                rng.randrange(250_000, 4_500_000, 50_000),
                _date(rng, dt.date(2005, 1, 1), dt.date(2024, 9, 1)),
                _phone(rng),
            ]
        )
    return rows


def _schools(rng: random.Random, n: int) -> list[list[Any]]:
    levels = (
        ("Mầm non", "Trường Mầm non"),
        ("Tiểu học", "Trường Tiểu học"),
        ("THCS", "Trường THCS"),
        ("THPT", "Trường THPT"),
    )
    rows = []
    for i in range(n):
        level, prefix = rng.choice(levels)
        commune = _commune(rng)
        classes = rng.randint(8, 45)
        boys = classes * rng.randint(14, 22)
        girls = classes * rng.randint(13, 22)
        rows.append(
            [
                f"0460{i + 1:04d}",  # school codes keep the province's leading zero
                f"{prefix} {rng.choice(_PEOPLE)}",
                level,
                rng.choice(("Công lập", "Công lập", "Công lập", "Tư thục")),
                commune.code,
                classes,
                boys,
                girls,
                round(rng.uniform(55, 100), 2),
                rng.randint(1955, 2020),
            ]
        )
    return rows


def _health(rng: random.Random, n: int) -> list[list[Any]]:
    kinds = (
        ("Bệnh viện", 150, 1200),
        ("Trung tâm Y tế", 50, 250),
        ("Trạm Y tế", 0, 10),
        ("Phòng khám đa khoa", 0, 30),
    )
    rows = []
    for i in range(n):
        kind, low, high = rng.choice(kinds)
        commune = _commune(rng)
        lat, lon = _coords(rng)
        name = f"{kind} {_place(commune)}" if kind == "Trạm Y tế" else f"{kind} {rng.choice(_NAMES)}"
        rows.append(
            [
                f"YT{i + 1:05d}",
                name,
                kind,
                commune.code,
                rng.randint(low, high),
                rng.randint(1, max(2, high // 8)),
                lat,
                lon,
                _date(rng, dt.date(1990, 1, 1), dt.date(2024, 6, 30)),
            ]
        )
    return rows


def _bus_routes(rng: random.Random, n: int) -> list[list[Any]]:
    places = (
        "Bến xe phía Bắc",
        "Bến xe phía Nam",
        "Thuận An",
        "Lăng Cô",
        "Phong Điền",
        "A Lưới",
        "Bình Điền",
        "Sân bay Phú Bài",
        "Chợ Đông Ba",
        "Tứ Hạ",
    )
    rows = []
    for i in range(n):
        start, end = rng.sample(places, 2)
        rows.append(
            [
                f"{i + 1:02d}",  # route numbers "01", "02": codes, never numbers
                f"{start} – {end}",
                start,
                end,
                round(rng.uniform(8, 95), 1),
                rng.randint(6, 80),
                rng.choice((7_000, 10_000, 15_000, 20_000, 35_000, 50_000)),
                f"{rng.randint(5, 6):02d}:{rng.choice((0, 15, 30, 45)):02d}",
                rng.choice(("Công ty CP Xe khách Huế", "HTX Vận tải Thuận Hóa", "Công ty TNHH Phương Trang")),
            ]
        )
    return rows


def _heritage(rng: random.Random, n: int) -> list[list[Any]]:
    kinds = ("Kiến trúc nghệ thuật", "Lịch sử", "Khảo cổ", "Danh lam thắng cảnh")
    names = ("Đình làng", "Chùa", "Lăng", "Miếu", "Nhà thờ họ", "Phủ thờ", "Cầu ngói")
    rows = []
    for i in range(n):
        commune = _commune(rng)
        rows.append(
            [
                f"DT{i + 1:04d}",
                f"{rng.choice(names)} {rng.choice(_NAMES)}",
                rng.choice(kinds),
                rng.choice(("Quốc gia đặc biệt", "Quốc gia", "Cấp tỉnh", "Cấp tỉnh")),
                commune.code,
                rng.randint(1962, 2023),
                round(rng.uniform(120, 45_000), 2),
            ]
        )
    return rows


def _visitors(rng: random.Random, n: int) -> list[list[Any]]:
    rows = []
    month = dt.date(2019, 1, 1)
    for _ in range(n):
        international = rng.randint(40_000, 320_000)
        domestic = rng.randint(90_000, 520_000)
        rows.append(
            [
                month,
                international + domestic,
                international,
                domestic,
                round((international * 1.9 + domestic * 0.8) / 1000, 2),
                round(rng.uniform(35, 92), 2),
            ]
        )
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return rows


def _markets(rng: random.Random, n: int) -> list[list[Any]]:
    rows = []
    for i in range(n):
        commune = _commune(rng)
        rows.append(
            [
                f"CH{i + 1:03d}",
                f"Chợ {_place(commune)}",
                rng.choice(("Hạng 1", "Hạng 2", "Hạng 3", "Hạng 3")),
                commune.code,
                rng.randint(20, 1_800),
                round(rng.uniform(300, 25_000), 2),
            ]
        )
    return rows


def _wifi(rng: random.Random, n: int) -> list[list[Any]]:
    spots = ("Công viên", "Quảng trường", "Bến thuyền", "Nhà văn hóa", "Bảo tàng", "Chợ")
    rows = []
    for i in range(n):
        commune = _commune(rng)
        lat, lon = _coords(rng)
        rows.append(
            [
                f"WF{i + 1:04d}",
                f"{rng.choice(spots)} {rng.choice(_NAMES)}",
                _address(rng, commune),
                lat,
                lon,
                _date(rng, dt.date(2018, 1, 1), dt.date(2024, 9, 1)),
            ]
        )
    return rows


def _dossier_counts(rng: random.Random, n: int) -> list[list[Any]]:
    units = [("000.00.14.H57", "Sở Tư pháp"), ("000.00.15.H57", "Sở Y tế"), ("000.00.16.H57", "Sở Du lịch")]
    units += [
        (f"000.{k:02d}.31.H57", f"UBND {name}")
        for k, name in enumerate(sorted({c.district_name for c in _COMMUNES if c.district_name}), 1)
    ]
    periods = ("15/12/2022 - 14/03/2023", "15/03/2023 - 14/06/2023", "15/06/2024 - 15/09/2024")
    rows = []
    for i in range(n):
        code, name = units[i % len(units)]
        received = rng.randint(800, 35_000)
        online = rng.randint(received // 4, received)
        resolved = rng.randint(received * 7 // 10, received)
        rows.append(
            [
                code,
                name,
                periods[(i // len(units)) % len(periods)],
                received,
                online,
                round(online * 100 / received, 2),
                resolved,
                rng.randint(resolved * 9 // 10, resolved),
            ]
        )
    return rows


def _pharmacies(rng: random.Random, n: int) -> list[list[Any]]:
    rows = []
    for i in range(n):
        commune = _commune(rng)
        rows.append(
            [
                f"NT{i + 1:05d}",
                f"Nhà thuốc {rng.choice(_NAMES)}",
                commune.code,
                _address(rng, commune),
                _date(rng, dt.date(2010, 1, 1), dt.date(2024, 8, 31)),
                f"{rng.randint(1, 9999):05d}/CCHN-SYT-TTH",
            ]
        )
    return rows


def _parking(rng: random.Random, n: int) -> list[list[Any]]:
    rows = []
    for i in range(n):
        commune = _commune(rng)
        rows.append(
            [
                f"BX{i + 1:03d}",
                f"Bãi đỗ xe {rng.choice(_NAMES)}",
                _address(rng, commune),
                rng.randint(20, 600),
                rng.choice((3_000, 5_000)),
                rng.choice((20_000, 25_000, 30_000, 50_000)),
            ]
        )
    return rows


# ---------------------------------------------------------------------------------------------------------

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "co-so-luu-tru-du-lich",
        "Danh sách cơ sở lưu trú du lịch trên địa bàn tỉnh Thừa Thiên Huế",
        "Các khách sạn, nhà nghỉ, homestay đã được cấp phép kinh doanh lưu trú du lịch.",
        "Sở Du lịch",
        "Du lịch",
        ("du lịch", "lưu trú", "khách sạn"),
        (
            Column("Mã cơ sở", "code"),
            Column("Tên cơ sở", "text"),
            Column("Loại hình", "text"),
            Column("Hạng sao", "int"),
            Column("Địa chỉ", "text"),
            Column("Mã phường xã", "code"),
            Column("Số phòng", "int"),
            Column("Số giường", "int"),
            Column("Giá phòng trung bình (đồng/đêm)", "money"),
            Column("Ngày cấp phép", "date"),
            Column("Số điện thoại", "code"),
        ),
        _accommodation,
        base_rows=80,
    ),
    Dataset(
        "truong-hoc",
        "Danh sách trường học",
        "Các trường mầm non, tiểu học, trung học cơ sở và trung học phổ thông, số lớp và số học sinh.",
        "Sở Giáo dục và Đào tạo",
        "Giáo dục",
        ("giáo dục", "trường học"),
        (
            Column("Mã trường", "code"),
            Column("Tên trường", "text"),
            Column("Cấp học", "text"),
            Column("Loại hình", "text"),
            Column("Mã phường xã", "code"),
            Column("Số lớp", "int"),
            Column("Nam", "int", group="Số học sinh"),
            Column("Nữ", "int", group="Số học sinh"),
            Column("Tỷ lệ phòng học đạt chuẩn (%)", "percent", places=2),
            Column("Năm thành lập", "int", grouped=False),
        ),
        _schools,
        base_rows=90,
        csv_flavour="csv-tcvn3",
    ),
    Dataset(
        "co-so-y-te",
        "Danh sách cơ sở khám bệnh, chữa bệnh",
        "Bệnh viện, trung tâm y tế, trạm y tế xã và phòng khám, với số giường bệnh và vị trí.",
        "Sở Y tế",
        "Y tế",
        ("y tế", "bệnh viện"),
        (
            Column("Mã cơ sở", "code"),
            Column("Tên cơ sở", "text"),
            Column("Loại cơ sở", "text"),
            Column("Mã phường xã", "code"),
            Column("Số giường bệnh", "int"),
            Column("Số bác sĩ", "int"),
            Column("Vĩ độ", "decimal", places=6),
            Column("Kinh độ", "decimal", places=6),
            Column("Ngày hoạt động", "date"),
        ),
        _health,
        base_rows=70,
        csv_flavour="csv-bom",
    ),
    Dataset(
        "tuyen-xe-buyt",
        "Các tuyến xe buýt nội tỉnh",
        "Tuyến, điểm đầu, điểm cuối, cự ly, số chuyến và giá vé.",
        "Sở Giao thông vận tải",
        "Giao thông",
        ("giao thông", "xe buýt"),
        (
            Column("Mã tuyến", "code"),
            Column("Tên tuyến", "text"),
            Column("Điểm đầu", "text"),
            Column("Điểm cuối", "text"),
            Column("Cự ly (km)", "decimal", places=1),
            Column("Số chuyến/ngày", "int"),
            Column("Giá vé (đồng)", "money"),
            Column("Giờ xuất bến đầu tiên", "text"),
            Column("Đơn vị khai thác", "text"),
        ),
        _bus_routes,
        base_rows=24,
        csv_flavour="csv-vni",
    ),
    Dataset(
        "di-tich-lich-su-van-hoa",
        "Danh mục di tích lịch sử – văn hóa đã xếp hạng",
        "Di tích được xếp hạng cấp quốc gia đặc biệt, cấp quốc gia và cấp tỉnh.",
        "Sở Văn hóa và Thể thao",
        "Văn hóa",
        ("di tích", "văn hóa"),
        (
            Column("Mã di tích", "code"),
            Column("Tên di tích", "text"),
            Column("Loại hình", "text"),
            Column("Cấp xếp hạng", "text"),
            Column("Mã phường xã", "code"),
            Column("Năm xếp hạng", "int", grouped=False),
            Column("Diện tích (m2)", "decimal", places=2),
        ),
        _heritage,
        base_rows=60,
        csv_flavour="csv-1258",
    ),
    Dataset(
        "khach-du-lich-theo-thang",
        "Lượt khách du lịch theo tháng",
        "Tổng lượt khách, khách quốc tế và nội địa, doanh thu du lịch và công suất phòng bình quân.",
        "Sở Du lịch",
        "Du lịch",
        ("du lịch", "thống kê"),
        (
            Column("Tháng", "date"),
            Column("Tổng lượt khách", "int"),
            Column("Quốc tế", "int", group="Lượt khách"),
            Column("Nội địa", "int", group="Lượt khách"),
            Column("Doanh thu (tỷ đồng)", "decimal", places=2),
            Column("Công suất phòng (%)", "percent", places=2),
        ),
        _visitors,
        base_rows=60,
    ),
    Dataset(
        "cho-truyen-thong",
        "Danh sách chợ",
        "Chợ theo hạng, số hộ kinh doanh và diện tích.",
        "Sở Công Thương",
        "Thương mại",
        ("chợ", "thương mại"),
        (
            Column("Mã chợ", "code"),
            Column("Tên chợ", "text"),
            Column("Hạng chợ", "text"),
            Column("Mã phường xã", "code"),
            Column("Số hộ kinh doanh", "int"),
            Column("Diện tích (m2)", "decimal", places=2),
        ),
        _markets,
        base_rows=50,
        csv_flavour="csv-tcvn3",
    ),
    Dataset(
        "diem-wifi-cong-cong",
        "Điểm truy cập wifi công cộng miễn phí",
        "Vị trí các điểm wifi công cộng do tỉnh đầu tư.",
        "Sở Thông tin và Truyền thông",
        "Thông tin và Truyền thông",
        ("wifi", "hạ tầng số"),
        (
            Column("Mã điểm", "code"),
            Column("Tên điểm", "text"),
            Column("Địa chỉ", "text"),
            Column("Vĩ độ", "decimal", places=6),
            Column("Kinh độ", "decimal", places=6),
            Column("Ngày lắp đặt", "date"),
        ),
        _wifi,
        base_rows=60,
    ),
    Dataset(
        "ho-so-thu-tuc-hanh-chinh",
        "Tình hình tiếp nhận và giải quyết hồ sơ thủ tục hành chính",
        "Số hồ sơ tiếp nhận, trực tuyến, đã giải quyết và đúng hạn theo đơn vị và kỳ báo cáo.",
        "Văn phòng UBND tỉnh",
        "Cải cách hành chính",
        ("thủ tục hành chính", "một cửa"),
        (
            Column("Mã đơn vị", "code"),
            Column("Tên đơn vị", "text"),
            Column("Kỳ báo cáo", "text"),
            Column("Tiếp nhận", "int", group="Số hồ sơ"),
            Column("Trực tuyến", "int", group="Số hồ sơ"),
            Column("Tỷ lệ trực tuyến (%)", "percent", places=2),
            Column("Đã giải quyết", "int", group="Kết quả"),
            Column("Đúng hạn", "int", group="Kết quả"),
        ),
        _dossier_counts,
        base_rows=36,
        csv_flavour="csv-bom",
    ),
    Dataset(
        "nha-thuoc",
        "Danh sách nhà thuốc đạt GPP",
        "Nhà thuốc được cấp giấy chứng nhận thực hành tốt cơ sở bán lẻ thuốc.",
        "Sở Y tế",
        "Y tế",
        ("y tế", "nhà thuốc"),
        (
            Column("Mã nhà thuốc", "code"),
            Column("Tên nhà thuốc", "text"),
            Column("Mã phường xã", "code"),
            Column("Địa chỉ", "text"),
            Column("Ngày cấp phép", "date"),
            Column("Số chứng chỉ hành nghề", "code"),
        ),
        _pharmacies,
        base_rows=60,
        csv_flavour="csv-vni",
    ),
    Dataset(
        "bai-do-xe",
        "Điểm trông giữ xe công cộng",
        "Bãi đỗ xe, sức chứa và giá vé trông giữ.",
        "Sở Giao thông vận tải",
        "Giao thông",
        ("giao thông", "bãi đỗ xe"),
        (
            Column("Mã bãi", "code"),
            Column("Tên bãi", "text"),
            Column("Địa chỉ", "text"),
            Column("Sức chứa (xe)", "int"),
            Column("Xe máy", "money", group="Giá vé (đồng/lượt)"),
            Column("Ô tô", "money", group="Giá vé (đồng/lượt)"),
        ),
        _parking,
        base_rows=30,
        csv_flavour="csv-1258",
    ),
)

# Departments update their datasets on different days: spread the modification times so that an
# incremental harvest (cursor = dcterms:modified) has something to tell apart.
DATASETS = tuple(
    replace(d, modified=dt.datetime(2024, 1, 8, 9, 0) + dt.timedelta(days=23 * i, hours=i, minutes=7 * i))
    for i, d in enumerate(DATASETS)
)
BY_SLUG: dict[str, Dataset] = {d.slug: d for d in DATASETS}

PUBLISHERS: tuple[str, ...] = tuple(sorted({d.publisher for d in DATASETS}))
