"""Aggregate statistics: the client against the sandbox, with page faults."""

from __future__ import annotations

import pyarrow as pa
import pytest

from sandbox.faults import Faults
from sandbox.population.statistics import AGE_BANDS, population_rows
from sources.common.errors import SourceError
from sources.population.statistics import SCHEMA

from .conftest import SEED

pytestmark = pytest.mark.integration


def _table(batches) -> pa.Table:
    return pa.concat_tables([b.data for b in batches])


def test_population_by_commune_sex_and_age_band(make_statistics) -> None:
    batches = list(make_statistics(page_size=1000).fetch())
    table = _table(batches)
    assert {b.table for b in batches} == {"population_by_commune"} and table.schema == SCHEMA
    assert len(batches) == 5  # 4,794 rows in pages of 1,000
    assert table.num_rows == 141 * 2 * len(AGE_BANDS)
    assert len(set(table.column("commune_code").to_pylist())) == 141
    assert all(len(c) == 5 for c in table.column("commune_code").to_pylist())
    assert set(table.column("district_code").to_pylist()) == {
        "474",
        "476",
        "477",
        "478",
        "479",
        "480",
        "481",
        "482",
        "483",
    }
    assert batches[-1].cursor == "20241231"
    total = pa.compute.sum(table.column("population")).as_py()
    assert 900_000 < total < 1_400_000  # Huế has about 1.16 million inhabitants
    assert sum(r["SoNguoi"] for r in population_rows(SEED)) == total
    assert all(b.quarantined == [] for b in batches)


def test_statistics_are_deterministic_for_a_seed() -> None:
    assert population_rows(SEED) == population_rows(SEED)
    assert population_rows(SEED) != population_rows(SEED + 1)


def test_repeated_and_truncated_pages_are_fetched_again(make_statistics, injector) -> None:
    injector.set(Faults(repeat_page_every=3, truncate_page_every=4, reorder_pages=True))
    table = _table(make_statistics(page_size=700).fetch())
    assert table.num_rows == 141 * 2 * len(AGE_BANDS)
    keys = set(zip(*(table.column(c).to_pylist() for c in ("commune_code", "sex", "age_band")), strict=True))
    assert len(keys) == table.num_rows


def test_persistently_truncated_pages_fail_loudly(make_statistics, injector) -> None:
    injector.set(Faults(truncate_page_every=1))
    with pytest.raises(SourceError, match="stayed incomplete") as caught:
        list(make_statistics(page_size=1000).fetch())
    assert caught.value.system == "population" and caught.value.endpoint.endswith("/thongke/danso")


def test_malformed_rows_are_quarantined_not_dropped(make_statistics, injector) -> None:
    injector.set(Faults(malformed_rows_every=500))
    batches = list(make_statistics(page_size=1000).fetch())
    quarantined = [q for b in batches for q in b.quarantined]
    assert len(quarantined) == 9  # every 500th of 4,794 rows
    assert {q.reason for q in quarantined} == {"invalid_population"}
    assert '"SoNguoi": "không rõ"' in quarantined[0].raw
    assert _table(batches).num_rows + len(quarantined) == 141 * 2 * len(AGE_BANDS)


def test_windows_1258_pages_under_a_utf8_label_are_recovered(make_statistics, injector, sandbox) -> None:
    import requests

    from sources.population.auth import lgsp_access_header

    clean = _table(make_statistics(page_size=1000).fetch())
    injector.set(Faults(bad_encoding=True))
    env = sandbox.env
    token = requests.post(
        f"{env['HUE_LGSP_URL']}/token",
        headers={
            "lgspaccesstoken": lgsp_access_header(env["HUE_LGSP_ACCESS_KEY"], env["HUE_LGSP_SECRET_KEY"])
        },
        timeout=5,
    )
    raw = requests.get(
        f"{sandbox.env['HUE_LGSP_URL']}/thongke/danso",
        params={"page": 1, "pageSize": 50},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=5,
    )
    assert raw.headers["Content-Type"].endswith("charset=utf-8")
    with pytest.raises(UnicodeDecodeError):
        raw.content.decode("utf-8")  # "Nữ" and "Thành công" arrive as Windows-1258 bytes
    assert _table(make_statistics(page_size=1000).fetch()).equals(clean)
