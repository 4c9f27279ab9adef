"""Aggregate population statistics (thống kê dân số) from the LGSP: population by commune, sex and age band.

``GET /thongke/danso?page=N&pageSize=M`` answers the portal shape ``{code, message, data: [...], totalRows}``
with rows ``{MaTinhThanh, MaQuanHuyen, MaPhuongXa, GioiTinh, NhomTuoi, SoNguoi, NgayThongKe}``. The data
are aggregates, not personal data, so rows that break the contract are quarantined verbatim.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa

from sources.common.batch import QuarantinedRow, SourceBatch
from sources.common.errors import SourceError
from sources.common.http import RetryingSession, RetryPolicy
from sources.population.auth import SYSTEM, TokenProvider
from sources.population.soap import as_utf8

TABLE = "population_by_commune"
SCHEMA = pa.schema(
    [
        pa.field("province_code", pa.string()),
        pa.field("district_code", pa.string()),
        pa.field("commune_code", pa.string(), nullable=False),
        pa.field("sex", pa.string(), nullable=False),  # Nam | Nữ
        pa.field("age_band", pa.string(), nullable=False),  # "00-04" … "80+"
        pa.field("population", pa.int64(), nullable=False),
        pa.field("reference_date", pa.string(), nullable=False),  # NgayThongKe as sent, yyyyMMdd
    ]
)
_SEXES = {"Nam", "Nữ"}
PAGE_ATTEMPTS = 4


class PopulationStatisticsClient:
    """Pages through the statistics service; yields one ``population_by_commune`` batch per page.

    The batch cursor is the statistics' reference date (``NgayThongKe``): a caller that already holds that
    date can skip the load.
    """

    def __init__(
        self,
        base_url: str,
        *,
        access_key: str,
        secret_key: str,
        policy: RetryPolicy | None = None,
        page_size: int = 1000,
        token_path: str = "/token",
        statistics_path: str = "/thongke/danso",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        base = base_url.rstrip("/")
        self._url = base + statistics_path
        self._page_size = page_size
        token_session = RetryingSession(SYSTEM, policy, sleep=sleep)
        self.tokens = TokenProvider(base + token_path, access_key, secret_key, token_session)
        self.session = RetryingSession(
            SYSTEM,
            policy,
            refresh_token=self.tokens.refresh,
            auth_headers=self.tokens.bearer_headers,
            sleep=sleep,
        )
        self._token_session = token_session

    def __repr__(self) -> str:
        return f"PopulationStatisticsClient(url={self._url!r})"

    def fetch(self) -> Iterator[SourceBatch]:
        """Every page once, checked against ``totalRows`` before it is yielded.

        A page that brings fewer new rows than it should (truncated, or a repeat of an earlier page) is asked
        for again, up to ``PAGE_ATTEMPTS`` times, then :class:`SourceError` is raised: an incomplete
        snapshot never reaches the lake as if it were whole. Identical repeats of a key are dropped;
        conflicting ones and rows breaking the contract are quarantined.
        """
        seen: dict[tuple[str, str, str], tuple[Any, ...]] = {}
        page, total = 1, None
        while total is None or (page - 1) * self._page_size < total:
            for _attempt in range(PAGE_ATTEMPTS):
                body = self._page(page)
                total = body["totalRows"] if total is None else total
                expected = min(self._page_size, total - (page - 1) * self._page_size)
                batch, new_keys = _parse_page(body["data"], seen)
                if len(new_keys) + len(batch.quarantined) >= expected:
                    break
            else:
                raise SourceError(
                    SYSTEM, self._url, f"page {page} stayed incomplete after {PAGE_ATTEMPTS} attempts"
                )
            seen.update(new_keys)
            yield batch
            if not body["data"]:
                break
            page += 1

    def close(self) -> None:
        self.session.close()
        self._token_session.close()

    def _page(self, page: int) -> dict[str, Any]:
        response = self.session.get(self._url, params={"page": page, "pageSize": self._page_size})
        try:
            body = json.loads(as_utf8(response.content))
        except ValueError:
            raise SourceError(SYSTEM, self._url, f"page {page} is not JSON") from None
        if not isinstance(body, dict) or body.get("code") not in (0, "0"):
            message = body.get("message") if isinstance(body, dict) else None
            raise SourceError(SYSTEM, self._url, f"page {page} refused: {message!r}")
        if not isinstance(body.get("data"), list) or not isinstance(body.get("totalRows"), int):
            raise SourceError(SYSTEM, self._url, f"page {page} lacks data/totalRows")
        return body


def _parse_page(
    data: list[Any], seen: dict[tuple[str, str, str], tuple[Any, ...]]
) -> tuple[SourceBatch, dict[tuple[str, str, str], tuple[Any, ...]]]:
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    quarantined: list[QuarantinedRow] = []
    new_keys: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    reference_date = None
    for raw in data:
        row, reason = _parse_row(raw)
        if row is None:
            quarantined.append(QuarantinedRow.of(reason, raw))
            continue
        key = (row["commune_code"], row["sex"], row["age_band"])
        values = tuple(row.values())
        earlier = seen.get(key, new_keys.get(key))
        if earlier is not None:
            if earlier != values:
                quarantined.append(QuarantinedRow.of("conflicting_duplicate", raw))
            continue  # an identical repeat adds nothing
        new_keys[key] = values
        reference_date = row["reference_date"]
        for name in SCHEMA.names:
            columns[name].append(row[name])
    return SourceBatch(TABLE, pa.table(columns, schema=SCHEMA), reference_date, quarantined), new_keys


def _parse_row(raw: Any) -> tuple[dict[str, Any] | None, str]:
    if not isinstance(raw, dict):
        return None, "not_an_object"
    commune = raw.get("MaPhuongXa")
    if not isinstance(commune, str) or not commune.isdigit() or len(commune) != 5:
        return None, "invalid_commune_code"
    sex = raw.get("GioiTinh")
    if sex not in _SEXES:
        return None, "invalid_sex"
    band = raw.get("NhomTuoi")
    if not isinstance(band, str) or not band:
        return None, "invalid_age_band"
    count = raw.get("SoNguoi")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return None, "invalid_population"
    reference_date = raw.get("NgayThongKe")
    if not isinstance(reference_date, str) or len(reference_date) != 8 or not reference_date.isdigit():
        return None, "invalid_reference_date"
    province = raw.get("MaTinhThanh")
    district = raw.get("MaQuanHuyen")
    return {
        "province_code": province if isinstance(province, str) else None,
        "district_code": district if isinstance(district, str) else None,
        "commune_code": commune,
        "sex": sex,
        "age_band": band,
        "population": count,
        "reference_date": reference_date,
    }, ""
