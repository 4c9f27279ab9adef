"""The sandbox platform's HTTP API: auth, catalogue, paging by update cursor, incremental exports, faults."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from pathlib import Path

import requests

from sandbox.digitization import service, store
from sandbox.faults import Faults
from sandbox.scenario import Scenario
from tests.digitization.conftest import Platform


def _get(p: Platform, path: str, **params) -> requests.Response:
    return requests.get(
        p.url + path, params=params, headers={"Authorization": f"Bearer {p.token}"}, timeout=10
    )


def _export_all(p: Platform, slug: str, cursor: str = "", limit: int = 3) -> tuple[list[dict], str, int]:
    rows: list[dict] = []
    pages = 0
    while True:
        r = _get(p, f"/api/tables/{slug}/export", cursor=cursor, limit=limit)
        assert r.status_code == 200, r.text
        pages += 1
        assert r.headers["X-Page-Cursor"] == cursor
        lines = [json.loads(line) for line in r.content.decode("utf-8").splitlines()]
        assert len(lines) == int(r.headers["X-Row-Count"]) <= limit
        rows.extend(lines)
        cursor = r.headers["X-Next-Cursor"]
        if r.headers["X-Has-More"] != "true":
            return rows, cursor, pages


def test_requires_the_bearer_token(live: Platform) -> None:
    assert requests.get(live.url + "/api/catalogue", timeout=5).status_code == 401
    wrong = requests.get(live.url + "/api/catalogue", headers={"Authorization": "Bearer nope"}, timeout=5)
    assert wrong.status_code == 401
    assert requests.get(live.url + "/_sandbox/health", timeout=5).status_code == 200


def test_catalogue_lists_tables_and_columns(live: Platform) -> None:
    body = _get(live, "/api/catalogue").json()
    assert body["table_count"] == 40 == len(body["tables"])
    first = body["tables"][0]
    assert first["slug"] == "co_so_luu_tru_tp_hue" and first["columns"][0]["id"] == "ma_co_so"


def test_export_pages_in_cursor_order_without_gaps_or_repeats(live: Platform) -> None:
    rows, last_cursor, pages = _export_all(live, "luot_khach", limit=7)
    assert len(rows) == 40 and pages == 6
    keys = [r["ma_luot"] for r in rows]
    assert len(set(keys)) == 40
    cursors = [f"{r['ngay_cap_nhat']}.{r['ma_luot']}" for r in rows]
    assert cursors == sorted(cursors) and last_cursor == cursors[-1]
    # every value is text (or missing), as departments enter it
    assert all(v is None or isinstance(v, str) for r in rows for v in r.values())
    # and exporting again from the end returns nothing
    again, cursor, _ = _export_all(live, "luot_khach", cursor=last_cursor)
    assert again == [] and cursor == last_cursor


def test_values_are_messy_the_way_departments_type_them(live: Platform) -> None:
    values = []
    for slug in (
        "luot_khach",
        "khai_thac_khoang_san",
        "thong_ke_benh_truyen_nhiem_2024",
        "giai_thi_dau_2024",
    ):
        rows, _, _ = _export_all(live, slug, limit=100)
        values += [v for r in rows for v in r.values() if v]
    text = "\n".join(values)
    assert any("/" in v and len(v) == 10 for v in values)  # dd/mm/yyyy dates
    assert "đ" in text or "VNĐ" in text  # money with the dong sign
    assert any(v != unicodedata.normalize("NFC", v) for v in values) or "oà" in text or "uỷ" in text


def test_json_format_and_bad_requests(live: Platform) -> None:
    body = _get(live, "/api/tables/le_hoi/export", format="json", limit=2).json()
    assert body["table"] == "le_hoi" and body["count"] == 2 and body["has_more"] is True
    assert body["columns"][0] == {"id": "ma_le_hoi", "type": "code"}
    assert _get(live, "/api/tables/no_such_table/export").status_code == 404
    assert _get(live, "/api/tables/le_hoi/export", limit=0).status_code == 400
    assert _get(live, "/api/tables/le_hoi/export", limit="many").status_code == 400


def test_incremental_export_returns_only_new_and_changed_rows(fresh_platform: Platform) -> None:
    p = fresh_platform
    before, cursor, _ = _export_all(p, "luot_khach", limit=10)
    by_key = {r["ma_luot"]: r for r in before}
    epoch = requests.post(p.url + "/_sandbox/digitization/advance", params={"epochs": 1}, timeout=30).json()[
        "epoch"
    ]
    assert epoch == 1
    changed, new_cursor, _ = _export_all(p, "luot_khach", cursor=cursor, limit=10)
    assert changed and new_cursor > cursor
    assert all(f"{r['ngay_cap_nhat']}.{r['ma_luot']}" > cursor for r in changed)
    updated = [r for r in changed if r["ma_luot"] in by_key]
    added = [r for r in changed if r["ma_luot"] not in by_key]
    assert updated and added  # a daily table gains and changes rows every day
    assert all(r != by_key[r["ma_luot"]] for r in updated)
    # the full export now holds the union, with the changed rows in their new version
    after, _, _ = _export_all(p, "luot_khach", limit=50)
    assert len(after) == len(before) + len(added)
    # a yearly table does not change on day 1 (le_hoi is not in the 12-table scenario: use co_quan_bao_chi)
    yearly, _, _ = _export_all(p, "co_quan_bao_chi", limit=50)
    assert all(r["ngay_cap_nhat"] < "20251001" for r in yearly)


def _payloads(data_dir: Path) -> list[tuple]:
    con = sqlite3.connect(store.db_path(data_dir / "digitization"))
    try:
        return con.execute(
            "select table_slug, row_key, cursor, payload from export_rows order by 1, 2"
        ).fetchall()
    finally:
        con.close()


def test_prepare_is_deterministic_and_idempotent(tmp_path: Path) -> None:
    scenario = Scenario.named("tiny", tables=8)
    service.prepare(tmp_path / "a", scenario)
    service.prepare(tmp_path / "b", scenario)
    assert _payloads(tmp_path / "a") == _payloads(tmp_path / "b")
    db = store.db_path(tmp_path / "a" / "digitization")
    mtime = db.stat().st_mtime_ns
    service.prepare(tmp_path / "a", scenario)  # same scenario: nothing regenerated
    assert db.stat().st_mtime_ns == mtime
    other = Scenario.named("tiny", tables=8, seed=7)
    service.prepare(tmp_path / "a", other)
    assert _payloads(tmp_path / "a") != _payloads(tmp_path / "b")
    store.advance(tmp_path / "a" / "digitization", 7, 8, 2)
    store.advance(tmp_path / "b" / "digitization", 46, 8, 2)
    service.prepare(tmp_path / "c", scenario)
    store.advance(tmp_path / "c" / "digitization", 46, 8, 2)
    assert _payloads(tmp_path / "b") == _payloads(tmp_path / "c")  # advancing is deterministic too


def test_create_app_refuses_an_unprepared_folder(tmp_path: Path) -> None:
    import pytest

    from sandbox.faults import FaultInjector

    with pytest.raises(FileNotFoundError, match="prepare"):
        service.create_app(tmp_path, Scenario.named("tiny", tables=3), FaultInjector())


def test_data_faults_on_the_wire(live: Platform) -> None:
    live.faults.set(Faults(truncate_page_every=1))
    r = _get(live, "/api/tables/luot_khach/export", limit=5)
    assert r.content.count(b"\n") < int(r.headers["X-Row-Count"])
    live.faults.set(Faults(bad_encoding=True))
    r = _get(live, "/api/tables/luot_khach/export", limit=10)
    try:
        r.content.decode("utf-8")
        decoded = True
    except UnicodeDecodeError:
        decoded = False
    assert not decoded
    live.faults.set(Faults(schema_drift="add_column"))
    r = _get(live, "/api/tables/luot_khach/export", limit=2)
    assert "ghi_chu_bo_sung" in r.headers["X-Columns"] and b"ghi_chu_bo_sung" in r.content
    live.faults.set(Faults(repeat_page_every=2))
    first = _get(live, "/api/tables/le_hoi/export", limit=1)
    second = _get(live, "/api/tables/le_hoi/export", limit=1, cursor=first.headers["X-Next-Cursor"])
    third = _get(live, "/api/tables/le_hoi/export", limit=1, cursor=first.headers["X-Next-Cursor"])
    assert second.headers["X-Page-Cursor"] == "" and second.content == first.content  # the stale page
    assert third.headers["X-Page-Cursor"] == first.headers["X-Next-Cursor"]


def test_catalogue_grows_at_runtime_keeping_existing_tables(fresh_platform: Platform) -> None:
    from sources.digitization import diff_catalogues

    p = fresh_platform
    before = _get(p, "/api/catalogue").json()
    grown = requests.post(p.url + "/_sandbox/digitization/grow", params={"tables": 14}, timeout=30)
    assert grown.status_code == 200, grown.text
    after = _get(p, "/api/catalogue").json()
    assert after["tables"][:12] == before["tables"] and len(after["tables"]) == 14
    diff = diff_catalogues(before, after)
    assert diff.added == tuple(grown.json()["added"]) and not diff.removed and not diff.changed
    rows, _, _ = _export_all(p, diff.added[0], limit=50)
    assert rows
    shrink = requests.post(p.url + "/_sandbox/digitization/grow", params={"tables": 5}, timeout=5)
    assert shrink.status_code == 400
    assert requests.get(p.url + "/_sandbox/digitization/status", timeout=5).json()["tables"] == 14


def test_access_tokens_are_issued_for_the_key_and_expire_with_the_ttl_fault(live: Platform) -> None:
    issue = requests.post(
        live.url + "/api/token", headers={"Authorization": f"Bearer {live.token}"}, timeout=5
    )
    assert issue.status_code == 200 and issue.json()["token_type"] == "Bearer"
    assert issue.json()["expires_in"] == 3600.0
    access = {"Authorization": f"Bearer {issue.json()['access_token']}"}
    assert requests.get(live.url + "/api/catalogue", headers=access, timeout=5).status_code == 200
    wrong = requests.post(live.url + "/api/token", headers={"Authorization": "Bearer nope"}, timeout=5)
    assert wrong.status_code == 401

    # A zero lifetime expires every live access token at once: the token runs out mid-run.
    live.faults.set(Faults(token_ttl_s=0))
    expired = requests.get(live.url + "/api/tables/luot_khach/export", headers=access, timeout=5)
    assert expired.status_code == 401 and expired.json()["error"] == "token_expired"
    assert expired.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert _get(live, "/api/catalogue").status_code == 200  # the long-lived API key is not a session


def test_reordered_pages_shuffle_rows_within_each_page(live: Platform) -> None:
    plain = _get(live, "/api/tables/luot_khach/export", cursor="", limit=7).content.splitlines()
    live.faults.set(Faults(reorder_pages=True))
    shuffled = _get(live, "/api/tables/luot_khach/export", cursor="", limit=7).content.splitlines()
    assert shuffled != plain and sorted(shuffled) == sorted(plain)


def test_parallel_generation_writes_the_same_store(tmp_path: Path, monkeypatch) -> None:
    from sandbox.digitization.catalogue import build_catalogue

    def dump(folder: Path) -> list[tuple]:
        with sqlite3.connect(store.db_path(folder)) as con:
            return con.execute("select * from export_rows order by table_slug, cursor").fetchall()

    tables = build_catalogue(6, 46)
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = store.fill(tmp_path / "one", tables, 46, "calibrated")
    monkeypatch.setattr(store, "PARALLEL_FROM_ROWS", 0)  # a small store, but through the worker pool
    monkeypatch.setattr(store, "CHUNK_ROWS", 40)  # many chunks, so their order matters
    two = store.fill(tmp_path / "two", tables, 46, "calibrated", workers=2)
    assert one == two and sum(one.values()) > 200
    assert dump(tmp_path / "one") == dump(tmp_path / "two")
