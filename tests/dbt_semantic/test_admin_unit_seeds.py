"""The admin-unit seed generator: real reference files, drift check, and refusal of malformed references."""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.dbt_semantic.harness import DBT_DIR, REPO

# The generator is a script in dbt_project/, not part of an installed package: load it by path.
_spec = importlib.util.spec_from_file_location(
    "admin_unit_seeds", DBT_DIR / "generator" / "admin_unit_seeds.py"
)
assert _spec is not None and _spec.loader is not None
gen = importlib.util.module_from_spec(_spec)
sys.modules["admin_unit_seeds"] = gen
_spec.loader.exec_module(gen)

REFERENCE = REPO / "reference" / "admin_units"


@pytest.fixture(scope="module")
def seeds() -> gen.Seeds:
    return gen.build(REFERENCE)


def _communes(seeds: gen.Seeds, valid_from: str) -> list[gen.Unit]:
    return [u for u in seeds.units if u.unit_tier == "commune" and u.valid_from == valid_from]


def test_counts_per_vintage(seeds: gen.Seeds) -> None:
    assert len(_communes(seeds, "2021-07-01")) == 141
    assert len(_communes(seeds, "2025-01-01")) == 133
    assert len(_communes(seeds, "2025-07-01")) == 40
    districts = [u for u in seeds.units if u.unit_tier == "district"]
    assert sorted({u.valid_from for u in districts}) == ["2021-07-01", "2025-01-01"]
    assert len([u for u in districts if u.valid_from == "2021-07-01"]) == 9
    assert len([u for u in districts if u.valid_from == "2025-01-01"]) == 9
    new = _communes(seeds, "2025-07-01")
    assert sum(u.level == "Phường" for u in new) == 21 and sum(u.level == "Xã" for u in new) == 19


def test_codes_are_five_digit_text(seeds: gen.Seeds) -> None:
    for unit in seeds.units:
        assert unit.code.isdigit() and len(unit.code) == (5 if unit.unit_tier == "commune" else 3)


def test_names_are_clean(seeds: gen.Seeds) -> None:
    for unit in seeds.units:
        assert unit.name == unit.name.strip() and "\n" not in unit.name and "  " not in unit.name


def test_every_old_commune_is_mapped_or_flagged(seeds: gen.Seeds) -> None:
    rows = [dict(zip(gen.CROSSWALK_HEADER, r, strict=True)) for r in seeds.crosswalk]
    for vintage in ("2021-07-01", "2025-01-01"):
        codes = {u.code for u in _communes(seeds, vintage)}
        from_here = [r for r in rows if r["old_valid_from"] == vintage]
        assert {r["old_code"] for r in from_here} >= codes
        for r in from_here:
            assert (r["mapping_status"] == "mapped") == bool(r["new_code"]), r
    # each old unit has exactly one successor (no splits in Huế)
    keys = [(r["old_code"], r["old_valid_from"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_huong_hoa_flagged_not_guessed(seeds: gen.Seeds) -> None:
    rows = [dict(zip(gen.CROSSWALK_HEADER, r, strict=True)) for r in seeds.crosswalk]
    flagged = [r for r in rows if r["mapping_status"] != "mapped"]
    assert [r["old_code"] for r in flagged] == ["20176"]
    assert flagged[0]["new_code"] == "" and "Hương Hòa" in flagged[0]["old_name"]
    assert "20176" not in {u.code for u in _communes(seeds, "2025-01-01")}


def test_19753_names_differ_across_july_2025(seeds: gen.Seeds) -> None:
    names = {u.valid_from: u.name for u in seeds.units if u.code == "19753"}
    assert names == {
        "2021-07-01": "Phường Thuận Lộc",
        "2025-01-01": "Phường Thuận Lộc",
        "2025-07-01": "Phường Phú Xuân",
    }


def test_merges_2025_01_target_units_of_the_same_district(seeds: gen.Seeds) -> None:
    old = {u.code: u for u in _communes(seeds, "2021-07-01")}
    mid = {u.code: u for u in _communes(seeds, "2025-01-01")}
    for gone, (target, _basis) in gen.MERGES_2025_01.items():
        assert gone not in mid and target in mid
        # The 2025-01 list renumbered Huế city into quận Thuận Hóa / Phú Xuân, so compare the 2023 districts.
        assert old[gone].district_code == old[target].district_code


def test_aliases_point_at_predecessors(seeds: gen.Seeds) -> None:
    rows = [dict(zip(gen.CROSSWALK_HEADER, r, strict=True)) for r in seeds.crosswalk]
    for alias_code, code, *_ in seeds.aliases:
        predecessors = {
            r["old_code"] for r in rows if r["new_code"] == code and r["old_valid_from"] == "2025-01-01"
        }
        assert alias_code in predecessors


def test_seeds_on_disk_match_reference() -> None:
    assert gen.main(["--check"]) == 0


def test_check_reports_drift(tmp_path: Path) -> None:
    seed_dir = tmp_path / "seeds"
    shutil.copytree(DBT_DIR / "seeds" / "admin_units", seed_dir)
    assert gen.main(["--check", "--seed-dir", str(seed_dir)]) == 0
    path = seed_dir / "admin_units.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Phường Thuận Lộc", "Phường Thuận Lọc"), encoding="utf-8"
    )
    assert gen.main(["--check", "--seed-dir", str(seed_dir)]) == 1
    assert gen.main(["--seed-dir", str(seed_dir)]) == 0
    assert gen.main(["--check", "--seed-dir", str(seed_dir)]) == 0


def test_written_seed_parses_with_codes_intact(tmp_path: Path) -> None:
    gen.write(gen.build(REFERENCE), tmp_path)
    with (tmp_path / "admin_units.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"code", "name", "level", "district_code", "valid_from", "valid_to"} <= set(rows[0])
    assert all(len(r["code"]) in (3, 5) for r in rows)


def _copy_reference(tmp_path: Path) -> Path:
    ref = tmp_path / "ref"
    shutil.copytree(REFERENCE, ref)
    return ref


def test_malformed_crosswalk_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    ref = _copy_reference(tmp_path)
    path = ref / "crosswalk_2025-01_to_2025-07.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",19753,Phường Tây Lộc", ",1975X,Phường Tây Lộc"),
        encoding="utf-8",
    )
    with pytest.raises(gen.AdminUnitReferenceError, match="bad codes"):
        gen.build(ref)
    assert gen.main(["--reference-dir", str(ref), "--seed-dir", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_unexplained_disappearance_is_refused(tmp_path: Path) -> None:
    ref = _copy_reference(tmp_path)
    path = ref / "communes_national_2025-01-04.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if ",19900," not in line), encoding="utf-8")
    with pytest.raises(gen.AdminUnitReferenceError, match="MERGES_2025_01"):
        gen.build(ref)


def test_missing_reference_file(tmp_path: Path) -> None:
    ref = _copy_reference(tmp_path)
    (ref / "communes_2025-07.csv").unlink()
    with pytest.raises(gen.AdminUnitReferenceError, match="missing"):
        gen.build(ref)


def test_province_codes_in_personal_id_macro_match_reference() -> None:
    macro = (DBT_DIR / "macros" / "semantic" / "personal_id.sql").read_text(encoding="utf-8")
    block = macro[
        macro.index("hue_province_codes() -%}") : macro.index(
            "{%- endmacro %}", macro.index("hue_province_codes")
        )
    ]
    in_macro = set(re.findall(r"'(\d{3})'", block))
    with (REFERENCE / "communes_national_2023-05-07.csv").open(encoding="utf-8", newline="") as fh:
        in_reference = {"0" + row["Mã TP"] for row in csv.DictReader(fh)}
    assert len(in_reference) == 63
    assert in_macro == in_reference
