"""The sandbox open-data portal (Cổng dữ liệu mở) per the sandbox contract.

Routes (all under the base URL handed out as ``HUE_OPEN_DATA_URL``):

* ``GET /dcat``: the DCAT catalogue, RDF/XML (:mod:`sandbox.open_data.dcat`);
* ``GET /api/datasets/<slug>?page=1&pageSize=100``: ``{code, message, data: [...], totalRows}``;
* ``GET /files/<slug>/<slug><suffix>``: the downloads of :mod:`sandbox.open_data.render`;
* ``GET|POST /ckan/api/3/action/<action>`` (and ``/ckan/api/action/``): the CKAN Action API
  (:mod:`sandbox.open_data.ckan`), handed out as ``HUE_CKAN_SOURCE_URL``;
* ``GET /_sandbox/health``.

Data faults: ``truncate_page_every`` cuts a JSON page in half (HTTP 200), ``repeat_page_every`` answers a
page with the previous page's rows, ``reorder_pages`` serves the pages last first, ``schema_drift`` adds,
removes, renames or retypes a field of the JSON records, ``malformed_rows_every`` breaks rows in JSON pages
and CSV files, ``bad_encoding`` sends JSON pages in Windows-1258 under a UTF-8 header and pastes TCVN3
rows into the UTF-8 CSV. Downloads and the catalogue take no data faults other than malformed rows and
bad encoding.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from sandbox.faults import FaultInjector, install_fault_middleware
from sandbox.open_data import ckan
from sandbox.open_data.datasets import BY_SLUG, DATASETS, Dataset, Row
from sandbox.open_data.render import FLAVOURS, file_name, flavour_of, render
from sandbox.scenario import Scenario
from sources.common.vietnamese import encode_cp1258

SUBDIR = "open_data"
MARKER_FILE = "scenario.json"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def system_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SUBDIR


def _marker(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _encode_rows(rows: list[Row]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, default=lambda v: v.isoformat()).encode("utf-8")


def _decode_rows(dataset: Dataset, data: bytes) -> list[Row]:
    dates = [c.key for c in dataset.columns if c.kind == "date"]
    rows = json.loads(data)
    for row in rows:
        for key in dates:
            if row[key] is not None:
                row[key] = dt.date.fromisoformat(row[key])
    return rows


def prepare(data_dir: Path, scenario: Scenario) -> None:
    """Generate every dataset's rows and downloads for ``scenario`` unless already there."""
    folder = system_dir(data_dir)
    marker = folder / MARKER_FILE
    if _marker(marker) == scenario.to_dict():
        return
    marker.unlink(missing_ok=True)  # written last: its presence means the folder is complete
    for sub in ("rows", "files"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for dataset in DATASETS:
        rows = dataset.rows(scenario)
        _write_atomic(folder / "rows" / f"{dataset.slug}.json", _encode_rows(rows))
        for flavour in FLAVOURS:
            _write_atomic(folder / "files" / file_name(dataset, flavour), render(dataset, rows, flavour))
    _write_atomic(marker, json.dumps(scenario.to_dict()).encode("utf-8"))


def endpoint_env(base_url: str, data_dir: Path) -> dict[str, str]:
    """The HUE_* variables that point the open-data connector and the CKAN harvester at this portal."""
    base = base_url.rstrip("/")
    return {"HUE_OPEN_DATA_URL": base, "HUE_CKAN_SOURCE_URL": f"{base}/ckan"}


def json_value(value: Any) -> Any:
    """How the portal's JSON API writes a value: dates as dd/mm/yyyy text, numbers as numbers."""
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value


def create_app(data_dir: Path, scenario: Scenario, faults: FaultInjector) -> Any:
    """The portal app over the prepared folder, with ``faults`` installed."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from sandbox.open_data.dcat import catalogue_xml

    folder = system_dir(data_dir)
    if _marker(folder / MARKER_FILE) != scenario.to_dict():
        raise FileNotFoundError(f"{folder} is not prepared for scenario {scenario.key}: run prepare() first")
    rows = {d.slug: _decode_rows(d, (folder / "rows" / f"{d.slug}.json").read_bytes()) for d in DATASETS}
    files = {
        (d.slug, f): (folder / "files" / file_name(d, f)).read_bytes() for d in DATASETS for f in FLAVOURS
    }
    sizes: dict[str, dict[str, int]] = {
        d.slug: {
            **{f: len(files[(d.slug, f)]) for f in FLAVOURS},
            "json": len(_encode_rows([{k: json_value(v) for k, v in r.items()} for r in rows[d.slug]])),
        }
        for d in DATASETS
    }

    def base_of(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def api_error(status: int, message: str) -> JSONResponse:
        return JSONResponse(
            {"code": status, "message": message, "data": [], "totalRows": 0}, status_code=status
        )

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "system": "open_data", "scenario": scenario.key})

    rendered: dict[str, bytes] = {}  # base URL -> catalogue: the same datasets always render the same

    async def catalogue(request: Request) -> Response:
        base = base_of(request)
        if base not in rendered:
            rendered[base] = catalogue_xml(DATASETS, base, sizes)
        return Response(rendered[base], media_type="application/rdf+xml; charset=utf-8")

    def page_rows(dataset: Dataset, page: int, size: int) -> list[dict[str, Any]]:
        chosen = rows[dataset.slug][(page - 1) * size : page * size]
        out = []
        for row in chosen:
            record = {k: json_value(v) for k, v in row.items()}
            if faults.should("malformed_row"):
                record = _malformed_record(dataset, record, len(out))
            if faults.faults.schema_drift:
                record = _drifted_record(dataset, record, faults.faults.schema_drift)
            out.append(record)
        return out

    async def dataset_api(request: Request) -> Response:
        dataset = BY_SLUG.get(request.path_params["slug"])
        if dataset is None:
            return api_error(404, "Không tìm thấy bộ dữ liệu")
        try:
            page = int(request.query_params.get("page", "1"))
            size = int(request.query_params.get("pageSize", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            return api_error(400, "Tham số page/pageSize không hợp lệ")
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            return api_error(400, f"page phải >= 1 và pageSize trong khoảng 1..{MAX_PAGE_SIZE}")
        served = page
        pages = max(1, -(-len(rows[dataset.slug]) // size))
        if faults.faults.reorder_pages and page <= pages:
            served = pages + 1 - page  # every page once, last first: an unordered server-side query
        if faults.should("repeat_page") and page > 1:
            served = page - 1  # the previous page again, as a server with an unstable sort order does
        payload = {
            "code": 200,
            "message": "Thành công",
            "data": page_rows(dataset, served, size),
            "totalRows": len(rows[dataset.slug]),
        }
        text = json.dumps(payload, ensure_ascii=False)
        body = encode_cp1258(text) if faults.faults.bad_encoding else text.encode("utf-8")
        if faults.should("truncate_page"):
            body = body[: len(body) // 2]
        return Response(body, media_type="application/json; charset=utf-8")

    async def download(request: Request) -> Response:
        dataset = BY_SLUG.get(request.path_params["slug"])
        name = request.path_params["name"]
        flavour = flavour_of(name)
        if dataset is None or flavour is None or name != file_name(dataset, flavour):
            return JSONResponse({"code": 404, "message": "Không tìm thấy tệp"}, status_code=404)
        current = faults.faults
        body = files[(dataset.slug, flavour)]
        if flavour != "xlsx" and (current.malformed_rows_every or current.bad_encoding):
            body = render(
                dataset,
                rows[dataset.slug],
                flavour,
                malformed=(lambda _i: faults.should("malformed_row"))
                if current.malformed_rows_every
                else None,
                bad_encoding=current.bad_encoding,
            )
        media = FLAVOURS[flavour][1]
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(body, media_type=media, headers=headers)

    async def ckan_action(request: Request) -> Response:
        action = request.path_params["action"]
        params: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            raw = await request.body()
            if raw:
                try:
                    params.update(json.loads(raw))
                except ValueError:
                    form = await request.form()
                    params.update({k: v for k, v in form.items() if isinstance(v, str)})
        help_url = f"{base_of(request)}/ckan/api/3/action/help_show?name={action}"
        try:
            result = ckan.call(action, params, DATASETS, base_of(request), sizes)
        except ckan.ActionError as exc:
            return JSONResponse(
                {"help": help_url, "success": False, "error": {"__type": exc.kind, "message": exc.message}},
                status_code=exc.status,
            )
        return JSONResponse({"help": help_url, "success": True, "result": result})

    app = Starlette(
        routes=[
            Route("/_sandbox/health", health),
            Route("/dcat", catalogue),
            Route("/api/datasets/{slug}", dataset_api),
            Route("/files/{slug}/{name}", download),
            Route("/ckan/api/3/action/{action}", ckan_action, methods=["GET", "POST"]),
            Route("/ckan/api/action/{action}", ckan_action, methods=["GET", "POST"]),
        ]
    )
    install_fault_middleware(app, faults)
    return app


def _malformed_record(dataset: Dataset, record: dict[str, Any], index: int) -> dict[str, Any]:
    numeric = [c.key for c in dataset.columns if c.kind in ("int", "money", "decimal", "percent")]
    dates = [c.key for c in dataset.columns if c.kind == "date"]
    broken = dict(record)
    if (index % 2 == 0 or not dates) and numeric:
        broken[numeric[0]] = "không rõ"
    elif dates:
        broken[dates[0]] = "32/13/2024"
    return broken


def _drifted_record(dataset: Dataset, record: dict[str, Any], drift: str) -> dict[str, Any]:
    """The record after a release of the portal changed the dataset's schema."""
    last = dataset.columns[-1].key
    numeric = next((c.key for c in dataset.columns if c.kind in ("int", "money")), None)
    if drift == "add_column":
        return {**record, "GhiChu": "Cập nhật theo quy định mới"}
    if drift == "remove_column":
        return {k: v for k, v in record.items() if k != last}
    if drift == "rename_column":
        return {(f"{k}Moi" if k == last else k): v for k, v in record.items()}
    if drift == "retype_column" and numeric is not None:
        value = record.get(numeric)
        return {**record, numeric: f"{value} (ước tính)" if value is not None else None}
    return record
