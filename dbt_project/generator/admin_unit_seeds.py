"""Generate the administrative-unit seeds (đơn vị hành chính) of Huế from the national reference lists.

Reads ``reference/admin_units/*.csv`` (public data of the national statistics office) and writes, under
``dbt_project/seeds/admin_units/``:

- ``admin_units.csv``: one row per unit and vintage (code, name, level, unit_tier, district_code,
  valid_from, valid_to, match_key). Communes (cấp xã): 141 for 2021-07-01..2024-12-31, 133 for
  2025-01-01..2025-06-30, 40 from 2025-07-01; districts (cấp huyện) for the first two vintages.
- ``admin_unit_crosswalk.csv``: old unit (code, valid range) → new unit (code, valid range), with the
  kind of change and its basis. Rows whose successor is unknown keep an empty ``new_code`` and a
  ``mapping_status`` other than ``mapped``: they are flagged, never guessed.
- ``admin_unit_code_aliases.csv``: codes that another reference file uses for a 2025-07 unit.

``--check`` regenerates in memory and exits 1 when the files on disk differ (drift), so CI notices a changed
reference file or a hand-edited seed.

Usage: ``python dbt_project/generator/admin_unit_seeds.py [--check] [--reference-dir D] [--seed-dir D]``
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PROVINCE_CODE = "46"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE_DIR = PROJECT_ROOT / "reference" / "admin_units"
DEFAULT_SEED_DIR = PROJECT_ROOT / "dbt_project" / "seeds" / "admin_units"

# Validity of each vintage (hiệu lực). 9999-12-31 marks "still valid".
V2021 = ("2021-07-01", "2024-12-31")  # NQ 1264/NQ-UBTVQH14
V2025_01 = ("2025-01-01", "2025-06-30")  # NQ 175/2024/QH15, NQ 1314/NQ-UBTVQH15
V2025_07 = ("2025-07-01", "9999-12-31")  # NQ 1675/NQ-UBTVQH15, QĐ 19/2025/QĐ-TTg
OPEN_END = "9999-12-31"

COMMUNE_LEVELS = ("Phường", "Xã", "Thị trấn")

# Communes of the 2023 list that are gone from the 2025-01 list, and the unit that absorbed them under
# NQ 1314/NQ-UBTVQH15 (effective 1/1/2025). The lists alone say *that* a code disappeared, not *where* it
# went, so the successor comes from the resolution; the generator checks each one against the lists
# (the code must vanish, the successor must exist in 2025-01) so a wrong entry fails loudly.
MERGES_2025_01: dict[str, tuple[str, str]] = {
    "19849": ("19819", "NQ 1314/NQ-UBTVQH15: Phong Thu merged into thị trấn Phong Điền → phường Phong Thu"),
    "19822": ("19825", "NQ 1314/NQ-UBTVQH15: Điền Hương merged into Điền Môn → xã Phong Thạnh"),
    "19834": ("19828", "NQ 1314/NQ-UBTVQH15: Điền Hòa merged into Điền Lộc → phường Phong Phú"),
    "19840": ("19843", "NQ 1314/NQ-UBTVQH15: Phong Hải merged into Điền Hải → phường Phong Hải"),
    "20032": ("20029", "NQ 1314/NQ-UBTVQH15: Hương Thọ + phường Hương Hồ → phường Long Hồ"),
    "19906": ("19909", "NQ 1314/NQ-UBTVQH15: Phú Dương + Phú Mậu → phường Dương Nỗ"),
    "19924": ("19909", "NQ 1314/NQ-UBTVQH15 [I]: Phú Thanh → phường Dương Nỗ (to verify against the text)"),
    "19999": ("19900", "NQ 1314/NQ-UBTVQH15 [I]: Hải Dương → phường Thuận An (to verify against the text)"),
}

# Rows of the 2025-01-04 national list that are not units of that period.
STALE_2025_01: dict[str, str] = {
    "20176": (
        "Xã Hương Hòa: listed in the national list of 4/1/2025 but absent from the 2023 list and from the "
        "2025-07 crosswalk; merged with Hương Giang into xã Hương Xuân from 1/1/2020 (NQ 834/NQ-UBTVQH14)"
    ),
}

_VI_FROM = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_VI_TO = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
_UNACCENT = str.maketrans(_VI_FROM, _VI_TO)
_PREFIXES = ("thị trấn ", "phường ", "xã ")


class AdminUnitReferenceError(ValueError):
    """A reference file does not have the shape or content the generator relies on."""


def clean_name(raw: str) -> str:
    """NFC, whitespace collapsed (names in the crosswalk carry embedded newlines and trailing spaces)."""
    text = unicodedata.normalize("NFC", " ".join(raw.split()))
    return text.replace("–", "-")


def level_of(name: str) -> str:
    for level in COMMUNE_LEVELS:
        if name.startswith(level + " "):
            return level
    raise AdminUnitReferenceError(f"commune name without a known level prefix: {name!r}")


def match_key(name: str) -> str:
    """Lower-case, diacritics removed, level prefix removed: 'Phường Thuận Hóa' → 'thuan hoa'.

    Mirrors the SQL in macros/semantic/admin_unit.sql (hue_admin_unit_key); a test checks both agree.
    """
    text = clean_name(name).lower()
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text.translate(_UNACCENT)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    unit_tier: str  # 'commune' | 'district'
    district_code: str
    valid_from: str
    valid_to: str

    def row(self) -> list[str]:
        key = match_key(self.name) if self.unit_tier == "commune" else ""
        return [
            self.code,
            self.name,
            self.level,
            self.unit_tier,
            self.district_code,
            self.valid_from,
            self.valid_to,
            key,
        ]


def _read_rows(path: Path) -> list[list[str]]:
    if not path.exists():
        raise AdminUnitReferenceError(f"reference file missing: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def read_national_list(path: Path) -> list[dict[str, str]]:
    """Huế rows of a national 3-level list (Tỉnh Thành Phố, Mã TP, Quận Huyện, Mã QH, Phường Xã, Mã PX, Cấp)."""
    rows = _read_rows(path)
    header = [h.strip() for h in rows[0]]
    needed = ["Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]
    missing = [h for h in needed if h not in header]
    if missing:
        raise AdminUnitReferenceError(f"{path.name}: missing columns {missing}")
    idx = {h: header.index(h) for h in needed}
    out = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not row or row[idx["Mã TP"]].strip() != PROVINCE_CODE:
            continue
        rec = {h: clean_name(row[i]) for h, i in idx.items()}
        if not (rec["Mã PX"].isdigit() and len(rec["Mã PX"]) == 5 and len(rec["Mã QH"]) == 3):
            raise AdminUnitReferenceError(
                f"{path.name}:{line_no}: bad codes {rec['Mã QH']!r}/{rec['Mã PX']!r}"
            )
        out.append(rec)
    return out


@dataclass(frozen=True)
class CrosswalkRow:
    new_name: str
    new_code: str
    old_name: str
    old_code: str
    note: str


def read_crosswalk(path: Path) -> list[CrosswalkRow]:
    """Huế rows of the 2025-01 → 2025-07 crosswalk (two header rows, province banner rows, multi-line names)."""
    rows = _read_rows(path)
    header = [clean_name(h) for h in rows[1]]
    expected = ["Tỉnh, thành phố", "Tên Xã mới", "Mã Xã mới", "Tên Xã cũ", "Mã Xã cũ", "Ghi chú"]
    if header[: len(expected)] != expected:
        raise AdminUnitReferenceError(f"{path.name}: unexpected header {header[: len(expected)]}")
    out = []
    for line_no, row in enumerate(rows[2:], start=3):
        if len(row) < 6 or f"({PROVINCE_CODE})" not in row[0]:
            continue
        new_code, old_code = row[2].strip(), row[4].strip()
        if not (new_code.isdigit() and len(new_code) == 5 and old_code.isdigit() and len(old_code) == 5):
            raise AdminUnitReferenceError(
                f"{path.name}: record {line_no}: bad codes {new_code!r}/{old_code!r}"
            )
        out.append(
            CrosswalkRow(clean_name(row[1]), new_code, clean_name(row[3]), old_code, clean_name(row[5]))
        )
    return out


def read_communes_2025_07(path: Path) -> dict[str, str]:
    """Huế rows of the 2-level list (code, name, province): name → code."""
    out = {}
    for row in _read_rows(path):
        if len(row) >= 3 and row[0].strip().isdigit() and clean_name(row[2]) == "Thành phố Huế":
            out[clean_name(row[1])] = row[0].strip()
    return out


def _district_units(records: list[dict[str, str]], valid: tuple[str, str]) -> list[Unit]:
    seen: dict[str, str] = {}
    for rec in records:
        seen.setdefault(rec["Mã QH"], rec["Quận Huyện"])
    units = []
    for code, name in sorted(seen.items()):
        level = next(
            (
                lv
                for lv in ("Thành phố", "Thị xã", "Quận", "Huyện")
                if name.lower().startswith(lv.lower() + " ")
            ),
            None,
        )
        if level is None:
            raise AdminUnitReferenceError(f"district name without a known level prefix: {name!r}")
        units.append(Unit(code, name, level, "district", "", *valid))
    return units


def _commune_units(records: list[dict[str, str]], valid: tuple[str, str]) -> list[Unit]:
    units = []
    for rec in records:
        if rec["Cấp"] not in COMMUNE_LEVELS or level_of(rec["Phường Xã"]) != rec["Cấp"]:
            raise AdminUnitReferenceError(
                f"level mismatch for {rec['Mã PX']}: {rec['Cấp']!r} / {rec['Phường Xã']!r}"
            )
        units.append(Unit(rec["Mã PX"], rec["Phường Xã"], rec["Cấp"], "commune", rec["Mã QH"], *valid))
    return units


@dataclass(frozen=True)
class Seeds:
    units: list[Unit]
    crosswalk: list[list[str]]
    aliases: list[list[str]]

    def files(self) -> dict[str, str]:
        return {
            "admin_units.csv": _to_csv(
                [
                    "code",
                    "name",
                    "level",
                    "unit_tier",
                    "district_code",
                    "valid_from",
                    "valid_to",
                    "match_key",
                ],
                [u.row() for u in self.units],
            ),
            "admin_unit_crosswalk.csv": _to_csv(CROSSWALK_HEADER, self.crosswalk),
            "admin_unit_code_aliases.csv": _to_csv(ALIAS_HEADER, self.aliases),
        }


CROSSWALK_HEADER = [
    "old_code",
    "old_name",
    "old_valid_from",
    "old_valid_to",
    "new_code",
    "new_name",
    "new_valid_from",
    "new_valid_to",
    "change_type",
    "mapping_status",
    "basis",
]
ALIAS_HEADER = ["alias_code", "code", "valid_from", "valid_to", "source"]


def _to_csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def build(reference_dir: Path) -> Seeds:
    """Build all seeds from the reference files; raises AdminUnitReferenceError when the facts do not line up."""
    old = read_national_list(reference_dir / "communes_national_2023-05-07.csv")
    mid_all = read_national_list(reference_dir / "communes_national_2025-01-04.csv")
    crosswalk = read_crosswalk(reference_dir / "crosswalk_2025-01_to_2025-07.csv")
    list_2025_07 = read_communes_2025_07(reference_dir / "communes_2025-07.csv")

    mid = [r for r in mid_all if r["Mã PX"] not in STALE_2025_01]
    old_units = _commune_units(old, V2021)
    mid_units = _commune_units(mid, V2025_01)
    old_by_code = {u.code: u for u in old_units}
    mid_by_code = {u.code: u for u in mid_units}

    # 2025-07 units: the crosswalk's new codes (each took over one predecessor's code).
    new_names: dict[str, str] = {}
    for row in crosswalk:
        if new_names.setdefault(row.new_code, row.new_name) != row.new_name:
            raise AdminUnitReferenceError(f"crosswalk gives two names for {row.new_code}")
    new_units = [
        Unit(code, name, level_of(name), "commune", "", *V2025_07) for code, name in sorted(new_names.items())
    ]

    gone = set(old_by_code) - set(mid_by_code)
    if gone != set(MERGES_2025_01):
        raise AdminUnitReferenceError(
            f"communes gone between 2023 and 2025-01 are {sorted(gone)}, "
            f"the merge table covers {sorted(MERGES_2025_01)}: update MERGES_2025_01 from NQ 1314"
        )
    arrived = set(mid_by_code) - set(old_by_code)
    if arrived:
        raise AdminUnitReferenceError(f"communes new in 2025-01 without a predecessor: {sorted(arrived)}")

    xw: list[list[str]] = []
    for unit in old_units:
        if unit.code in mid_by_code:
            succ = mid_by_code[unit.code]
            change = "unchanged" if succ.name == unit.name else "renamed_or_reclassified"
            if unit.code in {t for t, _ in MERGES_2025_01.values()}:
                change = "absorbed_others"
            basis = "same code in the 2023 and 2025-01 national lists"
        else:
            target, basis = MERGES_2025_01[unit.code]
            if target not in mid_by_code:
                raise AdminUnitReferenceError(
                    f"merge target {target} of {unit.code} is not in the 2025-01 list"
                )
            succ, change = mid_by_code[target], "merged"
        xw.append(_xw_row(unit, succ, change, "mapped", basis))

    mapped_old = {r.old_code for r in crosswalk}
    new_by_code = {u.code: u for u in new_units}
    for row in crosswalk:
        if row.old_code not in mid_by_code:
            raise AdminUnitReferenceError(f"crosswalk old code {row.old_code} is not a 2025-01 unit")
        change = "merged" if row.note.lower().startswith("nhập") else "unchanged"
        xw.append(
            _xw_row(
                mid_by_code[row.old_code],
                new_by_code[row.new_code],
                change,
                "mapped",
                f"crosswalk_2025-01_to_2025-07.csv: {row.note}",
            )
        )
    for unit in mid_units:
        if unit.code not in mapped_old:
            xw.append(_xw_row(unit, None, "unknown", "flagged_no_crosswalk_row", "no row in the crosswalk"))
    for rec in mid_all:
        if rec["Mã PX"] in STALE_2025_01:
            stale = Unit(rec["Mã PX"], rec["Phường Xã"], rec["Cấp"], "commune", rec["Mã QH"], *V2025_01)
            xw.append(_xw_row(stale, None, "unknown", "flagged_no_crosswalk_row", STALE_2025_01[stale.code]))

    aliases = []
    for name, code in sorted(list_2025_07.items()):
        canonical = [u for u in new_units if u.name == name]
        if len(canonical) != 1:
            raise AdminUnitReferenceError(f"communes_2025-07.csv unit {name!r} is not in the crosswalk")
        if canonical[0].code != code:
            aliases.append([code, canonical[0].code, *V2025_07, "communes_2025-07.csv"])
    if len(list_2025_07) != len(new_units):
        raise AdminUnitReferenceError(
            f"{len(list_2025_07)} units in communes_2025-07.csv, {len(new_units)} in crosswalk"
        )

    districts = _district_units(old, V2021) + _district_units(mid, V2025_01)
    units = sorted(
        old_units + mid_units + new_units + districts, key=lambda u: (u.valid_from, u.unit_tier, u.code)
    )
    return Seeds(units, xw, aliases)


def _xw_row(old: Unit, new: Unit | None, change: str, status: str, basis: str) -> list[str]:
    return [
        old.code,
        old.name,
        old.valid_from,
        old.valid_to,
        new.code if new else "",
        new.name if new else "",
        new.valid_from if new else "",
        new.valid_to if new else "",
        change,
        status,
        basis,
    ]


def write(seeds: Seeds, seed_dir: Path) -> list[Path]:
    seed_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in seeds.files().items():
        path = seed_dir / name
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # readers never see a half-written seed
        written.append(path)
    return written


def drift(seeds: Seeds, seed_dir: Path) -> list[str]:
    """Names of seed files that are missing or differ from what the reference data produce."""
    out = []
    for name, text in seeds.files().items():
        path = seed_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the seeds on disk drifted")
    parser.add_argument("--reference-dir", type=Path, default=DEFAULT_REFERENCE_DIR)
    parser.add_argument("--seed-dir", type=Path, default=DEFAULT_SEED_DIR)
    args = parser.parse_args(argv)
    try:
        seeds = build(args.reference_dir)
    except AdminUnitReferenceError as exc:
        print(f"admin_unit_seeds: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = drift(seeds, args.seed_dir)
        if stale:
            print(f"admin_unit_seeds: drift in {', '.join(stale)}; rerun without --check", file=sys.stderr)
            return 1
        print("admin_unit_seeds: seeds match the reference data")
        return 0
    for path in write(seeds, args.seed_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
