"""The store: versions, idempotence, atomic switch, crash recovery, concurrent readers."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pyarrow as pa
import pytest

from portal import formats
from portal.conform import conform, content_hash
from portal.formats import file_sha256
from portal.store import NotFound, PortalStore, StoreError, version_id
from tests.portal.conftest import T0, dossier_spec, dossier_table, tourism_spec, tourism_table

REPO = Path(__file__).resolve().parents[2]
SLUG = "ho-so-mot-cua-theo-don-vi"


def test_first_publish_then_unchanged_then_changed(store: PortalStore):
    first = store.publish(dossier_spec(), dossier_table(), now=T0)
    assert first.published and first.reason == "first version" and first.previous_version is None
    assert first.version == "2026-11-23T01-00-00Z" and first.rows == 30

    # Same rows in another order are the same data.
    again = store.publish(
        dossier_spec(), dossier_table().take(list(reversed(range(30)))), now=T0 + dt.timedelta(hours=1)
    )
    assert not again.published and again.reason == "unchanged" and again.version is None
    assert again.previous_version == first.version

    changed = store.publish(dossier_spec(), dossier_table(offset=7), now=T0 + dt.timedelta(days=1))
    assert (
        changed.published and changed.reason == "data changed" and changed.previous_version == first.version
    )
    assert [v.version for v in store.versions(SLUG)] == [first.version, changed.version]
    assert store.current(SLUG).version == changed.version
    # Old versions stay readable.
    assert sum(store.read(SLUG, first.version).column("so_ho_so").to_pylist()) == 43_500
    assert sum(store.read(SLUG).column("so_ho_so").to_pylist()) == 43_500 + 30 * 7


def test_metadata_change_alone_publishes_a_version(store: PortalStore):
    store.publish(dossier_spec(), dossier_table(), now=T0)
    result = store.publish(
        dossier_spec(title_en="Dossiers per unit"), dossier_table(), now=T0 + dt.timedelta(hours=1)
    )
    assert result.published and result.reason == "metadata changed"
    assert store.snapshot().spec(SLUG).title_en == "Dossiers per unit"


def test_version_ids_sort_in_publication_order_even_within_one_second_or_a_clock_going_back():
    assert version_id(T0, []) == "2026-11-23T01-00-00Z"
    assert version_id(T0, ["2026-11-23T01-00-00Z"]) == "2026-11-23T01-00-00Z-002"
    assert version_id(T0, ["2026-11-23T01-00-00Z-002"]) == "2026-11-23T01-00-00Z-003"
    assert version_id(T0 - dt.timedelta(days=1), ["2026-11-23T01-00-00Z"]) == "2026-11-23T01-00-00Z-002"
    ids = ["2026-11-23T01-00-00Z", "2026-11-23T01-00-00Z-002", "2026-11-23T01-00-01Z"]
    assert sorted(ids) == ids


def test_datasets_lists_every_dataset_with_history(filled_store: PortalStore):
    records = {r.slug: r for r in filled_store.datasets()}
    assert set(records) == {SLUG, "co-so-luu-tru-du-lich"}
    assert len(records[SLUG].versions) == 2
    assert records[SLUG].first_published_at == "2026-11-23T01:00:00Z"


def test_unknown_dataset_and_version(filled_store: PortalStore):
    assert filled_store.current("khong-co") is None
    assert filled_store.versions("khong-co") == []
    with pytest.raises(NotFound):
        filled_store.read("khong-co")
    with pytest.raises(NotFound):
        filled_store.read(SLUG, "2020-01-01T00-00-00Z")


def test_corrupt_catalogue_is_reported_not_guessed(store: PortalStore):
    store.root.mkdir(parents=True)
    store.catalog_path.write_text("{not json")
    with pytest.raises(StoreError, match="not valid JSON"):
        store.datasets()


def test_version_files_match_the_manifest(filled_store: PortalStore):
    snapshot = filled_store.snapshot()
    info = snapshot.current(SLUG)
    for fmt in info.available_formats():
        path = snapshot.file_path(SLUG, None, fmt)
        assert file_sha256(path) == info.files[fmt]["sha256"]
        assert path.stat().st_size == info.files[fmt]["bytes"]
    manifest = json.loads((path.parent / "manifest.json").read_text())
    assert manifest["version"] == info.version and manifest["spec"]["slug"] == SLUG


def _state(store: PortalStore) -> tuple[bytes, str]:
    return store.catalog_path.read_bytes(), store.current(SLUG).version


def test_crash_before_the_pointer_switch_leaves_the_previous_version_live(store: PortalStore, monkeypatch):
    store.publish(dossier_spec(), dossier_table(), now=T0)
    before = _state(store)

    def crash(*args, **kwargs):
        raise OSError("disk full while switching the catalogue")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.publish(dossier_spec(), dossier_table(offset=5), now=T0 + dt.timedelta(days=1))
    monkeypatch.undo()

    assert _state(store) == before
    assert sum(store.read(SLUG).column("so_ho_so").to_pylist()) == 43_500
    orphan = store.root / "datasets" / SLUG / "2026-11-24T01-00-00Z"
    assert orphan.is_dir()  # the new files were complete, but nothing points at them
    removed = store.recover()
    assert orphan in removed and not orphan.exists()
    assert not any((store.root / ".staging").iterdir())
    assert store.recover() == []
    # The next publish works and takes the same, now free, version id.
    assert store.publish(dossier_spec(), dossier_table(offset=5), now=T0 + dt.timedelta(days=1)).published


def test_crash_while_writing_files_leaves_nothing_visible(store: PortalStore, monkeypatch):
    store.publish(dossier_spec(), dossier_table(), now=T0)
    before = _state(store)

    def broken(table, path):
        path.write_bytes(b"PAR1 half")
        raise OSError("killed while writing Parquet")

    monkeypatch.setattr(formats, "write_parquet", broken)
    with pytest.raises(OSError):
        store.publish(dossier_spec(), dossier_table(offset=5), now=T0 + dt.timedelta(days=1))
    assert _state(store) == before
    assert [p.name for p in (store.root / "datasets" / SLUG).iterdir()] == ["2026-11-23T01-00-00Z"]
    assert len(store.recover()) == 1  # the staging folder


def test_killed_process_between_files_and_pointer(store: PortalStore):
    """A real crash (the process dies, no exception handlers run) just before os.replace."""
    store.publish(dossier_spec(), dossier_table(), now=T0)
    before = _state(store)
    script = textwrap.dedent(
        f"""
        import datetime as dt, os
        from portal.store import PortalStore
        from tests.portal.conftest import T0, dossier_spec, dossier_table
        os.replace = lambda *a, **k: os._exit(137)
        PortalStore({str(store.root)!r}).publish(dossier_spec(), dossier_table(offset=9), now=T0 + dt.timedelta(days=2))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, timeout=120)
    assert done.returncode == 137, done.stderr.decode()
    assert _state(store) == before
    leftovers = store.recover()
    assert {p.parent.name for p in leftovers} == {
        SLUG,
        ".staging",
    }  # the version folder and the temp catalogue
    assert [v.version for v in store.versions(SLUG)] == ["2026-11-23T01-00-00Z"]


def test_publish_refuses_bad_tables_without_touching_the_store(store: PortalStore):
    store.publish(tourism_spec(), tourism_table(), now=T0)
    before = store.catalog_path.read_bytes()
    bad = tourism_table().set_column(3, "ma_xa", pa.array([1, 2, 3, 4]))
    with pytest.raises(ValueError):
        store.publish(tourism_spec(), bad, now=T0 + dt.timedelta(days=1))
    assert store.catalog_path.read_bytes() == before


def test_concurrent_readers_never_see_a_mixed_version(store: PortalStore):
    """Readers read catalog.json once, then the listed version's files: they must always agree."""
    spec = dossier_spec()
    store.publish(spec, dossier_table(marker=0), now=T0)
    stop = threading.Event()
    problems: list[str] = []
    reads = [0]

    def reader() -> None:
        while not stop.is_set():
            try:
                check_once()
            except Exception as exc:  # a missing or half-written file is exactly what this test hunts
                problems.append(repr(exc))

    def check_once() -> None:
        snapshot = store.snapshot()
        info = snapshot.current(SLUG)
        table = snapshot.read(SLUG, info.version)
        if content_hash(conform(spec, table)) != info.content_hash:
            problems.append(f"parquet of {info.version} does not match its catalogue entry")
        for fmt in ("csv", "json"):
            if file_sha256(snapshot.file_path(SLUG, info.version, fmt)) != info.files[fmt]["sha256"]:
                problems.append(f"{fmt} of {info.version} does not match its catalogue entry")
        markers = set(table.column("cap_nhat_luc").to_pylist())
        if len(markers) != 1:
            problems.append(f"rows of several publications in {info.version}")
        reads[0] += 1

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for i in range(1, 7):
            store.publish(spec, dossier_table(offset=i, marker=i), now=T0 + dt.timedelta(minutes=i))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not problems, problems[:3]
    assert reads[0] > 6
    assert len(store.versions(SLUG)) == 7


# -- documents published with a version (tài liệu kèm theo: the quarterly report) -----------------------


def _documents(tmp_path: Path, html: str, pdf: bytes) -> list:
    from portal.store import Document

    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "report.html").write_text(html, encoding="utf-8")
    (tmp_path / "in" / "report.pdf").write_bytes(pdf)
    return [
        Document(
            "html",
            tmp_path / "in" / "report.html",
            "report.html",
            "text/html; charset=utf-8",
            "Báo cáo (HTML)",
        ),
        Document(
            "pdf", tmp_path / "in" / "report.pdf", "report.pdf", "application/pdf", "Báo cáo (PDF)", "html"
        ),
    ]


def test_documents_are_published_with_their_version_and_listed(store: PortalStore, tmp_path: Path):
    first = store.publish(
        tourism_spec(), tourism_table(), now=T0, documents=_documents(tmp_path, "<p>Quý III</p>", b"%PDF-1")
    )
    assert first.published and first.reason == "first version"
    info = store.current(tourism_spec().slug)
    assert set(info.documents) == {"html", "pdf"} and info.documents["pdf"]["derived_from"] == "html"
    path, entry = store.snapshot().document_path(tourism_spec().slug, info.version, "html")
    assert path.read_text(encoding="utf-8") == "<p>Quý III</p>" and entry["sha256"] == file_sha256(path)
    manifest = json.loads((path.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"]["pdf"]["bytes"] == 6
    with pytest.raises(NotFound):
        store.snapshot().document_path(tourism_spec().slug, info.version, "docx")

    # the PDF alone changed (Chromium stamps its clock into every PDF): nothing new to publish
    again = store.publish(
        tourism_spec(),
        tourism_table(),
        now=T0 + dt.timedelta(hours=1),
        documents=_documents(tmp_path, "<p>Quý III</p>", b"%PDF-2"),
    )
    assert not again.published and again.reason == "unchanged"
    # the report itself changed: a new version, the old one keeps its own files
    changed = store.publish(
        tourism_spec(),
        tourism_table(),
        now=T0 + dt.timedelta(days=1),
        documents=_documents(tmp_path, "<p>Quý IV</p>", b"%PDF-3"),
    )
    assert changed.published and changed.reason == "documents changed"
    old_path, _ = store.snapshot().document_path(tourism_spec().slug, first.version, "html")
    assert old_path.read_text(encoding="utf-8") == "<p>Quý III</p>"
    # a version without documents keeps the catalogue shape datasets always had
    plain = store.publish(dossier_spec(), dossier_table(), now=T0)
    raw = json.loads(store.catalog_path.read_text(encoding="utf-8"))
    assert "documents" not in raw["datasets"][SLUG]["versions"][0] and plain.published


def test_bad_documents_are_refused_before_anything_is_written(store: PortalStore, tmp_path: Path):
    from portal.store import Document

    html, pdf = _documents(tmp_path, "<p>x</p>", b"%PDF")
    for bad in (
        [Document("../x", html.source, "report.html", "text/html", "x")],
        [Document("html", html.source, "data.csv", "text/html", "x")],  # would overwrite a data file
        [Document("html", html.source, "../report.html", "text/html", "x")],
        [Document("html", tmp_path / "missing.html", "report.html", "text/html", "x")],
        [html, Document("html", pdf.source, "other.pdf", "application/pdf", "x")],
        [Document("pdf", pdf.source, "report.pdf", "application/pdf", "x", derived_from="html")],
    ):
        with pytest.raises(StoreError):
            store.publish(tourism_spec(), tourism_table(), now=T0, documents=bad)
    assert not store.catalog_path.exists() and store.datasets() == []


def test_unchanged_data_renders_no_file_at_all(store: PortalStore, monkeypatch):
    """A night whose data did not change only conforms and hashes: no writer runs, nothing is staged."""
    import portal.store

    first = store.publish(dossier_spec(), dossier_table(), now=T0)
    catalogue = store.catalog_path.read_bytes()

    def must_not_render(*args, **kwargs):
        raise AssertionError("an unchanged dataset was rendered again")

    monkeypatch.setattr(portal.store, "write_version_files", must_not_render)
    result = store.publish(dossier_spec(), dossier_table(), now=T0 + dt.timedelta(days=1))
    assert not result.published and result.reason == "unchanged" and result.previous_version == first.version
    assert store.catalog_path.read_bytes() == catalogue
    assert not any((store.root / ".staging").iterdir())
