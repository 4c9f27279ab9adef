"""The digitisation connector against the running sandbox platform, faults included."""

from __future__ import annotations

import pyarrow as pa
import pytest
import requests

from sandbox.faults import Faults
from sources.common.errors import SchemaDriftError, SourceError
from sources.digitization.connector import DRIFT_METADATA_KEY
from tests.digitization.conftest import Platform


def _rows(batches) -> dict[str, dict]:
    table = pa.concat_tables([b.data for b in batches], promote_options="permissive")
    key = table.column_names[0]
    return {r[key]: r for r in table.to_pylist()}


def test_catalogue_batches(live: Platform) -> None:
    with live.connector() as c:
        tables, columns = list(c.read_catalogue())
    assert (tables.table, columns.table) == ("catalogue_tables", "catalogue_columns")
    assert tables.num_rows == 40 and tables.cursor is None
    assert tables.data.column("slug")[0].as_py() == "co_so_luu_tru_tp_hue"
    assert columns.num_rows == sum(tables.data.column("column_count").to_pylist())
    assert columns.data.schema.field("column_id").type == pa.string()


def test_export_all_columns_as_strings_with_semantic_types(live: Platform) -> None:
    with live.connector(page_size=7) as c:
        batches = list(c.export("luot_khach"))
        spec = c.catalogue.table("luot_khach")
    assert len(batches) == 1 and batches[0].num_rows == 40 and not batches[0].quarantined
    data = batches[0].data
    assert data.column_names == list(spec.column_ids)
    for field, col in zip(data.schema, spec.columns, strict=True):
        assert field.type == pa.string()
        assert field.metadata[b"semantic_type"].decode() == col.semantic_type
    assert c.pages_fetched == 6
    assert batches[0].cursor == max(f"{r['ngay_cap_nhat']}.{r['ma_luot']}" for r in data.to_pylist())


def test_batches_are_bounded_and_cursors_resume(live: Platform) -> None:
    with live.connector(page_size=5, batch_rows=10) as c:
        batches = list(c.export("luot_khach"))
        assert [b.num_rows for b in batches] == [10, 10, 10, 10]
        resumed = list(c.export("luot_khach", batches[1].cursor))
    assert sum(b.num_rows for b in resumed) == 20
    assert set(_rows(resumed)) == set(_rows(batches[2:]))
    with live.connector() as c:
        empty = list(c.export("luot_khach", batches[-1].cursor))
    assert len(empty) == 1 and empty[0].num_rows == 0 and empty[0].cursor == batches[-1].cursor


def test_transport_and_page_faults_lose_nothing(live: Platform) -> None:
    with live.connector(page_size=6) as c:
        clean = _rows(c.export("luot_khach"))
    live.faults.set(
        Faults(rate_limit_every=4, retry_after_s=0.01, error_5xx_every=5, truncate_page_every=3, repeat_page_every=4,
               reorder_pages=True)
    )  # fmt: skip
    with live.connector(page_size=6) as c:
        faulty = list(c.export("luot_khach"))
        assert c.pages_refetched > 0
    assert _rows(faulty) == clean
    assert not any(b.quarantined for b in faulty)


def test_malformed_rows_and_bad_bytes_go_to_quarantine(live: Platform) -> None:
    with live.connector(page_size=10) as c:
        clean = _rows(c.export("luot_khach"))
    live.faults.set(Faults(malformed_rows_every=6, bad_encoding=True))
    with live.connector(page_size=10) as c:
        batches = list(c.export("luot_khach"))
    good = _rows(batches)
    quarantined = [q for b in batches for q in b.quarantined]
    assert len(good) + len(quarantined) == 40  # every row is either loaded or kept with its reason
    assert {q.reason for q in quarantined} >= {"invalid_utf8", "invalid_json"}
    assert all(clean[k] == v for k, v in good.items())
    bad = next(q for q in quarantined if q.reason == "invalid_utf8")
    assert "\\x" in bad.raw  # the original bytes stay recoverable


@pytest.mark.parametrize(
    ("drift", "expected"),
    [
        ("remove_column", "column removed: doanh_thu"),
        ("rename_column", "column renamed: doanh_thu -> doanh_thu_moi"),
        ("retype_column", "column retyped: doanh_thu money -> integer"),
    ],
)
def test_breaking_drift_stops_the_export(live: Platform, drift: str, expected: str) -> None:
    live.faults.set(Faults(schema_drift=drift))
    with live.connector() as c, pytest.raises(SchemaDriftError, match=expected):
        list(c.export("luot_khach"))
    with live.connector(strict_schema=False) as c:
        batches = list(c.export("luot_khach"))
    assert batches[0].num_rows == 40
    assert b'"kind": "breaking"' in batches[0].data.schema.metadata[DRIFT_METADATA_KEY]
    assert all(f.type == pa.string() for f in batches[0].data.schema)  # retyped values still land as text


def test_additive_drift_passes_and_is_reported(live: Platform) -> None:
    live.faults.set(Faults(schema_drift="add_column"))
    with live.connector() as c:
        (batch,) = list(c.export("luot_khach"))
    assert batch.data.column_names[-1] == "ghi_chu_bo_sung"
    assert b'"additive"' in batch.data.schema.metadata[DRIFT_METADATA_KEY]


def test_export_many_shares_one_session(live: Platform) -> None:
    with live.connector(page_size=50) as c:
        tables = list(c.catalogue.tables)
        batches = list(c.export_many((t, None) for t in tables))
        fetched = c.pages_fetched
        attempts = c.http.attempts
    assert [b.table for b in batches] == [t.slug for t in tables]
    assert fetched == len(tables) and attempts == len(tables) + 1  # + the catalogue request


def test_wrong_token_fails_fast_naming_the_system(live: Platform) -> None:
    from sources.digitization import DigitizationConnector

    c = DigitizationConnector(live.url, "wrong-token")
    with pytest.raises(SourceError, match=r"digitization: .*/api/token.*401"):
        c.catalogue_json()
    assert c.http.attempts == 1


def test_unreachable_platform_gives_up_after_retries() -> None:
    from sources.common.http import RetryPolicy
    from sources.digitization import DigitizationConnector

    sleeps: list[float] = []
    with requests.Session():
        c = DigitizationConnector(
            "http://127.0.0.1:9",
            "t",
            policy=RetryPolicy(max_attempts=3, base_delay=0.01, timeout=1),
            sleep=sleeps.append,
        )
    with pytest.raises(SourceError, match=r"/api/token failed after retries: ConnectionError"):
        c.catalogue_json()
    # The access-token exchange is the first request to meet the dead host: 3 attempts, 2 backoffs.
    assert len(sleeps) == 2 and c.tokens_issued == 0


def test_constructor_rejects_missing_configuration() -> None:
    from sources.digitization import DigitizationConnector

    with pytest.raises(ValueError, match="HUE_DIGITIZATION_URL"):
        DigitizationConnector("", "t")
    with pytest.raises(ValueError, match="HUE_DIGITIZATION_TOKEN"):
        DigitizationConnector("http://x", "")
    with pytest.raises(ValueError, match="page_size"):
        DigitizationConnector("http://x", "t", page_size=0)


def test_an_access_token_expiring_mid_run_is_refreshed(live: Platform) -> None:
    with live.connector(page_size=5) as c:
        first = sum(b.num_rows for b in c.export("luot_khach"))
        expired = requests.post(live.url + "/_sandbox/digitization/expire", timeout=5).json()["expired"]
        second = sum(b.num_rows for b in c.export("huong_dan_vien"))
        assert expired >= 1 and c.tokens_issued == 2
    assert (first, second) == (40, 6)
