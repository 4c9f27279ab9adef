"""The read-only portal server (máy chủ cổng dữ liệu mở) over the portal store.

It opens only the store (never the warehouse), reads ``catalog.json`` once per request and serves files
of the versions that catalogue lists. Pages are Vietnamese HTML with inline CSS; the JSON API answers in
the Huế portal's ``{code, message, data, totalRows}`` shape; the CKAN endpoints answer CKAN's
``{help, success, result}`` shape for the read actions (package_list, package_show, package_search,
organization_list); the DCAT catalogue is served as RDF/XML, Turtle and JSON-LD.

Every parameter is validated (slug and version patterns, column names against the dataset's schema, page
size bounds, sort syntax, UTF-8); bad input gets a 4xx with a message, never a 500.

Run: ``python -m portal.server --root data/portal --port 8088`` (binds 127.0.0.1 unless told otherwise).
"""

from __future__ import annotations

import argparse
import functools
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal import html
from portal.ckan_shape import organization_name, package_dict
from portal.dcat import SERIALISATIONS, catalog_graph, serialise
from portal.formats import FORMATS, portal_envelope, rows_as_json
from portal.query import BadRequest, clean_text, parse_data_query, run_query
from portal.search import search
from portal.spec import SLUG_PATTERN
from portal.store import (
    DOCUMENT_NAME_PATTERN,
    VERSION_PATTERN,
    CatalogSnapshot,
    DatasetRecord,
    NotFound,
    PortalStore,
)

PREVIEW_ROWS = 20
CKAN_NAME = re.compile(r"^[a-z0-9_-]{1,100}$", re.IGNORECASE)
# Every response built from one dataset version names it, so a client (and the load test) can tell that
# a page never mixes two versions, even while a new one is being published.
VERSION_HEADER = "X-Dataset-Version"
MAX_CKAN_ROWS = 1000
MAX_BODY_BYTES = 64 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# -- response models (they are what /api/openapi.json describes) ----------------------------------


class DataPage(BaseModel):
    code: int
    message: str
    data: list[dict[str, Any]]
    totalRows: int
    version: str  # the published version every row of ``data`` comes from (also in X-Dataset-Version)


class DatasetSummary(BaseModel):
    slug: str
    title_vi: str
    title_en: str
    description_vi: str
    theme: str
    publisher: str
    keywords: list[str]
    version: str
    rows: int
    published_at: str
    formats: list[str]


class DatasetList(BaseModel):
    code: int
    message: str
    data: list[DatasetSummary]
    totalRows: int


class CkanResource(BaseModel):
    id: str
    package_id: str
    name: str
    format: str
    mimetype: str
    url: str
    size: int
    hash: str
    created: str
    last_modified: str
    position: int


class CkanPackage(BaseModel):
    id: str
    name: str
    title: str
    notes: str
    version: str
    type: str
    state: str
    private: bool
    license_id: str
    license_title: str
    author: str
    maintainer: str
    maintainer_email: str
    metadata_created: str
    metadata_modified: str
    owner_org: str
    organization: dict[str, Any]
    groups: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    num_tags: int
    extras: list[dict[str, str]]
    resources: list[CkanResource]
    num_resources: int
    url: str


class CkanSearchResult(BaseModel):
    count: int
    results: list[CkanPackage]
    sort: str
    facets: dict[str, Any]
    search_facets: dict[str, Any]


class CkanPackageList(BaseModel):
    help: str
    success: bool
    result: list[str]


class CkanPackageShow(BaseModel):
    help: str
    success: bool
    result: CkanPackage


class CkanPackageSearch(BaseModel):
    help: str
    success: bool
    result: CkanSearchResult


class CkanOrganizationList(BaseModel):
    help: str
    success: bool
    result: list[str] | list[dict[str, Any]]


class CkanError(Exception):
    """An error in CKAN's shape: ``__type`` is what ckanapi maps back to its exception classes."""

    def __init__(self, status: int, kind: str, message: str, field: str | None = None) -> None:
        self.status, self.kind, self.message, self.field = status, kind, message, field
        super().__init__(message)


# -- helpers ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _parquet(path: str, mtime_ns: int, size: int) -> pa.Table:
    # Version files never change once listed; the stat in the key guards against a rebuilt store.
    return pq.read_table(path)


def _read_version(snapshot: CatalogSnapshot, slug: str, version: str | None = None) -> pa.Table:
    path = snapshot.file_path(slug, version, "parquet")
    stat = path.stat()
    return _parquet(str(path), stat.st_mtime_ns, stat.st_size)


def _check_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug):
        raise BadRequest("dataset id must be lowercase letters, digits and '-' (a-z0-9-)")
    return slug


def _single_params(request: Request) -> dict[str, str]:
    """Query parameters as a dict; a repeated parameter is an error, not a silent pick."""
    params: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        name = clean_text("parameter name", name, max_length=80)
        if name in params:
            raise BadRequest(f"{name}: given more than once")
        params[name] = clean_text(name, value)
    return params


def _summary(record: DatasetRecord) -> DatasetSummary:
    spec = record.spec
    return DatasetSummary(
        slug=spec.slug,
        title_vi=spec.title_vi,
        title_en=spec.title_en,
        description_vi=spec.description_vi,
        theme=spec.theme,
        publisher=spec.publisher,
        keywords=list(spec.keywords),
        version=record.current.version,
        rows=record.current.rows,
        published_at=record.current.published_at,
        formats=record.current.available_formats(),
    )


def _content(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """An OpenAPI ``responses`` entry: what a 200 of a non-JSON endpoint really carries (schemathesis
    checks every response's Content-Type against it)."""
    return {200: {"content": {media_type: {} for media_type in media_types}}}


DOWNLOAD_TYPES = _content(*sorted({media_type for _, media_type in FORMATS.values()}))
DOCUMENT_TYPES = _content("text/html", "application/pdf")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(store_root: Path | str, *, public_url: str | None = None) -> FastAPI:
    """The portal app over the store at ``store_root``.

    ``public_url`` is the portal's address as users see it (used in DCAT and CKAN links); without it,
    links are built from the request's own base URL.
    """
    store = PortalStore(Path(store_root))
    app = FastAPI(
        title="Cổng dữ liệu mở Thành phố Huế",
        description="Read-only open-data portal: catalogue, downloads, JSON data API, CKAN read API, DCAT.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads assets from a CDN: unusable offline
        redoc_url=None,
    )

    def base_url(request: Request) -> str:
        return (public_url or str(request.base_url)).rstrip("/")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> Response:
        if _is_api(request):
            return JSONResponse(portal_envelope([], 0, code=400, message=str(exc)), status_code=400)
        return HTMLResponse(html.error_page(400, str(exc)), status_code=400)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if _is_api(request):
            return JSONResponse(portal_envelope([], 0, code=404, message=str(exc)), status_code=404)
        return HTMLResponse(html.error_page(404, str(exc)), status_code=404)

    @app.exception_handler(CkanError)
    async def ckan_error(request: Request, exc: CkanError) -> Response:
        error: dict[str, Any] = {"__type": exc.kind, "message": exc.message}
        if exc.field:
            error[exc.field] = [exc.message]
        return JSONResponse({"help": "", "success": False, "error": error}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse(
                portal_envelope([], 0, code=exc.status_code, message=str(exc.detail)), exc.status_code
            )
        return HTMLResponse(html.error_page(exc.status_code, str(exc.detail)), status_code=exc.status_code)

    # -- HTML ---------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, summary="Danh mục dữ liệu (catalogue page)")
    def catalogue(request: Request) -> HTMLResponse:
        params = _single_params(request)
        records = store.snapshot().datasets()
        themes = sorted({r.spec.theme for r in records})
        publishers = sorted({r.spec.publisher for r in records})
        query = params.get("q", "").strip()
        theme = params.get("theme") or None
        publisher = params.get("publisher") or None
        if theme is not None and theme not in themes:
            raise BadRequest(f"theme: {theme!r} is not a theme of this catalogue")
        if publisher is not None and publisher not in publishers:
            raise BadRequest(f"publisher: {publisher!r} is not a publisher of this catalogue")
        found = search(records, query, theme=theme, publisher=publisher)
        page = html.catalogue_page(
            found,
            total=len(records),
            query=query,
            theme=theme,
            publisher=publisher,
            themes=themes,
            publishers=publishers,
        )
        return HTMLResponse(page)

    @app.get("/datasets/{slug}", response_class=HTMLResponse, summary="Trang bộ dữ liệu (dataset page)")
    def dataset(slug: str) -> HTMLResponse:
        snapshot = store.snapshot()
        record = snapshot.record(_check_slug(slug))
        preview = _read_version(snapshot, slug, record.current.version).slice(0, PREVIEW_ROWS)
        return HTMLResponse(
            html.dataset_page(record, preview), headers={VERSION_HEADER: record.current.version}
        )

    def _download(slug: str, version: str | None, fmt: str) -> FileResponse:
        _check_slug(slug)
        if version is not None and not VERSION_PATTERN.match(version):
            raise BadRequest("version must look like 2026-11-23T01-00-00Z")
        if fmt not in FORMATS:
            raise BadRequest(f"format must be one of {sorted(FORMATS)}")
        snapshot = store.snapshot()
        info = snapshot.version(slug, version)
        path = snapshot.file_path(slug, info.version, fmt)
        extension = FORMATS[fmt][0].rsplit(".", 1)[1]
        filename = (
            f"{slug}-{info.version}.{extension}"
            if fmt != "datapackage"
            else f"{slug}-{info.version}-datapackage.json"
        )
        return FileResponse(
            path,
            media_type=info.files[fmt]["media_type"],
            filename=filename,
            headers={VERSION_HEADER: info.version},
        )

    @app.get(
        "/datasets/{slug}/download/{fmt}",
        summary="Tải phiên bản hiện hành (download current version)",
        response_class=FileResponse,
        responses=DOWNLOAD_TYPES,
    )
    def download_current(slug: str, fmt: str) -> FileResponse:
        return _download(slug, None, fmt)

    @app.get(
        "/datasets/{slug}/versions/{version}/download/{fmt}",
        summary="Tải một phiên bản (download a version)",
        response_class=FileResponse,
        responses=DOWNLOAD_TYPES,
    )
    def download_version(slug: str, version: str, fmt: str) -> FileResponse:
        return _download(slug, version, fmt)

    @app.get(
        "/datasets/{slug}/versions/{version}/documents/{name}",
        summary="Tài liệu kèm theo phiên bản (a version's document, e.g. the quarterly report)",
        response_class=FileResponse,
        responses=DOCUMENT_TYPES,
    )
    def document(slug: str, version: str, name: str) -> FileResponse:
        _check_slug(slug)
        if not VERSION_PATTERN.match(version):
            raise BadRequest("version must look like 2026-11-23T01-00-00Z")
        if not DOCUMENT_NAME_PATTERN.match(name):
            raise BadRequest("document name must be lowercase letters and digits (html, pdf)")
        path, entry = store.snapshot().document_path(slug, version, name)
        # HTML opens in the browser (self-contained, it passes the CSP above); other documents download
        disposition = "inline" if entry["media_type"].startswith("text/html") else "attachment"
        filename = f"{slug}-{version}-{entry['file']}"
        return FileResponse(
            path, media_type=entry["media_type"], filename=filename, content_disposition_type=disposition
        )

    # -- DCAT ---------------------------------------------------------------------------------------

    def _dcat(request: Request, kind: str) -> Response:
        graph = catalog_graph(store.snapshot(), base_url(request))
        return Response(serialise(graph, kind), media_type=SERIALISATIONS[kind][1] + "; charset=utf-8")

    @app.get(
        "/catalog.rdf",
        summary="DCAT catalogue, RDF/XML",
        response_class=Response,
        responses=_content(SERIALISATIONS["rdf"][1]),
    )
    def catalog_rdf(request: Request) -> Response:
        return _dcat(request, "rdf")

    @app.get(
        "/catalog.ttl",
        summary="DCAT catalogue, Turtle",
        response_class=Response,
        responses=_content(SERIALISATIONS["ttl"][1]),
    )
    def catalog_ttl(request: Request) -> Response:
        return _dcat(request, "ttl")

    @app.get(
        "/catalog.jsonld",
        summary="DCAT catalogue, JSON-LD",
        response_class=Response,
        responses=_content(SERIALISATIONS["jsonld"][1]),
    )
    def catalog_jsonld(request: Request) -> Response:
        return _dcat(request, "jsonld")

    # -- JSON API -----------------------------------------------------------------------------------

    @app.get("/api/datasets", response_model=DatasetList, summary="Danh sách bộ dữ liệu")
    def api_datasets(request: Request) -> DatasetList:
        if _single_params(request):
            raise BadRequest("this endpoint takes no parameters")
        records = store.snapshot().datasets()
        return DatasetList(
            code=200, message="Thành công", data=[_summary(r) for r in records], totalRows=len(records)
        )

    @app.get(
        "/api/datasets/{slug}/data",
        response_model=DataPage,
        summary="Dữ liệu phân trang: page, pageSize (1-1000), filter[cột]=giá trị, sort=cột|-cột",
    )
    def api_data(slug: str, request: Request, response: Response) -> DataPage:
        snapshot = store.snapshot()
        record = snapshot.record(_check_slug(slug))
        query = parse_data_query(record.spec, request.query_params.multi_items())
        version = record.current.version
        page, total = run_query(record.spec, _read_version(snapshot, slug, version), query)
        response.headers[VERSION_HEADER] = version
        return DataPage(
            code=200, message="Thành công", data=rows_as_json(page), totalRows=total, version=version
        )

    # -- CKAN Action API (read part) ----------------------------------------------------------------

    async def ckan_params(request: Request, allowed: set[str]) -> dict[str, Any]:
        if request.method == "POST":
            body = await request.body()
            if len(body) > MAX_BODY_BYTES:
                raise CkanError(400, "Validation Error", "request body too large")
            try:
                params = json.loads(body.decode("utf-8")) if body.strip() else {}
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CkanError(400, "Validation Error", f"body is not JSON: {exc}") from exc
            if not isinstance(params, dict):
                raise CkanError(400, "Validation Error", "body must be a JSON object")
        else:
            try:
                params = _single_params(request)
            except BadRequest as exc:
                raise CkanError(409, "Validation Error", str(exc)) from exc
        unknown = set(params) - allowed
        if unknown:
            raise CkanError(
                409, "Validation Error", f"unknown parameters {sorted(unknown)}", field=sorted(unknown)[0]
            )
        for key, value in params.items():
            if not isinstance(value, str | int | bool) or (isinstance(value, str) and len(value) > 500):
                raise CkanError(
                    409, "Validation Error", f"{key}: must be a short string or number", field=key
                )
        return params

    def ckan_int(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
        value = params.get(name, default)
        if isinstance(value, str) and value.isdigit() and len(value) <= 7:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise CkanError(
                409, "Validation Error", f"{name}: must be an integer from {low} to {high}", field=name
            )
        return value

    def ckan_ok(request: Request, action: str, result: Any) -> dict[str, Any]:
        return {
            "help": f"{base_url(request)}/api/3/action/help_show?name={action}",
            "success": True,
            "result": result,
        }

    @app.api_route(
        "/api/action/package_list", methods=["GET", "POST"], include_in_schema=False
    )  # ckanapi's path
    @app.post("/api/3/action/package_list", include_in_schema=False)
    @app.get("/api/3/action/package_list", response_model=CkanPackageList)
    async def package_list(request: Request) -> dict[str, Any]:
        params = await ckan_params(request, {"limit", "offset"})
        limit = ckan_int(params, "limit", MAX_CKAN_ROWS, 0, MAX_CKAN_ROWS)
        offset = ckan_int(params, "offset", 0, 0, 1_000_000)
        return ckan_ok(request, "package_list", store.snapshot().slugs()[offset : offset + limit])

    @app.api_route(
        "/api/action/package_show", methods=["GET", "POST"], include_in_schema=False
    )  # ckanapi's path
    @app.post("/api/3/action/package_show", include_in_schema=False)
    @app.get("/api/3/action/package_show", response_model=CkanPackageShow)
    async def package_show(request: Request) -> dict[str, Any]:
        params = await ckan_params(request, {"id", "use_default_schema", "include_tracking"})
        slug = params.get("id")
        if not isinstance(slug, str) or not slug:
            raise CkanError(409, "Validation Error", "Missing value", field="id")
        snapshot = store.snapshot()
        if not SLUG_PATTERN.match(slug) or not snapshot.has(slug):
            raise CkanError(404, "Not Found Error", "Not found")
        return ckan_ok(request, "package_show", package_dict(snapshot.record(slug), base_url(request)))

    @app.api_route(
        "/api/action/package_search", methods=["GET", "POST"], include_in_schema=False
    )  # ckanapi's path
    @app.post("/api/3/action/package_search", include_in_schema=False)
    @app.get("/api/3/action/package_search", response_model=CkanPackageSearch)
    async def package_search(request: Request) -> dict[str, Any]:
        params = await ckan_params(request, {"q", "fq", "rows", "start", "sort", "include_private"})
        rows = ckan_int(params, "rows", 10, 0, MAX_CKAN_ROWS)
        start = ckan_int(params, "start", 0, 0, 1_000_000)
        query = str(params.get("q", "")).strip()
        if query in ("*:*", "*"):
            query = ""
        records = store.snapshot().datasets()
        found = search(records, query)
        found = _apply_fq(found, str(params.get("fq", "")).strip())
        sort = str(params.get("sort", "score desc, metadata_modified desc"))
        found = _ckan_sort(found, sort)
        page = [package_dict(r, base_url(request)) for r in found[start : start + rows]]
        result = {"count": len(found), "results": page, "sort": sort, "facets": {}, "search_facets": {}}
        return ckan_ok(request, "package_search", result)

    @app.api_route(
        "/api/action/organization_list", methods=["GET", "POST"], include_in_schema=False
    )  # ckanapi's path
    @app.post("/api/3/action/organization_list", include_in_schema=False)
    @app.get("/api/3/action/organization_list", response_model=CkanOrganizationList)
    async def organization_list(request: Request) -> dict[str, Any]:
        params = await ckan_params(request, {"all_fields"})
        all_fields = params.get("all_fields", False) in (True, "true", "True", "1", 1)
        counts: dict[str, int] = {}
        for record in store.snapshot().datasets():
            counts[record.spec.publisher] = counts.get(record.spec.publisher, 0) + 1
        publishers = sorted(counts, key=organization_name)
        result: list[Any] = [organization_name(p) for p in publishers]
        if all_fields:
            result = [
                {
                    "id": organization_name(p),
                    "name": organization_name(p),
                    "title": p,
                    "display_name": p,
                    "package_count": counts[p],
                    "type": "organization",
                    "is_organization": True,
                }
                for p in publishers
            ]
        return ckan_ok(request, "organization_list", result)

    return app


def _apply_fq(records: list[DatasetRecord], fq: str) -> list[DatasetRecord]:
    """Field queries CKAN clients use most: ``organization:<name>``, ``tags:<keyword>``, ``res_format:<FMT>``."""
    if not fq:
        return records
    for clause in fq.split(" AND "):
        field_, sep, value = clause.strip().partition(":")
        value = value.strip().strip('"')
        if not sep or not value:
            raise CkanError(409, "Validation Error", f"fq: cannot read {clause!r}", field="fq")
        if field_ in ("organization", "res_format") and not CKAN_NAME.match(value):
            # CKAN names are lowercase letters, digits, '-' and '_': anything else is not a name (nor a query)
            raise CkanError(409, "Validation Error", f"fq: {field_} must be a CKAN name", field="fq")
        if field_ == "organization":
            records = [r for r in records if organization_name(r.spec.publisher) == value]
        elif field_ == "tags":
            records = [r for r in records if value in r.spec.keywords]
        elif field_ == "res_format":
            records = [r for r in records if value.lower() in r.current.available_formats()]
        else:
            raise CkanError(409, "Validation Error", f"fq: field {field_!r} not supported", field="fq")
    return records


def _ckan_sort(records: list[DatasetRecord], sort: str) -> list[DatasetRecord]:
    key = sort.split(",")[0].strip()
    if key in ("score desc", "metadata_modified desc"):
        return sorted(records, key=lambda r: r.current.published_at, reverse=True)
    if key == "metadata_modified asc":
        return sorted(records, key=lambda r: r.current.published_at)
    if key in ("name asc", "title_string asc"):
        return sorted(records, key=lambda r: r.slug if key == "name asc" else r.spec.title_vi)
    if key in ("name desc", "title_string desc"):
        return sorted(records, key=lambda r: r.slug if key == "name desc" else r.spec.title_vi, reverse=True)
    raise CkanError(409, "Validation Error", f"sort: {sort!r} not supported", field="sort")


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Huế open-data portal (read-only)")
    parser.add_argument("--root", type=Path, default=Path("data/portal"), help="portal store folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--public-url", default=None, help="address users see, for DCAT/CKAN links")
    args = parser.parse_args(argv)
    uvicorn.run(
        create_app(args.root, public_url=args.public_url), host=args.host, port=args.port, log_level="info"
    )


if __name__ == "__main__":
    main()
