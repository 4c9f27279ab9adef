"""Aggregate population statistics of the sandbox register (thống kê dân số theo xã, giới tính, nhóm tuổi).

Derived deterministically from the seed, not from individual people: the province has about 1.16 million
inhabitants (2023) while the sandbox draws a few thousand to a million applicants. District totals are
rough public figures; each commune takes a share of its district, the age pyramid follows the shape of
the 2019 census and the sex ratio falls with age.
"""

from __future__ import annotations

import functools
import random

from sandbox import reference_data

REFERENCE_DATE = "20241231"  # NgayThongKe: the 2021-2024 commune list is the one in force then
AGE_BANDS = (
    "00-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
    "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80+",
)  # fmt: skip
# share of each band in per mille, and men per 1,000 people in it
_PYRAMID = (77, 86, 78, 69, 70, 79, 82, 78, 72, 66, 60, 53, 43, 32, 21, 14, 20)
_MEN = (520, 520, 518, 515, 510, 505, 502, 500, 498, 495, 490, 480, 470, 450, 430, 400, 360)
# district totals in thousands of inhabitants (rough, for shape only)
_DISTRICT_THOUSANDS = {
    "474": 455, "476": 90, "477": 85, "478": 180, "479": 105, "480": 80, "481": 50, "482": 135, "483": 27,
}  # fmt: skip


@functools.cache
def population_rows(seed: int) -> tuple[dict, ...]:
    """All rows of the statistics, sorted by commune, sex and age band."""
    communes = reference_data.communes("2021")
    per_district: dict[str, list] = {}
    for c in communes:
        per_district.setdefault(c.district_code or "", []).append(c)
    rows = []
    for district, units in sorted(per_district.items()):
        rng = random.Random(f"population-stats:{seed}:{district}")
        weights = [rng.uniform(0.5, 1.5) for _ in units]
        district_total = _DISTRICT_THOUSANDS.get(district, 60) * 1000
        for unit, weight in zip(units, weights, strict=True):
            total = round(district_total * weight / sum(weights))
            for band, share, men in zip(AGE_BANDS, _PYRAMID, _MEN, strict=True):
                in_band = round(total * share / 1000 * rng.uniform(0.9, 1.1))
                male = round(in_band * men / 1000)
                for sex, count in (("Nam", male), ("Nữ", in_band - male)):
                    rows.append(
                        {
                            "MaTinhThanh": reference_data.HUE_PROVINCE_CODE,
                            "MaQuanHuyen": district,
                            "MaPhuongXa": unit.code,
                            "GioiTinh": sex,
                            "NhomTuoi": band,
                            "SoNguoi": count,
                            "NgayThongKe": REFERENCE_DATE,
                        }
                    )
    rows.sort(key=lambda r: (r["MaPhuongXa"], r["GioiTinh"], r["NhomTuoi"]))
    return tuple(rows)
