"""Conformance to the spec and the content hash that decides whether a new version is published."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.conform import ConformError, conform, content_hash
from portal.spec import ColumnSpec, DatasetSpec, SpecError, slugify
from tests.portal.conftest import dossier_spec, dossier_table, tourism_spec, tourism_table


def test_conform_keeps_codes_as_text_and_types_columns():
    table = conform(dossier_spec(), dossier_table())
    assert table.schema.field("ma_don_vi").type == pa.string()
    assert "00000" in table.column("ma_don_vi").to_pylist()
    assert table.schema.field("cap_nhat_luc").type == pa.timestamp("us", tz="Asia/Ho_Chi_Minh")
    # Naive source timestamps are Huế local time: 08:00 local is 01:00 UTC.
    first = table.column("cap_nhat_luc")[0].as_py()
    assert first.astimezone(dt.UTC).hour == 1


def test_integer_codes_are_refused_because_leading_zeros_are_already_lost():
    table = tourism_table().set_column(3, "ma_xa", pa.array([19753, 19774, 19777, 19753]))
    with pytest.raises(ConformError, match="leading zeros"):
        conform(tourism_spec(), table)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.drop_columns(["so_sao"]), "missing=\\['so_sao'\\]"),
        (lambda t: t.append_column("so_dien_thoai", pa.array(["x"] * 4)), "unexpected=\\['so_dien_thoai'\\]"),
        (lambda t: t.set_column(2, "so_sao", pa.array(["4", "5", None, "3"])), "spec says integer"),
    ],
)
def test_tables_that_do_not_match_the_spec_are_refused(change, message):
    with pytest.raises(ConformError, match=message):
        conform(tourism_spec(), change(tourism_table()))


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("046203001234", "personal_id"),
        ("0912345678", "phone"),
        ("+84912345678", "phone"),
        ("mai.nguyen@gmail.com", "email"),
        # What only the gate's scanner (expectations.pii) sees, now that the store runs it too:
        ("Chủ cơ sở: bà Nguyễn Thị Mai", "person_name"),
        ("Liên hệ 0905 123 456 (anh Hùng)", "phone"),
        ("CCCD 046203001234 cấp ngày 01/02/2021", "personal_id"),
    ],
)
def test_personal_data_is_never_published(value, kind):
    table = tourism_table().set_column(1, "ten_co_so", pa.array(["Khách sạn A", value, "C", "D"]))
    with pytest.raises(ConformError, match=kind):
        conform(tourism_spec(), table)


def test_the_store_and_the_gate_agree_because_they_run_one_scanner():
    """Same findings as the gate's scan on the same values, and no false alarm on digit runs the gate
    knows are not personal (a timestamp, an ID with an impossible province code)."""
    from expectations.pii import scan_table

    values = ["20240615083000", "047203001234", "Khách sạn Sông Hương", "0912345678"]
    table = tourism_table().set_column(1, "ten_co_so", pa.array(values))
    gate = scan_table(table.select(["ten_co_so"]), dataset="test")
    assert gate.counts == {"ten_co_so:phone": 1}
    with pytest.raises(ConformError, match=r"ten_co_so: 1 value\(s\) look like phone$"):
        conform(tourism_spec(), table)


def test_a_column_named_for_a_person_is_refused_unless_reviewed():
    columns = list(tourism_spec().columns)
    columns[1] = ColumnSpec("ho_ten", "string", "Họ tên")
    table = tourism_table().rename_columns(
        ["ho_ten" if n == "ten_co_so" else n for n in tourism_table().column_names]
    )
    with pytest.raises(ConformError, match="ho_ten: 4 value\\(s\\) look like person_name"):
        conform(tourism_spec(columns=tuple(columns)), table)
    columns[1] = ColumnSpec("ho_ten", "string", "Họ tên", pii_reviewed=True)
    assert conform(tourism_spec(columns=tuple(columns)), table).num_rows == 4


def test_a_reviewed_column_may_hold_an_agency_hotline():
    columns = list(tourism_spec().columns)
    columns[1] = ColumnSpec("ten_co_so", "string", "Đường dây nóng", pii_reviewed=True)
    table = tourism_table().set_column(1, "ten_co_so", pa.array(["0234382200"] * 4))
    assert conform(tourism_spec(columns=tuple(columns)), table).num_rows == 4


def test_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Khách sạn Hương Giang")
    table = tourism_table().set_column(1, "ten_co_so", pa.array([decomposed, "B", "C", "D"]))
    names = conform(tourism_spec(), table).column("ten_co_so").to_pylist()
    assert "Khách sạn Hương Giang" in names
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


@pytest.mark.parametrize(
    "change",
    [
        {"slug": "../etc"},
        {"slug": "Có-dấu"},
        {"update_frequency": "sometimes"},
        {"temporal_start": dt.date(2025, 1, 1), "temporal_end": dt.date(2024, 1, 1)},
        {"columns": (ColumnSpec("a b", "string", "A"),)},
        {"columns": (ColumnSpec("a", "money", "A"),)},
        {"columns": (ColumnSpec("a", "string", "A"), ColumnSpec("a", "string", "B"))},
    ],
)
def test_invalid_specs_are_refused(change):
    with pytest.raises(SpecError):
        dossier_spec(**change).validate()


def test_spec_round_trips_through_its_dict():
    spec = dossier_spec()
    assert DatasetSpec.from_dict(spec.to_dict()) == spec


def test_slugify_folds_vietnamese():
    assert slugify("Sở Thông tin và Truyền thông") == "so-thong-tin-va-truyen-thong"
    assert slugify("Đắk Lắk") == "dak-lak"


def test_null_and_empty_string_hash_differently():
    base = tourism_table()
    empty = base.set_column(3, "ma_xa", pa.array(["", "19774", "19777", "19753"]))
    null = base.set_column(3, "ma_xa", pa.array([None, "19774", "19777", "19753"]))
    spec = tourism_spec()
    assert content_hash(conform(spec, empty)) != content_hash(conform(spec, null))


rows = st.lists(
    st.tuples(
        st.text(alphabet="0123456789", min_size=1, max_size=6),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
        st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(rows=rows, data=st.data())
def test_hash_ignores_row_order_and_unicode_form_but_sees_every_value(rows, data):
    spec = tourism_spec(
        columns=(
            ColumnSpec("ma_co_so", "string", "Mã"),
            ColumnSpec("ten_co_so", "string", "Tên", pii_reviewed=True),
            ColumnSpec("so_sao", "integer", "Sao"),
        )
    )

    def table(rs):
        return pa.table(
            {
                "ma_co_so": [r[0] for r in rs],
                "ten_co_so": [r[1] for r in rs],
                "so_sao": pa.array([r[2] for r in rs], pa.int64()),
            }
        )

    shuffled = data.draw(st.permutations(rows))
    nfd = [(a, unicodedata.normalize("NFD", b), c) for a, b, c in shuffled]
    original = content_hash(conform(spec, table(rows)))
    assert content_hash(conform(spec, table(nfd))) == original
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    changed = list(rows)
    changed[index] = (changed[index][0] + "0", *changed[index][1:])
    assert content_hash(conform(spec, table(changed))) != original
