"""Decision 766 index (rpt_index_766_indicators, rpt_index_766) against a hand computation: one commune
agency (đơn vị), March 2024, five dossiers of its own plus one of another agency that must not leak in."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from tests.kpi_marts.harness import DBT_DIR, PROBE_TABLES

UNIT = "000.30.01.H57"  # the commune agency under test
OTHER = "000.00.14.H57"  # a province department: its dossier must not change UNIT's figures
MARCH = "month:2024-03-01:2024-03-31"

# Configuration the hand computation assumes (seeds/config/index_766_indicators.csv): indicator →
# (max_points, threshold or None). If the province changes the seed, this test says which row moved.
ASSUMED_CONFIG = {
    "1.4": (4, None), "2.1": (20, None), "3.1": (4, 80), "3.3": (8, 50), "3.5": (5, 80), "3.6": (5, None),
    "4.1": (4, None), "4.2": (6, 80), "4.3": (4, 80), "4.4": (4, None), "4.5": (4, None), "5.4": (6, 90),
}  # fmt: skip


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%m/%Y %H:%M")


# Procedures (TTHC): code, online level, maximum days, fee, fee payable online.
PROCEDURES = [
    ("1.000001", "full", 5, 50_000, True),
    ("1.000002", "none", 10, 10_000, False),
    ("1.000003", "partial", 7, 20_000, True),
]

# Dossiers: code, agency, procedure, channel, received, due, status, end, synced, VNeID, paid online
# channel, has digitised components, complaint.
DOSSIERS = [
    # D1 online, resolved early (07/03, due 08/03).
    ("D1", UNIT, "1.000001", 2, at("04/03/2024 08:00"), at("08/03/2024 17:00"), 10, at("07/03/2024 10:00"),
     True, True, 1, False, False),
    # D2 online, resolved on the due day (12/03 15:00, due 12/03 17:00); a complaint.
    ("D2", UNIT, "1.000001", 2, at("05/03/2024 09:00"), at("12/03/2024 17:00"), 9, at("12/03/2024 15:00"),
     True, False, None, True, True),
    # D3 in person, resolved late (20/03, due 14/03); no fee charged, result on paper only.
    ("D3", UNIT, "1.000002", 1, at("11/03/2024 08:00"), at("14/03/2024 17:00"), 10, at("20/03/2024 16:00"),
     False, False, None, False, False),
    # D4 in person, still in progress on 31/03, due 10/04: within deadline.
    ("D4", UNIT, "1.000003", 1, at("25/03/2024 08:00"), at("10/04/2024 17:00"), 4, None,
     True, False, 2, False, False),
    # D5 by post, received in February, still in progress on 31/03, due 04/03: over deadline.
    ("D5", UNIT, "1.000001", 3, at("28/02/2024 08:00"), at("04/03/2024 17:00"), 4, None,
     True, False, None, False, False),
    # D6 at another agency: counts for the province, never for UNIT.
    ("D6", OTHER, "1.000001", 2, at("15/03/2024 08:00"), at("20/03/2024 17:00"), 10, at("16/03/2024 10:00"),
     False, False, None, False, True),
]  # fmt: skip
FEES = [("D1", 50_000), ("D2", 50_000), ("D4", 20_000), ("D5", 50_000), ("D6", 50_000)]
# Submitted documents: dossier, digitised (DuocSoHoa), reused, from the personal data store (DuocLayTuKhoDMQG).
DOCUMENTS = [("D1", True, False, True), ("D2", False, False, False), ("D4", True, True, False)]
# Results: dossier, has an electronic file.
RESULTS = [("D1", True), ("D2", True), ("D3", False), ("D6", True)]

# The hand computation for UNIT, March 2024 (numerator, denominator, rate %, points):
# received in March: D1, D2, D3, D4 (D5 was received in February); resolved in March: D1, D2, D3.
EXPECTED = {
    # 1.4 synced / received in March: D1, D2, D4 of 4 → 75 %; no threshold: 4 × 0.75.
    "1.4": (3, 4, "75.00", "3.00"),
    # 2.1 (early + on time + in progress within) / (early + on time + late + within + over)
    #     = (D1 + D2 + D4) / (D1 + D2 + D3 + D4 + D5) = 3/5 → 60 %; 20 × 0.60.
    "2.1": (3, 5, "60.00", "12.00"),
    # 3.1 procedures of the month's dossiers offered online (full or partial): 1.000001, 1.000003 of the
    #     three → 66.67 %; threshold 80: 4 × 66.67 / 80 = 3.3335 → 3.33.
    "3.1": (2, 3, "66.67", "3.33"),
    # 3.3 online / received in March: D1, D2 of 4 → 50 %; threshold 50 reached: 8.
    "3.3": (2, 4, "50.00", "8.00"),
    # 3.5 fee-bearing procedures payable online: 1.000001, 1.000003 of the three → 66.67 %;
    #     5 × 66.67 / 80 = 4.166875 → 4.17.
    "3.5": (2, 3, "66.67", "4.17"),
    # 3.6 fee-bearing dossiers received in March paid online (channel 1 or 2): D1, D4 of D1, D2, D4
    #     → 66.67 %; no threshold: 5 × 0.6667 = 3.3335 → 3.33.
    "3.6": (2, 3, "66.67", "3.33"),
    # 4.1 resolved with an electronic result: D1, D2 of 3 → 66.67 %; 4 × 0.6667 = 2.6668 → 2.67.
    "4.1": (2, 3, "66.67", "2.67"),
    # 4.2 resolved, digitised in both the submitted components and the result: D1 of 3 → 33.33 %;
    #     6 × 33.33 / 80 = 2.49975 → 2.50.
    "4.2": (1, 3, "33.33", "2.50"),
    # 4.3 digitised data used (HoSoCoThanhPhanSoHoa or a digitised document): D1, D2, D4 of 4 → 75 %;
    #     4 × 75 / 80 = 3.75.
    "4.3": (3, 4, "75.00", "3.75"),
    # 4.4 a component from the personal data store: D1 of 4 → 25 %; 4 × 0.25 = 1.
    "4.4": (1, 4, "25.00", "1.00"),
    # 4.5 online dossiers from a VNeID-verified account: D1 of D1, D2 → 50 %; 4 × 0.5 = 2.
    "4.5": (1, 2, "50.00", "2.00"),
    # 5.4 100 % − (late rate + complaint rate) over the judged resolved dossiers D1, D2, D3:
    #     (3 − 1 late − 1 complaint) / 3 = 33.33 %; threshold 90: 6 × 33.33 / 90 = 2.222 → 2.22.
    "5.4": (1, 3, "33.33", "2.22"),
}
# Group points = the sum of their sub-indicators; the total is their sum.
EXPECTED_GROUPS = {
    "ckmb_points": "3.00",  # 1.4
    "tdgq_points": "12.00",  # 2.1
    "clgq_points": "11.33",  # 3.1 + 3.3 = 3.33 + 8.00
    "tttt_points": "7.50",  # 3.5 + 3.6 = 4.17 + 3.33
    "mdhl_points": "2.22",  # 5.4
    "mdsh_points": "11.92",  # 4.1..4.5 = 2.67 + 2.50 + 3.75 + 1.00 + 2.00
    "total_points": "47.97",
}


def _load(con: duckdb.DuckDBPyConnection) -> None:
    for table in PROBE_TABLES:
        con.execute(f"delete from probe.{table}")
    con.executemany(
        "insert into probe.agencies (agency_code, agency_name, level_number, level, valid_from) values (?, ?, ?, ?, ?)",
        [[UNIT, "UBND xã Hương Phong", 3, "commune", dt.date(2021, 7, 1)],
         [OTHER, "Sở Tư pháp", 1, "province", dt.date(2021, 7, 1)]],
    )  # fmt: skip
    con.executemany(
        "insert into probe.procedures (procedure_code, levels, online_level, max_processing_days, fee_vnd,"
        " is_fee_payable_online) values (?, 'TINH,HUYEN,XA', ?, ?, ?, ?)",
        [list(p) for p in PROCEDURES],
    )
    con.executemany(
        "insert into probe.dossiers (dossier_code, agency_code, procedure_code, channel, submitted_at, received_at,"
        " due_at, status, processing_ended_at, is_synced_to_dvcqg, is_vneid_verified, online_payment_channel,"
        " is_paid_online, has_digitised_components, has_complaint)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[code, agency, proc, channel, received, received, due, status, end, synced, vneid, paid, paid in (1, 2),
          digitised, complaint]
         for code, agency, proc, channel, received, due, status, end, synced, vneid, paid, digitised, complaint
         in DOSSIERS],
    )  # fmt: skip
    con.executemany(
        "insert into probe.dossier_fees (dossier_code, sequence_number, amount_vnd) values (?, 1, ?)", FEES
    )
    con.executemany(
        "insert into probe.dossier_documents (dossier_code, sequence_number, is_digitised, is_reused,"
        " is_from_personal_data_store) values (?, 1, ?, ?, ?)",
        [list(d) for d in DOCUMENTS],
    )
    con.executemany(
        "insert into probe.dossier_results (dossier_code, sequence_number, has_electronic_file) values (?, 1, ?)",
        [list(r) for r in RESULTS],
    )


@pytest.fixture(scope="module")
def index_rows(probe) -> dict[str, list[dict]]:
    with probe.connect() as con:
        _load(con)
        long = con.execute(
            "select * from marts.rpt_index_766_indicators where period_key = ? order by unit_type, unit_code, indicator",
            [MARCH],
        )
        columns = [c[0] for c in long.description]
        indicators = [dict(zip(columns, row, strict=True)) for row in long.fetchall()]
        wide = con.execute("select * from marts.rpt_index_766 where period_key = ?", [MARCH])
        columns = [c[0] for c in wide.description]
        units = [dict(zip(columns, row, strict=True)) for row in wide.fetchall()]
    return {"indicators": indicators, "units": units}


def test_configuration_is_the_one_the_hand_computation_assumes() -> None:
    with (DBT_DIR / "seeds/config/index_766_indicators.csv").open(encoding="utf-8", newline="") as fh:
        seed = {row["indicator"]: row for row in csv.DictReader(fh)}
    for indicator, (max_points, threshold) in ASSUMED_CONFIG.items():
        row = seed[indicator]
        assert row["status"] == "computable", indicator
        assert Decimal(row["max_points"]) == max_points, indicator
        assert (Decimal(row["threshold"]) if row["threshold"] else None) == threshold, indicator


def test_each_sub_indicator_equals_the_hand_computation(index_rows) -> None:
    ours = {
        r["indicator"]: r
        for r in index_rows["indicators"]
        if r["unit_type"] == "agency" and r["unit_code"] == UNIT
    }
    for indicator, (numerator, denominator, rate, points) in EXPECTED.items():
        row = ours[indicator]
        got = (row["numerator"], row["denominator"], Decimal(str(row["rate"])), Decimal(str(row["points"])))
        assert got == (numerator, denominator, Decimal(rate), Decimal(points)), indicator
        assert row["grain"] == "month" and row["status"] == "computable"


def test_group_points_and_total_equal_the_hand_computation(index_rows) -> None:
    (row,) = [u for u in index_rows["units"] if u["unit_type"] == "agency" and u["unit_code"] == UNIT]
    assert {k: Decimal(str(row[k])) for k in EXPECTED_GROUPS} == {
        k: Decimal(v) for k, v in EXPECTED_GROUPS.items()
    }
    assert Decimal(str(row["rate_2_1"])) == Decimal("60.00")
    assert Decimal(str(row["rate_3_3"])) == Decimal("50.00")
    assert row["unit_name"] == "UBND xã Hương Phong" and row["level"] == "commune"


def test_units_roll_up_and_other_agencies_stay_out(index_rows) -> None:
    by_unit = {(r["unit_type"], r["unit_code"], r["indicator"]): r for r in index_rows["indicators"]}
    # The only commune agency: the commune level equals it on every additive count.
    for indicator in ("1.4", "2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "4.4", "4.5", "5.4"):
        agency, level = by_unit[("agency", UNIT, indicator)], by_unit[("level", "commune", indicator)]
        assert (agency["numerator"], agency["denominator"]) == (level["numerator"], level["denominator"])
    # The province adds D6 (online, synced no, early, complaint) to UNIT's counts.
    province = by_unit[("province", "46", "3.3")]
    assert (province["numerator"], province["denominator"]) == (3, 5)
    assert by_unit[("agency", OTHER, "3.3")]["denominator"] == 1


def test_indicators_the_data_cannot_give_are_listed_with_their_reason(index_rows) -> None:
    row = next(
        r for r in index_rows["indicators"]
        if r["unit_type"] == "agency" and r["unit_code"] == UNIT and r["indicator"] == "1.2"
    )  # fmt: skip
    assert row["status"] == "not computable"
    assert row["reason"] and row["rate"] is None and row["points"] is None
