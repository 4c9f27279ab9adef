"""Cases for the semantic-type macros: (type, raw, raw2, expected value as text, expected issue).

Values are compared as the adapters render them when cast to text (decimal(38,6) keeps six places,
timestamps 'YYYY-MM-DD HH:MM:SS'). raw2 is the longitude for latitude/longitude cases (the latitude for
longitude cases) and the as-of date text for admin_unit. Personal IDs expect PSEUDONYM(digits): the test
computes sha256(key || digits) in Python, independently of the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

NBSP = "\u00a0"


@dataclass(frozen=True)
class Pseudonym:
    digits: str


C = tuple[str, str | None, str | None, object, str | None]

TEXT: list[C] = [
    ("text", "hoà bình", None, "hòa bình", None),
    ("text", "Thừa Thiên Huế", None, "Thừa Thiên Huế", None),
    ("text", "thuỷ biều", None, "thủy biều", None),
    ("text", "Uỷ ban nhân dân", None, "Ủy ban nhân dân", None),
    ("text", "HOÀ VANG", None, "HÒA VANG", None),
    ("text", "xoè hoa, loé sáng", None, "xòe hoa, lóe sáng", None),
    ("text", "hoạ sĩ khoẻ mạnh", None, "họa sĩ khỏe mạnh", None),
    ("text", "tuỳ ý, luỹ tre, truỵ", None, "tùy ý, lũy tre, trụy", None),
    ("text", "quý khách, quả cam", None, "quý khách, quả cam", None),  # qu- keeps the mark on the vowel
    ("text", "hoàng hôn, khuỷu tay, hoài", None, "hoàng hôn, khuỷu tay, hoài", None),  # not syllable-final
    ("text", "hoa\u0300 bi\u0300nh", None, "hòa bình", None),  # decomposed (NFD) input
    ("text", "  Phường\tThuận\n Hóa  ", None, "Phường Thuận Hóa", None),
    ("text", f"Huế{NBSP}{NBSP}xưa", None, "Huế xưa", None),
    ("text", "Huế\u200b", None, "Huế", None),  # zero-width space
    ("text", "Thõa Thiªn HuÕ", None, None, "suspected_legacy_encoding"),  # TCVN3 read as Latin-1
    ("text", "Thöøa Thieân Hueá", None, None, "suspected_legacy_encoding"),  # VNI read as Latin-1
    ("text", "Hu\ufffd", None, None, "replacement_character"),
    (
        "text",
        "\x95 Huế",
        None,
        None,
        "suspected_legacy_encoding",
    ),  # C1 control: Windows-1252 bullet mis-decoded
    ("text", "   ", None, None, None),
    ("text", None, None, None, None),
    ("person_name", "NGUYỄN thị  mai", None, "Nguyễn Thị Mai", None),
    ("person_name", "trần văn hoà", None, "Trần Văn Hòa", None),
    ("person_name", "lê   THỊ   thuý", None, "Lê Thị Thúy", None),
    ("person_name", "Đặng Đình Ước", None, "Đặng Đình Ước", None),
    ("person_name", "Nguyễn Văn 2", None, None, "invalid_person_name"),
    ("person_name", "mai@hue.vn", None, None, "invalid_person_name"),
    ("place_name", "thành phố huế", None, "Thành Phố Huế", None),
    ("place_name", "phường thuận hoá", None, "Phường Thuận Hóa", None),
    ("place_name", "XÃ A LƯỚI 1", None, "Xã A Lưới 1", None),
    ("place_name", "Thõa Thiªn HuÕ", None, None, "suspected_legacy_encoding"),
    ("code", " h57 ", None, "H57", None),
    ("code", "000.00.14.H57", None, "000.00.14.H57", None),
    ("code", "046", None, "046", None),
    ("code", "00001", None, "00001", None),
    ("code", "46.0", None, None, "numeric_artifact"),
    ("code", "4.6E+11", None, None, "scientific_notation"),
    ("code", "", None, None, None),
]

DATES: list[C] = [
    ("date", "15/03/2024", None, "2024-03-15", None),
    ("date", "5/3/2024", None, "2024-03-05", None),
    ("date", "05-03-2024", None, "2024-03-05", None),
    ("date", "05.03.2024", None, "2024-03-05", None),
    ("date", "2024-03-05", None, "2024-03-05", None),
    ("date", "2024/3/5", None, "2024-03-05", None),
    ("date", "20240305", None, "2024-03-05", None),
    ("date", "20240305143000", None, "2024-03-05", None),
    ("date", "45356", None, "2024-03-05", None),  # Excel serial
    ("date", "45356.75", None, "2024-03-05", None),
    ("date", "29/02/2024", None, "2024-02-29", None),
    ("date", "29/02/2023", None, None, "invalid_date"),
    ("date", "31/04/2024", None, None, "invalid_date"),
    ("date", "15/13/2024", None, None, "invalid_date"),
    ("date", "29/02/1900", None, None, "invalid_date"),  # 1900 is not a leap year
    ("date", "29/02/2000", None, "2000-02-29", None),
    ("date", "01/01/1850", None, None, "date_out_of_range"),
    ("date", "2024-03-04T20:30:00Z", None, "2024-03-05", None),  # 03:30 next day in Huế
    ("date", "ngày 5 tháng 3", None, None, "invalid_date"),
    ("date", "2024", None, None, "invalid_date"),
    ("date", " ", None, None, None),
    ("timestamp", "20240315083000", None, "2024-03-15 08:30:00", None),
    ("timestamp", "15/03/2024 08:30", None, "2024-03-15 08:30:00", None),
    ("timestamp", "15/03/2024 08:30:45", None, "2024-03-15 08:30:45", None),
    ("timestamp", "08:30 15/03/2024", None, "2024-03-15 08:30:00", None),
    ("timestamp", "8h30 15/3/2024", None, "2024-03-15 08:30:00", None),
    ("timestamp", "2024-03-15T08:30:00", None, "2024-03-15 08:30:00", None),
    ("timestamp", "2024-03-15 08:30", None, "2024-03-15 08:30:00", None),
    ("timestamp", "2024-03-15T01:30:00Z", None, "2024-03-15 08:30:00", None),
    ("timestamp", "2024-03-15T08:30:00+07:00", None, "2024-03-15 08:30:00", None),
    ("timestamp", "2024-03-15T03:30:00+02:00", None, "2024-03-15 08:30:00", None),
    ("timestamp", "2024-03-14T20:30:00-05:00", None, "2024-03-15 08:30:00", None),
    ("timestamp", "2024-03-15", None, "2024-03-15 00:00:00", None),
    ("timestamp", "45366.5", None, "2024-03-15 12:00:00", None),
    ("timestamp", "20240315250000", None, None, "invalid_timestamp"),
    ("timestamp", "15/03/2024 08:61", None, None, "invalid_timestamp"),
    ("timestamp", "hôm qua", None, None, "invalid_timestamp"),
]

NUMBERS: list[C] = [
    ("integer", "1234", None, "1234", None),
    ("integer", "106.071", None, "106071", None),  # Vietnamese thousands
    ("integer", "1.234.567", None, "1234567", None),
    ("integer", "1,234,567", None, "1234567", None),
    ("integer", "-42", None, "-42", None),
    ("integer", "1 234 567", None, "1234567", None),
    ("integer", f"90{NBSP}439", None, "90439", None),
    ("integer", "1.234,0", None, "1234", None),
    ("integer", "007", None, "7", None),
    ("integer", "1,5", None, None, "not_integer"),
    ("integer", "12a", None, None, "invalid_integer"),
    ("integer", "1.23.4", None, None, "invalid_integer"),
    ("integer", "99999999999999999999", None, None, "out_of_range"),
    ("decimal", "1.234,5", None, "1234.500000", None),
    ("decimal", "1,234.5", None, "1234.500000", None),
    ("decimal", "64,89", None, "64.890000", None),
    ("decimal", "1,234", None, "1.234000", None),  # one comma: Vietnamese decimal mark
    ("decimal", "1.234", None, "1234.000000", None),  # dots + 3 digits: Vietnamese thousands
    ("decimal", "3.14159", None, "3.141590", None),
    ("decimal", "0.5", None, "0.500000", None),
    ("decimal", "0.500", None, "0.500000", None),  # a leading 0 group is never thousands
    ("decimal", ",5", None, None, "invalid_number"),
    ("decimal", "-1.234.567,89", None, "-1234567.890000", None),
    ("decimal", "1,234,567.89", None, "1234567.890000", None),
    ("decimal", "1.2.3", None, None, "invalid_number"),
    ("decimal", "64,89 %", None, None, "invalid_number"),
    ("decimal", "không", None, None, "invalid_number"),
    ("money", "1.500.000 đ", None, "1500000", None),
    ("money", "1.500.000đ", None, "1500000", None),
    ("money", "1.500.000 VNĐ", None, "1500000", None),
    ("money", "1.500.000 vnd", None, "1500000", None),
    ("money", "1,5 triệu", None, "1500000", None),
    ("money", "2 tỷ đồng", None, "2000000000", None),
    ("money", "500k", None, "500000", None),
    ("money", "500 nghìn đồng", None, "500000", None),
    ("money", "1.500.000₫", None, "1500000", None),
    ("money", "0", None, "0", None),
    ("money", "1,5 đ", None, None, "fractional_dong"),
    ("money", "100 USD", None, None, "invalid_money"),
    ("money", "miễn phí", None, None, "invalid_money"),
]

CONTACT: list[C] = [
    ("phone", "0912345678", None, "+84912345678", None),
    ("phone", "0912 345 678", None, "+84912345678", None),
    ("phone", "0912.345.678", None, "+84912345678", None),
    ("phone", "+84 912 345 678", None, "+84912345678", None),
    ("phone", "84912345678", None, "+84912345678", None),
    ("phone", "0084912345678", None, "+84912345678", None),
    ("phone", "912345678", None, "+84912345678", None),  # leading zero lost in a spreadsheet
    ("phone", "(0234) 3822 123", None, "+842343822123", None),  # Huế landline since 2017
    ("phone", "01621234567", None, "+84321234567", None),
    ("phone", "0169 123 4567", None, "+84391234567", None),
    ("phone", "01201234567", None, "+84701234567", None),
    ("phone", "01211234567", None, "+84791234567", None),
    ("phone", "01221234567", None, "+84771234567", None),
    ("phone", "01231234567", None, "+84831234567", None),
    ("phone", "01261234567", None, "+84761234567", None),
    ("phone", "01271234567", None, "+84811234567", None),
    ("phone", "01281234567", None, "+84781234567", None),
    ("phone", "01291234567", None, "+84821234567", None),
    ("phone", "01861234567", None, "+84561234567", None),
    ("phone", "01881234567", None, "+84581234567", None),
    ("phone", "01991234567", None, "+84591234567", None),
    ("phone", "+84 1628 123 456", None, "+84328123456", None),
    ("phone", "01301234567", None, None, "unknown_old_prefix"),
    ("phone", "0112345678", None, None, "invalid_phone"),
    ("phone", "12345", None, None, "invalid_phone"),
    ("phone", "số điện thoại", None, None, "invalid_phone"),
    ("email", " Mai.Nguyen@Hue.GOV.vn ", None, "mai.nguyen@hue.gov.vn", None),
    ("email", "mailto:so.tttt@thuathienhue.gov.vn", None, "so.tttt@thuathienhue.gov.vn", None),
    ("email", "a+b@example.com", None, "a+b@example.com", None),
    ("email", "mai@", None, None, "invalid_email"),
    ("email", "mai..nguyen@hue.vn", None, None, "invalid_email"),
    ("email", "mai nguyen@hue", None, None, "invalid_email"),
    ("email", "nguyễn@hue.vn", None, None, "invalid_email"),
    ("url", "https://data.hue.gov.vn/dataset/1", None, "https://data.hue.gov.vn/dataset/1", None),
    ("url", "HTTPS://Data.Hue.Gov.VN/Path/ABC", None, "https://data.hue.gov.vn/Path/ABC", None),
    ("url", "www.hue.gov.vn", None, "http://www.hue.gov.vn", None),
    ("url", "http://127.0.0.1:8080/x", None, None, "invalid_url"),
    ("url", "ftp://hue.gov.vn", None, None, "invalid_url"),
    ("url", "không có", None, None, "invalid_url"),
    ("yes_no", "Có", None, "true", None),
    ("yes_no", "có", None, "true", None),
    ("yes_no", "CÓ", None, "true", None),
    ("yes_no", "x", None, "true", None),
    ("yes_no", "X", None, "true", None),
    ("yes_no", "1", None, "true", None),
    ("yes_no", "Yes", None, "true", None),
    ("yes_no", "đúng", None, "true", None),
    ("yes_no", "Không", None, "false", None),
    ("yes_no", "không", None, "false", None),
    ("yes_no", "0", None, "false", None),
    ("yes_no", "no", None, "false", None),
    ("yes_no", "Sai", None, "false", None),
    ("yes_no", "có thể", None, None, "invalid_yes_no"),
    ("yes_no", "2", None, None, "invalid_yes_no"),
]

GEO: list[C] = [
    ("latitude", "16.4637", "107.5909", "16.46370000", None),
    ("longitude", "16.4637", "107.5909", "107.59090000", None),
    ("latitude", "16,4637", "107,5909", "16.46370000", None),
    ("longitude", "16,4637", "107,5909", "107.59090000", None),
    ("latitude", "107.5909", "16.4637", "16.46370000", "swapped_lat_lon"),
    ("longitude", "107.5909", "16.4637", "107.59090000", "swapped_lat_lon"),
    ("latitude", "21.0285", "105.8542", None, "outside_hue_bounds"),  # Hà Nội
    ("longitude", "21.0285", "105.8542", None, "outside_hue_bounds"),
    ("latitude", "16.4637°", "107.5909°", "16.46370000", None),
    ("latitude", "16°27'49\"N", "107.5909", None, "invalid_latitude"),
    ("longitude", "16.4637", "abc", None, "invalid_longitude"),
    ("latitude", "16.4637", None, "16.46370000", None),
    ("latitude", None, "107.5909", None, None),
]

PERSONAL_ID: list[C] = [
    ("personal_id", "046190000123", None, Pseudonym("046190000123"), None),
    ("personal_id", "046 190 000 123", None, Pseudonym("046190000123"), None),
    ("personal_id", "001305123456", None, Pseudonym("001305123456"), None),
    ("personal_id", "123456789", None, None, "old_id_card_number"),
    ("personal_id", "047190000123", None, None, "unknown_province_code"),
    ("personal_id", "000190000123", None, None, "unknown_province_code"),
    ("personal_id", "046590000123", None, None, "implausible_birth_century"),
    ("personal_id", "046299000123", None, None, "birth_year_in_future"),
    ("personal_id", "04619000012", None, None, "invalid_personal_id"),
    ("personal_id", "CCCD 046190000123", None, None, "invalid_personal_id"),
    ("personal_id", "", None, None, None),
]

ADMIN: list[C] = [
    ("admin_unit", "19753", "2023-06-01", "19753", None),
    ("admin_unit", "19753", "2025-08-01", "19753", None),
    ("admin_unit", "9753", "2023-06-01", None, "unknown_admin_unit"),  # padded to 09753: no such unit
    ("admin_unit", "Phường Thuận Lộc", "2023-06-01", "19753", None),
    ("admin_unit", "phuong thuan loc", "2023-06-01", "19753", None),
    ("admin_unit", "Thuận Lộc", "2025-03-01", "19753", None),
    ("admin_unit", "P. Thuận Lộc", "2025-03-01", "19753", None),
    ("admin_unit", "Thuận Lộc", "2025-08-01", None, "not_valid_at_date"),
    ("admin_unit", "Phường Phú Xuân", "2025-08-01", "19753", None),
    ("admin_unit", "phu xuan", "2025-08-01", "19753", None),
    ("admin_unit", "Phú Xuân", "2023-06-01", "19918", None),  # then a xã of Phú Vang
    ("admin_unit", "Phường Phú Xuân", "2023-06-01", None, "not_valid_at_date"),  # prefix must agree
    ("admin_unit", "19768", "2025-08-01", "19753", None),  # alias code from communes_2025-07.csv
    ("admin_unit", "19768", "2023-06-01", "19768", None),  # Phường Đông Ba before the merger
    ("admin_unit", "Hương Phong", "2023-06-01", None, "ambiguous_admin_unit"),  # Huế city and A Lưới
    ("admin_unit", "Xã Hương Phong", "2023-06-01", None, "ambiguous_admin_unit"),
    ("admin_unit", "Phường Hương Phong", "2025-03-01", "20002", None),
    ("admin_unit", "Thị trấn Sịa", "2024-01-01", "19867", None),
    ("admin_unit", "TT. Sịa", "2024-01-01", "19867", None),
    ("admin_unit", "Xã Quảng Điền", "2025-08-01", "19867", None),
    ("admin_unit", "xã chân mây - lăng cô", "2025-08-01", "20137", None),
    ("admin_unit", "Phường Thuận Hoá", "2025-08-01", "19789", None),  # old-style tone mark
    ("admin_unit", "20176", "2025-03-01", None, "unknown_admin_unit"),  # stale row, not a unit
    ("admin_unit", "Phường Bến Nghé", "2023-06-01", None, "unknown_admin_unit"),
    ("admin_unit", "474", "2023-06-01", None, "unknown_admin_unit"),  # a district code is no commune
    ("admin_unit", "", "2023-06-01", None, None),
]

ALL: list[C] = TEXT + DATES + NUMBERS + CONTACT + GEO + PERSONAL_ID + ADMIN
