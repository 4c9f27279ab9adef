"""Page parsing (NDJSON → Arrow, quarantine) and schema-drift classification, on messy input."""

from __future__ import annotations

import json
import unicodedata

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.digitization.catalogue import CatalogueColumn
from sources.digitization.drift import classify_drift
from sources.digitization.pages import PageIncomplete, check_complete, declared_schema, parse_page

COLUMNS = [("ma", "code"), ("ten", "text"), ("so_luong", "integer")]

texts = st.one_of(st.none(), st.text(max_size=12))
# Keys without control characters: "blank" then means the same to Python's strip() and Arrow's trim.
keys = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=8)
rows = st.lists(st.fixed_dictionaries({"ma": keys, "ten": texts, "so_luong": texts}), max_size=20)


def _ndjson(items: list) -> bytes:
    return b"".join(json.dumps(i, ensure_ascii=False).encode() + b"\n" for i in items)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_every_row_is_loaded_in_nfc_or_quarantined(items: list[dict]) -> None:
    page = parse_page(_ndjson(items), COLUMNS, ["ma"])
    loaded = page.data.to_pylist()
    assert len(loaded) + len(page.quarantined) == len(items)
    expected = [
        {k: (unicodedata.normalize("NFC", v) if isinstance(v, str) else v) for k, v in r.items()}
        for r in items
        if r["ma"].strip()
    ]
    assert loaded == expected
    assert all(q.reason == "missing_primary_key" for q in page.quarantined)
    assert page.data.schema.equals(declared_schema(COLUMNS), check_metadata=True)


@settings(max_examples=40, deadline=None)
@given(
    rows,
    st.lists(st.sampled_from([b"{not json", b"[1, 2]", b'{"ma": {"x": 1}}', b"\xff\xfe bad"]), min_size=1),
)
def test_garbage_lines_are_quarantined_and_good_rows_survive(items: list[dict], garbage: list[bytes]) -> None:
    items = [r for r in items if r["ma"].strip()]
    body = _ndjson(items) + b"".join(g + b"\n" for g in garbage)
    page = parse_page(body, COLUMNS, ["ma"])
    assert page.data.num_rows == len(items)
    assert len(page.quarantined) == len(garbage)
    assert {q.reason.split(":")[0] for q in page.quarantined} <= {"invalid_json", "not_an_object", "nested_value",
                                                                   "invalid_utf8"}  # fmt: skip


def test_numbers_and_unknown_columns_become_text() -> None:
    body = _ndjson([{"ma": "001", "ten": "Huế", "so_luong": 12, "moi": 3.5, "co": True}])
    page = parse_page(body, COLUMNS, ["ma"])
    assert page.data.to_pylist() == [
        {"ma": "001", "ten": "Huế", "so_luong": "12", "moi": "3.5", "co": "true"}
    ]
    assert all(f.type == pa.string() for f in page.data.schema)
    assert page.data.schema.field("moi").metadata[b"semantic_type"] == b"unknown"


def test_codes_keep_leading_zeros_and_decomposed_text_is_composed() -> None:
    body = _ndjson(
        [{"ma": "046000123", "ten": unicodedata.normalize("NFD", "Thừa Thiên Huế"), "so_luong": "1.234"}]
    )
    (row,) = parse_page(body, COLUMNS, ["ma"]).data.to_pylist()
    assert row == {"ma": "046000123", "ten": "Thừa Thiên Huế", "so_luong": "1.234"}


def test_empty_page_has_the_declared_schema() -> None:
    page = parse_page(b"", COLUMNS, ["ma"])
    assert page.data.num_rows == 0 and page.data.column_names == ["ma", "ten", "so_luong"]


def test_incomplete_pages_are_detected() -> None:
    body = _ndjson([{"ma": "1"}, {"ma": "2"}])
    check_complete(body, 2)
    with pytest.raises(PageIncomplete):
        check_complete(body[:-5], 2)
    with pytest.raises(PageIncomplete):
        check_complete(body, 3)


KNOWN = [
    CatalogueColumn("ma_co_so", "Mã", "code", False),
    CatalogueColumn("ten_co_so", "Tên", "text"),
    CatalogueColumn("so_phong", "Số phòng", "integer"),
]


def _schema(*fields: tuple[str, str]) -> pa.Schema:
    return declared_schema(list(fields))


def test_drift_none_and_additive() -> None:
    same = _schema(("ma_co_so", "code"), ("ten_co_so", "text"), ("so_phong", "integer"))
    assert classify_drift(KNOWN, same).kind == "none"
    more = _schema(
        ("ma_co_so", "code"), ("ten_co_so", "text"), ("so_phong", "integer"), ("hang_sao", "integer")
    )
    drift = classify_drift(KNOWN, more)
    assert drift.kind == "additive" and drift.added == ("hang_sao",)


def test_drift_breaking_kinds() -> None:
    removed = classify_drift(KNOWN, _schema(("ma_co_so", "code"), ("ten_co_so", "text")))
    assert removed.kind == "breaking" and removed.removed == ("so_phong",)
    renamed = classify_drift(
        KNOWN, _schema(("ma_co_so", "code"), ("ten_co_so", "text"), ("so_phong_moi", "integer"))
    )
    assert renamed.renamed == (("so_phong", "so_phong_moi"),) and not renamed.added and not renamed.removed
    unrelated = classify_drift(
        KNOWN, _schema(("ma_co_so", "code"), ("ten_co_so", "text"), ("email", "email"))
    )
    assert unrelated.removed == ("so_phong",) and unrelated.added == ("email",)  # not guessed as a rename
    retyped = classify_drift(
        KNOWN, _schema(("ma_co_so", "code"), ("ten_co_so", "date"), ("so_phong", "integer"))
    )
    assert retyped.retyped == (("ten_co_so", "text", "date"),)
    arrow_typed = pa.schema([("ma_co_so", pa.string()), ("ten_co_so", pa.string()), ("so_phong", pa.int64())])
    assert classify_drift(["ma_co_so", "ten_co_so", "so_phong"], arrow_typed).retyped == (
        ("so_phong", "text", "arrow:int64"),
    )
    assert "column renamed: so_phong -> so_phong_moi" in renamed.changes()
