"""The portal store (kho dữ liệu mở): versioned, atomic publication of open datasets on the filesystem.

Layout under ``root`` (default ``data/portal``, passed in by the caller)::

    catalog.json                         the ONE pointer: every dataset, its spec, its versions, the current one
    datasets/<slug>/<version>/           immutable files of one version (CSV, JSON, XLSX, Parquet,
                                         datapackage.json, manifest.json)
    .staging/                            work in progress; never read
    .lock                                serialises writers (publish, recover) across processes

Publishing writes a version's files into ``.staging``, fsyncs them, renames the folder into
``datasets/<slug>/<version>/``, then writes a new ``catalog.json`` to a temporary file, fsyncs it and
switches it in with ``os.replace``. Readers read ``catalog.json`` once and open only files of versions it
lists, so they see the old catalogue or the new one, never a half-written version. A crash at any point
before the switch leaves the previous version live; :meth:`PortalStore.recover` deletes what the crash
left behind (staging folders, version folders no catalogue lists).

Unchanged data publishes nothing: the content hash of the conformed table (see :mod:`portal.conform`) and
the hash of the metadata are compared with the current version's. Old versions stay listed.

A version may also carry documents (tài liệu kèm theo) beside its table: a report in HTML and PDF. They
are copied into the version folder with the data files, before the pointer switch, and listed under the
version's ``documents``; a changed document publishes a new version like changed data does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from portal.conform import conform, content_hash
from portal.formats import FORMATS, file_sha256, write_version_files
from portal.spec import SLUG_PATTERN, DatasetSpec

CATALOG_FORMAT = "hue-portal-catalog/1"
VERSION_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(?:-\d{3})?$")
DOCUMENT_NAME_PATTERN = re.compile(r"^[a-z0-9]{1,16}$")
DOCUMENT_FILE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}\.[a-z0-9]{1,8}$")
_RESERVED_FILES = frozenset({name for name, _ in FORMATS.values()} | {"manifest.json"})


class StoreError(RuntimeError):
    """The store cannot do what was asked (unknown dataset or version, corrupt catalogue...)."""


class NotFound(StoreError):
    """No such dataset, version or file in the live catalogue."""


@dataclass(frozen=True)
class Document:
    """A document published with a dataset version (tài liệu kèm theo), e.g. the quarterly report.

    ``name`` is its key in the catalogue and in URLs (``html``, ``pdf``); ``file_name`` the name it gets
    in the version folder. ``derived_from`` names the document this one is a rendering of (the PDF of
    the HTML): its bytes change with the renderer's clock, so change detection uses its source instead.
    """

    name: str
    source: Path
    file_name: str
    media_type: str
    title_vi: str
    derived_from: str | None = None

    def validate(self) -> None:
        if not DOCUMENT_NAME_PATTERN.match(self.name):
            raise StoreError(f"document name {self.name!r} must match {DOCUMENT_NAME_PATTERN.pattern}")
        if not DOCUMENT_FILE_PATTERN.match(self.file_name) or self.file_name in _RESERVED_FILES:
            raise StoreError(f"document file name {self.file_name!r} is not allowed")
        if not Path(self.source).is_file():
            raise StoreError(f"document {self.name!r}: no file at {self.source}")


@dataclass(frozen=True)
class VersionInfo:
    """One published version (phiên bản) of a dataset."""

    slug: str
    version: str
    content_hash: str
    metadata_hash: str
    rows: int
    published_at: str  # ISO 8601 UTC
    files: dict[str, dict[str, Any]]
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        # versions without documents keep the catalogue entry they always had
        return {
            k: v
            for k, v in self.__dict__.items()
            if k != "slug" and not (k in ("documents", "documents_hash") and not v)
        }

    @classmethod
    def from_dict(cls, slug: str, data: dict[str, Any]) -> VersionInfo:
        return cls(slug=slug, **data)

    def available_formats(self) -> list[str]:
        return [fmt for fmt, info in self.files.items() if "file" in info]


@dataclass(frozen=True)
class DatasetRecord:
    """A dataset as the live catalogue lists it: current spec, current version, every version (newest last)."""

    spec: DatasetSpec
    current: VersionInfo
    versions: list[VersionInfo]

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def first_published_at(self) -> str:
        return self.versions[0].published_at


@dataclass(frozen=True)
class PublishResult:
    slug: str
    version: str | None
    published: bool
    reason: str
    content_hash: str
    rows: int
    previous_version: str | None
    files: dict[str, dict[str, Any]] = field(default_factory=dict)


def documents_hash(documents: list[Document], sha256s: dict[str, str]) -> str:
    """What identifies a version's documents: names, files, types, titles and contents (of the sources)."""
    if not documents:
        return ""
    parts = [
        [
            d.name,
            d.file_name,
            d.media_type,
            d.title_vi,
            f"derived:{d.derived_from}" if d.derived_from else sha256s[d.name],
        ]
        for d in sorted(documents, key=lambda d: d.name)
    ]
    return "sha256:" + hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def metadata_hash(spec: DatasetSpec) -> str:
    text = json.dumps(spec.to_dict(), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for child in path.iterdir():
        with open(child, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(path)


def version_id(now: dt.datetime, existing: list[str]) -> str:
    """A sortable version id from the publication time, strictly after every existing version."""
    candidate = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    latest = max(existing, default="")
    if candidate > latest:
        return candidate
    # Same second (or a clock that went back): count on from the latest id so order follows history.
    base, _, counter = latest.partition("Z-")
    return f"{base.rstrip('Z')}Z-{int(counter or 1) + 1:03d}"


class CatalogSnapshot:
    """One read of ``catalog.json``: a consistent view for the length of a request."""

    def __init__(self, root: Path, data: dict[str, Any]) -> None:
        self.root = root
        self._data = data
        self._datasets: dict[str, dict[str, Any]] = data.get("datasets", {})

    def slugs(self) -> list[str]:
        return sorted(self._datasets)

    def has(self, slug: str) -> bool:
        return isinstance(slug, str) and slug in self._datasets

    def _entry(self, slug: str) -> dict[str, Any]:
        if not self.has(slug):
            raise NotFound(f"no dataset {slug!r}")
        return self._datasets[slug]

    def spec(self, slug: str) -> DatasetSpec:
        return DatasetSpec.from_dict(self._entry(slug)["spec"])

    def versions(self, slug: str) -> list[VersionInfo]:
        if not self.has(slug):
            return []
        return [VersionInfo.from_dict(slug, v) for v in self._datasets[slug]["versions"]]

    def current(self, slug: str) -> VersionInfo | None:
        if not self.has(slug):
            return None
        wanted = self._datasets[slug]["current"]
        return next(v for v in self.versions(slug) if v.version == wanted)

    def version(self, slug: str, version: str | None = None) -> VersionInfo:
        if version is None:
            current = self.current(slug)
            if current is None:
                raise NotFound(f"no dataset {slug!r}")
            return current
        found = next((v for v in self.versions(slug) if v.version == version), None)
        if found is None:
            raise NotFound(f"no version {version!r} of {slug!r}")
        return found

    def record(self, slug: str) -> DatasetRecord:
        versions = self.versions(slug)
        current = self.current(slug)
        if current is None:
            raise NotFound(f"no dataset {slug!r}")
        return DatasetRecord(spec=self.spec(slug), current=current, versions=versions)

    def datasets(self) -> list[DatasetRecord]:
        return [self.record(slug) for slug in self.slugs()]

    def file_path(self, slug: str, version: str | None, fmt: str) -> Path:
        """Path of a listed version's file. Names come from the catalogue, never from the caller's text."""
        info = self.version(slug, version)
        entry = info.files.get(fmt)
        if entry is None or "file" not in entry:
            raise NotFound(f"{slug} {info.version} has no {fmt!r} file")
        # Both components were checked against the catalogue (and its patterns) above.
        if not SLUG_PATTERN.match(slug) or not VERSION_PATTERN.match(info.version):
            raise StoreError(f"catalogue holds an invalid slug or version: {slug!r} {info.version!r}")
        return self.root / "datasets" / slug / info.version / FORMATS[fmt][0]

    def read(self, slug: str, version: str | None = None) -> pa.Table:
        return pq.read_table(self.file_path(slug, version, "parquet"))

    def document_path(self, slug: str, version: str | None, name: str) -> tuple[Path, dict[str, Any]]:
        """Path and catalogue entry of a listed version's document; names come from the catalogue only."""
        info = self.version(slug, version)
        entry = info.documents.get(name) if isinstance(name, str) else None
        if entry is None:
            raise NotFound(f"{slug} {info.version} has no document {name!r}")
        if (
            not SLUG_PATTERN.match(slug)
            or not VERSION_PATTERN.match(info.version)
            or not DOCUMENT_FILE_PATTERN.match(entry["file"])
        ):
            raise StoreError(f"catalogue holds an invalid document entry: {slug!r} {info.version!r} {name!r}")
        return self.root / "datasets" / slug / info.version / entry["file"], entry


class PortalStore:
    """The portal store. Writers: :meth:`publish`, :meth:`recover`. Readers: everything else."""

    def __init__(self, root: Path | str = Path("data/portal"), *, validate_datapackage: bool = True) -> None:
        self.root = Path(root)
        self.validate_datapackage = validate_datapackage

    # -- reading ---------------------------------------------------------------------------------

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog.json"

    def snapshot(self) -> CatalogSnapshot:
        try:
            with open(self.catalog_path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            data = {"format": CATALOG_FORMAT, "datasets": {}}
        except json.JSONDecodeError as exc:
            raise StoreError(f"{self.catalog_path} is not valid JSON: {exc}") from exc
        if data.get("format") != CATALOG_FORMAT:
            raise StoreError(f"{self.catalog_path}: unknown catalogue format {data.get('format')!r}")
        return CatalogSnapshot(self.root, data)

    def current(self, slug: str) -> VersionInfo | None:
        return self.snapshot().current(slug)

    def versions(self, slug: str) -> list[VersionInfo]:
        return self.snapshot().versions(slug)

    def datasets(self) -> list[DatasetRecord]:
        return self.snapshot().datasets()

    def read(self, slug: str, version: str | None = None) -> pa.Table:
        return self.snapshot().read(slug, version)

    # -- writing ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def recover(self) -> list[Path]:
        """Delete what an interrupted publish left behind; return the removed paths.

        Safe to run at any time: it takes the writer lock, and only removes staging work and version
        folders that the live catalogue does not list (readers never open those).
        """
        with self._writer_lock():
            return self._recover_locked()

    def _recover_locked(self) -> list[Path]:
        removed: list[Path] = []
        staging = self.root / ".staging"
        if staging.exists():
            for child in staging.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
                removed.append(child)
        snapshot = self.snapshot()
        datasets_dir = self.root / "datasets"
        if datasets_dir.exists():
            for slug_dir in datasets_dir.iterdir():
                if not slug_dir.is_dir():
                    continue
                listed = {v.version for v in snapshot.versions(slug_dir.name)}
                for version_dir in slug_dir.iterdir():
                    if version_dir.name not in listed:
                        shutil.rmtree(version_dir) if version_dir.is_dir() else version_dir.unlink()
                        removed.append(version_dir)
                if not listed and not any(slug_dir.iterdir()):
                    slug_dir.rmdir()
        return removed

    def publish(
        self,
        spec: DatasetSpec,
        table: pa.Table,
        *,
        now: dt.datetime | None = None,
        documents: Sequence[Document] = (),
    ) -> PublishResult:
        """Publish ``table`` (and ``documents``) as a new version of ``spec.slug``, or do nothing when
        neither changed.

        Raises :class:`portal.conform.ConformError` (table does not fit the spec, or holds personal data)
        or :class:`portal.formats.DataPackageInvalid`; in both cases the previous version stays live.
        """
        conformed = conform(spec, table)
        data_hash = content_hash(conformed)
        meta_hash = metadata_hash(spec)
        documents = list(documents)
        for document in documents:
            document.validate()
        if len({d.name for d in documents}) != len(documents) or len({d.file_name for d in documents}) != len(
            documents
        ):
            raise StoreError("document names and file names must be unique within a version")
        names = {d.name for d in documents}
        if any(d.derived_from and d.derived_from not in names for d in documents):
            raise StoreError("a derived document must name another document of the same version")
        sha256s = {d.name: file_sha256(Path(d.source)) for d in documents}
        docs_hash = documents_hash(documents, sha256s)
        now = now or dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        with self._writer_lock():
            self._recover_locked()
            snapshot = self.snapshot()
            current = snapshot.current(spec.slug)
            previous = current.version if current else None
            if (
                current is not None
                and current.content_hash == data_hash
                and current.metadata_hash == meta_hash
                and current.documents_hash == docs_hash
            ):
                return PublishResult(
                    spec.slug, None, False, "unchanged", data_hash, conformed.num_rows, previous
                )
            if current is None:
                reason = "first version"
            elif current.content_hash != data_hash:
                reason = "data changed"
            elif current.metadata_hash != meta_hash:
                reason = "metadata changed"
            else:
                reason = "documents changed"
            versions = snapshot.versions(spec.slug)
            version = version_id(now, [v.version for v in versions])
            published_at = now.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
            files, document_entries = self._write_version(
                spec, version, published_at, conformed, documents, sha256s
            )
            info = VersionInfo(
                spec.slug,
                version,
                data_hash,
                meta_hash,
                conformed.num_rows,
                published_at,
                files,
                document_entries,
                docs_hash,
            )
            self._switch_catalog(snapshot, spec, [*versions, info])
        return PublishResult(spec.slug, version, True, reason, data_hash, conformed.num_rows, previous, files)

    def _write_version(
        self,
        spec: DatasetSpec,
        version: str,
        published_at: str,
        table: pa.Table,
        documents: list[Document],
        sha256s: dict[str, str],
    ) -> tuple[dict, dict]:
        staging = self.root / ".staging" / f"{spec.slug}.{version}.{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        files = write_version_files(
            spec, version, published_at, table, staging, validate=self.validate_datapackage
        )
        document_entries: dict[str, dict[str, Any]] = {}
        for document in documents:
            shutil.copyfile(document.source, staging / document.file_name)
            copied_sha = file_sha256(staging / document.file_name)
            if copied_sha != sha256s[document.name]:
                # the source changed between hashing and copying: publishing it would list a wrong hash
                raise StoreError(f"document {document.name!r} changed while it was being published")
            entry = {
                "file": document.file_name,
                "bytes": os.path.getsize(staging / document.file_name),
                "sha256": copied_sha,
                "media_type": document.media_type,
                "title_vi": document.title_vi,
            }
            if document.derived_from:
                entry["derived_from"] = document.derived_from
            document_entries[document.name] = entry
        manifest = {"spec": spec.to_dict(), "version": version, "published_at": published_at, "files": files}
        if document_entries:
            manifest["documents"] = document_entries
        with open(staging / "manifest.json", "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False, indent=2)
        _fsync_tree(staging)
        target_parent = self.root / "datasets" / spec.slug
        target_parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, target_parent / version)
        _fsync_dir(target_parent)
        return files, document_entries

    def _switch_catalog(
        self, snapshot: CatalogSnapshot, spec: DatasetSpec, versions: list[VersionInfo]
    ) -> None:
        datasets = {slug: snapshot._datasets[slug] for slug in snapshot.slugs()}
        datasets[spec.slug] = {
            "spec": spec.to_dict(),
            "current": versions[-1].version,
            "versions": [v.to_dict() for v in versions],
        }
        data = {
            "format": CATALOG_FORMAT,
            "updated_at": versions[-1].published_at,
            "datasets": dict(sorted(datasets.items())),
        }
        temporary = self.root / ".staging" / f"catalog.{uuid.uuid4().hex}.json"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.catalog_path)
        _fsync_dir(self.root)
