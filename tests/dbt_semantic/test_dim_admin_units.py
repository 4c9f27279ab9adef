"""dim_admin_units as built by dbt, on DuckDB and PostgreSQL."""

from __future__ import annotations

from tests.dbt_semantic.conftest import Warehouse


def test_counts_per_period(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        f"select valid_from, valid_to, count(*) from {warehouse.schema}.dim_admin_units "
        "where unit_tier = 'commune' group by valid_from, valid_to order by valid_from",
        None,
    )
    assert [(str(a), str(b), n) for a, b, n in rows] == [
        ("2021-07-01", "2024-12-31", 141),
        ("2025-01-01", "2025-06-30", 133),
        ("2025-07-01", "9999-12-31", 40),
    ]


def test_every_old_commune_has_a_current_unit_or_a_flag(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        f"""select d.code, d.valid_from, d.current_code, d.mapping_status, c.valid_to
            from {warehouse.schema}.dim_admin_units d
            left join {warehouse.schema}.dim_admin_units c
              on c.code = d.current_code and c.valid_from = d.current_valid_from
            where d.unit_tier = 'commune' and d.valid_from = date '2021-07-01'""",
        None,
    )
    assert len(rows) == 141
    for code, _, current, status, current_valid_to in rows:
        if status == "mapped":
            assert current is not None and str(current_valid_to) == "9999-12-31", code
        else:
            assert current is None and status.startswith("flagged"), code
    assert all(r[3] == "mapped" for r in rows)  # 20176 is not a 2021 unit, so every 2021 unit maps


def test_only_huong_hoa_is_flagged(warehouse: Warehouse) -> None:
    flags = warehouse.query(
        f"select old_code, mapping_status from {warehouse.schema}.admin_unit_crosswalk where mapping_status <> 'mapped'",
        None,
    )
    assert flags == [("20176", "flagged_no_crosswalk_row")]


def test_19753_before_and_after_july_2025(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        f"select valid_from, name, current_code, current_name, is_current from {warehouse.schema}.dim_admin_units "
        "where code = '19753' order by valid_from",
        None,
    )
    assert [(str(r[0]), r[1], r[2], r[3], bool(r[4])) for r in rows] == [
        ("2021-07-01", "Phường Thuận Lộc", "19753", "Phường Phú Xuân", False),
        ("2025-01-01", "Phường Thuận Lộc", "19753", "Phường Phú Xuân", False),
        ("2025-07-01", "Phường Phú Xuân", "19753", "Phường Phú Xuân", True),
    ]


def test_merged_2021_commune_reaches_todays_unit(warehouse: Warehouse) -> None:
    # Xã Hương Thọ (20032) -> phường Long Hồ (20029, 2025-01) -> phường Kim Long (19774, 2025-07)
    rows = warehouse.query(
        f"select current_code, current_name from {warehouse.schema}.dim_admin_units "
        "where code = '20032' and valid_from = date '2021-07-01'",
        None,
    )
    assert rows == [("19774", "Phường Kim Long")]


def test_districts_have_no_successor(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        f"select distinct mapping_status from {warehouse.schema}.dim_admin_units where unit_tier = 'district'",
        None,
    )
    assert rows == [("district_level_abolished",)]


def test_district_names_attached(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        f"select district_name from {warehouse.schema}.dim_admin_units "
        "where code = '19753' and valid_from = date '2025-01-01'",
        None,
    )
    assert rows == [("Quận Phú Xuân",)]
