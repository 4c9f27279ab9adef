"""The staging generator: deterministic output, --check drift detection, diff_catalogues, GE suites."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dbt_project.generator import generate_staging as g
from sandbox.digitization.catalogue import catalogue_dict
from sources.digitization.catalogue import Catalogue, CatalogueError, diff_catalogues

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return g.load_catalogue(REPO / g.CATALOGUE_PATH)


@pytest.fixture(scope="module")
def files(catalogue: Catalogue) -> dict[str, str]:
    return g.render(catalogue)


def _yaml(text: str) -> object:
    return yaml.load(text, Loader=yaml.CSafeLoader)


def _small_root(tmp_path: Path, tables: int = 6) -> Path:
    """A scratch repository root holding a small catalogue snapshot."""
    g.write_snapshot(catalogue_dict(tables), tmp_path / g.CATALOGUE_PATH)
    return tmp_path


def test_committed_files_are_up_to_date(files: dict[str, str]) -> None:
    assert g.check(files, REPO) == []


def test_check_mode_cli_passes_then_fails_after_an_edit(tmp_path: Path) -> None:
    root = _small_root(tmp_path)
    script = REPO / "dbt_project/generator/generate_staging.py"
    run = [sys.executable, str(script), "--root", str(root)]
    assert subprocess.run(run, capture_output=True, text=True, check=False).returncode == 0
    ok = subprocess.run([*run, "--check"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    model = next((root / g.MODELS_DIR).glob("*/stg_digitization__*.sql"))
    model.write_text(model.read_text(encoding="utf-8") + "-- hand edit\n", encoding="utf-8")
    stale = root / g.MODELS_DIR / "du_lich" / "stg_digitization__removed_table.sql"
    stale.write_text("select 1\n", encoding="utf-8")
    (root / g.SUITES_DIR).mkdir(parents=True, exist_ok=True)
    bad = subprocess.run([*run, "--check"], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    rel = model.relative_to(root).as_posix()
    assert f"changed: {rel}" in bad.stderr and f"stale: {stale.relative_to(root).as_posix()}" in bad.stderr
    # regenerating repairs both
    subprocess.run(run, check=True, capture_output=True)
    assert not stale.exists()
    assert subprocess.run([*run, "--check"], capture_output=True, check=False).returncode == 0


def test_module_entry_point_and_missing_snapshot(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "dbt_project.generator.generate_staging", "--root", str(tmp_path), "--check"],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert out.returncode == 2 and "--snapshot" in out.stderr


def test_snapshot_from_sandbox_and_growth(tmp_path: Path) -> None:
    assert g.main(["--root", str(tmp_path), "--snapshot", "--sandbox", "--tables", "12"]) == 0
    written = set(json.loads((tmp_path / g.MANIFEST_PATH).read_text(encoding="utf-8"))["files"])
    assert g.main(["--root", str(tmp_path), "--snapshot", "--sandbox", "--tables", "14"]) == 0
    grown = set(json.loads((tmp_path / g.MANIFEST_PATH).read_text(encoding="utf-8"))["files"])
    assert written < grown and len([p for p in grown - written if p.endswith(".sql")]) == 2


def test_render_is_deterministic(files: dict[str, str]) -> None:
    # The committed files were rendered by another process: test_committed_files_are_up_to_date covers
    # cross-process determinism; here the same input twice in one process.
    small = Catalogue.from_dict(catalogue_dict(30))
    assert g.render(small) == g.render(Catalogue.from_dict(catalogue_dict(30)))
    sql = [p for p in files if p.endswith(".sql")]
    assert len(sql) == 597 and len([p for p in files if p.startswith(str(g.SUITES_DIR))]) == 43


def test_model_shape(catalogue: Catalogue, files: dict[str, str]) -> None:
    t = catalogue.table("co_so_luu_tru_tp_hue")
    sql = files[f"{g.MODELS_DIR}/du_lich/stg_digitization__co_so_luu_tru_tp_hue.sql"]
    assert "{{ source('digitization', 'co_so_luu_tru_tp_hue') }}" in sql
    assert 'partition by "ma_co_so"' in sql and "_version_rank = 1" in sql
    for col in t.columns:
        assert f" as {col.id},\n" in sql and f" as {col.id}__issue," in sql
    assert "{{ std_latitude('\"vi_do\"', '\"kinh_do\"') }} as vi_do" in sql
    assert "{{ std_admin_unit('\"ma_xa\"', std_timestamp('\"ngay_cap_nhat\"')) }} as ma_xa" in sql
    assert "materialized='table'" in sql
    # macros render only when dbt executes; the seeds they read are declared for lineage
    assert sql.index("{%- if execute %}") < sql.index("std_code") < sql.index("{%- endif %}")
    assert "-- depends_on: {{ ref('admin_units') }}" in sql
    no_admin = files[f"{g.MODELS_DIR}/du_lich/stg_digitization__luot_khach.sql"]
    assert "depends_on" not in no_admin


def test_materialization_follows_volume(catalogue: Catalogue, files: dict[str, str]) -> None:
    kinds = {t.slug: g.materialization(t) for t in catalogue.tables}
    assert kinds["luot_khach"] == "incremental"
    big = files[f"{g.MODELS_DIR}/du_lich/stg_digitization__luot_khach.sql"]
    assert "materialized='incremental'" in big and "is_incremental()" in big and 'unique_key="ma_luot"' in big
    # no views: each generated model has two contract tests, and a view is re-planned by each of them
    assert all(kinds[t.slug] == "table" for t in catalogue.tables if t.row_count < 500_000)
    assert set(kinds.values()) == {"table", "incremental"}


def test_sources_yaml(catalogue: Catalogue, files: dict[str, str]) -> None:
    doc = _yaml(files[f"{g.MODELS_DIR}/_digitization__sources.yml"])
    (source,) = doc["sources"]
    assert source["name"] == "digitization" and len(source["tables"]) == 597
    first = source["tables"][0]
    assert first["meta"]["dagster"]["asset_key"] == ["digitization", "co_so_luu_tru_tp_hue"]
    assert "/raw/digitization/co_so_luu_tru_tp_hue/*/*.parquet" in first["meta"]["external_location"]
    assert first["loaded_at_field"] == "_extracted_at"
    daily = next(t for t in source["tables"] if t["name"] == "luot_khach")
    assert daily["freshness"]["error_after"] == {"count": 4, "period": "day"}


def test_models_yaml_tests_from_constraints(files: dict[str, str]) -> None:
    doc = _yaml(files[f"{g.MODELS_DIR}/du_lich/_du_lich__models.yml"])
    model = next(m for m in doc["models"] if m["name"] == "stg_digitization__co_so_luu_tru_tp_hue")
    cols = {c["name"]: c for c in model["columns"]}
    keys, values = model["data_tests"]
    assert keys == {"staging_keys": {"arguments": {"columns": ["ma_co_so"]}}}
    contract = values["staging_values"]
    assert "Khách sạn" in contract["arguments"]["accepted"]["loai_hinh"]
    assert contract["config"]["severity"] == "warn"
    assert "ma_co_so__issue" in cols and "Lý do" in cols["ma_co_so__issue"]["description"]
    assert "Danh sách cơ sở lưu trú du lịch" in model["description"]


def test_open_tables_get_loadable_ge_suites(catalogue: Catalogue, files: dict[str, str]) -> None:
    import great_expectations as gx

    open_tables = [t for t in catalogue.tables if t.classification == "open"]
    suites = [json.loads(files[f"{g.SUITES_DIR}/{t.slug}.json"]) for t in open_tables]
    for t, suite_dict in zip(open_tables, suites, strict=True):
        assert suite_dict["name"] == f"digitization.{t.slug}"
        assert suite_dict["meta"]["model"] == f"stg_digitization__{t.slug}"
    # GE drops unknown expectation types silently, so load one suite holding an example of every
    # (type, kwargs-keys) shape the generator emits, plus a full real suite, and compare counts.
    shapes = {}
    for suite_dict in suites:
        for e in suite_dict["expectations"]:
            shapes.setdefault((e["type"], tuple(sorted(e["kwargs"]))), e)
    for probe in (
        {"name": "probe", "expectations": list(shapes.values()), "meta": {}},
        copy.deepcopy(max(suites, key=lambda s: len(s["expectations"]))),
    ):
        suite = gx.ExpectationSuite(**copy.deepcopy(probe))
        assert len(suite.expectations) == len(probe["expectations"])
    assert not any(
        p.endswith(f"/{t.slug}.json") for t in catalogue.tables if t.classification != "open" for p in files
    )


def test_catalogue_validation_names_every_problem() -> None:
    data = catalogue_dict(3)
    data["tables"][0]["columns"][1]["semantic_type"] = "colour"
    data["tables"][1]["primary_key"] = ["nope"]
    data["tables"][2]["slug"] = "Bad Slug"
    with pytest.raises(CatalogueError) as err:
        Catalogue.from_dict(data)
    text = str(err.value)
    assert "3 problem(s)" in text and "colour" in text and "nope" in text and "Bad Slug" in text


def test_diff_catalogues() -> None:
    old = catalogue_dict(10)
    new = copy.deepcopy(catalogue_dict(12))
    assert diff_catalogues(old, old).is_empty
    del new["tables"][0]  # removed table
    t = new["tables"][0]  # diem_du_lich
    t["columns"].append(
        {"id": "so_dien_thoai", "name": "Số điện thoại", "semantic_type": "phone", "nullable": True}
    )
    t["columns"][1]["semantic_type"] = "place_name"
    del t["columns"][2]
    t["classification"] = "open"
    diff = diff_catalogues(old, new)
    assert diff.added == tuple(t["slug"] for t in catalogue_dict(12)["tables"][10:])
    assert diff.removed == ("co_so_luu_tru_tp_hue",)
    changes = {(c.column, c.kind) for c in diff.changed["diem_du_lich"]}
    assert ("so_dien_thoai", "added") in changes and ("ten_diem", "retyped") in changes
    assert (None, "table_property") in changes and diff.breaking
    assert set(diff.changed) == {"diem_du_lich"}
    assert json.dumps(diff.to_dict(), ensure_ascii=False)
    reclassified = copy.deepcopy(old)
    reclassified["tables"][1]["classification"] = "open"
    assert not diff_catalogues(old, reclassified).breaking  # a table property other than the key
    rekeyed = copy.deepcopy(old)
    rekeyed["tables"][1]["primary_key"] = [rekeyed["tables"][1]["columns"][1]["id"]]
    assert diff_catalogues(old, rekeyed).breaking
    grown = diff_catalogues(catalogue_dict(597), catalogue_dict(600))
    assert len(grown.added) == 3 and not grown.removed and not grown.changed and not grown.breaking


def test_write_snapshot_refuses_invalid_catalogue(tmp_path: Path) -> None:
    bad = catalogue_dict(2)
    bad["tables"][0]["update_frequency"] = "sometimes"
    with pytest.raises(CatalogueError):
        g.write_snapshot(bad, tmp_path / "c.json")
    assert not (tmp_path / "c.json").exists()


def test_generated_tree_has_only_generated_files() -> None:
    # every file under the generated folders is listed in the manifest (nothing hand-written hides there)
    manifest = json.loads((REPO / g.MANIFEST_PATH).read_text(encoding="utf-8"))
    on_disk = {p.relative_to(REPO).as_posix() for p in (REPO / g.MODELS_DIR).rglob("*") if p.is_file()}
    on_disk |= {p.relative_to(REPO).as_posix() for p in (REPO / g.SUITES_DIR).glob("*") if p.is_file()}
    standalone = {str(g.MANIFEST_PATH), str(g.DATASETS_PATH)}  # single generated files outside those folders
    assert on_disk == {p for p in manifest["files"] if p not in standalone}
    assert (REPO / g.DATASETS_PATH).is_file()


def test_snapshot_from_the_platform_url(live, tmp_path: Path) -> None:
    code = g.main(["--root", str(tmp_path), "--snapshot", "--url", live.url, "--token", live.token])
    assert code == 0
    snapshot = json.loads((tmp_path / g.CATALOGUE_PATH).read_text(encoding="utf-8"))
    assert snapshot == catalogue_dict(40)
    assert g.check(g.render(Catalogue.from_dict(snapshot)), tmp_path) == []
