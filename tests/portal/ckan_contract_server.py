"""A small server that follows the CKAN Action API contract for the actions the publisher uses.

Not CKAN: an in-memory stand-in that keeps CKAN's documented behaviour for ``package_show``,
``package_create``, ``package_update`` and ``resource_create`` (CKAN 2.10/2.11 API docs):

- every response is ``{help, success, result}`` or ``{help, success: false, error: {__type, message, ...}}``
  with HTTP 200 / 404 (Not Found Error) / 409 (Validation Error) / 403 (Authorization Error);
- write actions need the API token in the ``Authorization`` header;
- ``name`` must be 2-100 characters of lowercase ASCII letters, digits, ``-`` and ``_``, and unique;
- ``package_update`` replaces the package's fields; resources listed with an ``id`` are kept, listed
  without one are created, and existing resources not listed are deleted;
- ``resource_create`` takes JSON (``url``) or multipart form data with an ``upload`` file; uploaded
  resources get a download URL on this server;
- ``extras`` is a list of ``{key, value}``; ``tags`` a list of ``{name}``.

Every call is recorded in ``calls`` so tests can assert that an unchanged store makes no writes.
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
WRITE_ACTIONS = {"package_create", "package_update", "resource_create"}


class ActionError(Exception):
    def __init__(
        self, status: int, kind: str, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.fields = status, kind, message, fields or {}


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()


class CkanContractServer:
    def __init__(self, api_token: str) -> None:
        self.api_token = api_token
        self.packages: dict[str, dict[str, Any]] = {}  # by id
        self.uploads: dict[str, bytes] = {}
        self.calls: list[str] = []
        self.fail_on: str | None = None  # action name that answers 500 once (to interrupt a push)
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> CkanContractServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=10)

    # -- actions ------------------------------------------------------------------------------------

    def _find(self, ref: str | None) -> dict[str, Any]:
        for package in self.packages.values():
            if ref in (package["id"], package["name"]):
                return package
        raise ActionError(404, "Not Found Error", "Not found")

    def _validate_package(self, data: dict[str, Any], *, exclude_id: str | None = None) -> None:
        name = data.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            raise ActionError(
                409,
                "Validation Error",
                "invalid name",
                {"name": ["Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"]},
            )
        if any(p["name"] == name and p["id"] != exclude_id for p in self.packages.values()):
            raise ActionError(
                409, "Validation Error", "name in use", {"name": ["That URL is already in use."]}
            )
        for extra in data.get("extras", []):
            if set(extra) != {"key", "value"}:
                raise ActionError(
                    409, "Validation Error", "bad extra", {"extras": ["key and value required"]}
                )
        for tag in data.get("tags", []):
            if not isinstance(tag, dict) or not tag.get("name"):
                raise ActionError(409, "Validation Error", "bad tag", {"tags": ["name required"]})

    def package_show(self, data: dict[str, Any]) -> dict[str, Any]:
        return json.loads(json.dumps(self._find(data.get("id"))))

    def package_create(self, data: dict[str, Any]) -> dict[str, Any]:
        self._validate_package(data)
        package = dict(
            data, id=str(uuid.uuid4()), state="active", metadata_created=_now(), metadata_modified=_now()
        )
        package["resources"] = [self._new_resource(package["id"], r) for r in data.get("resources", [])]
        self.packages[package["id"]] = package
        return self.package_show({"id": package["id"]})

    def package_update(self, data: dict[str, Any]) -> dict[str, Any]:
        existing = self._find(data.get("id") or data.get("name"))
        data = dict(data, id=existing["id"])
        self._validate_package(data, exclude_id=existing["id"])
        resources = existing["resources"]
        if "resources" in data:
            by_id = {r["id"]: r for r in existing["resources"]}
            resources = []
            for r in data["resources"]:
                if r.get("id") in by_id:
                    resources.append(dict(by_id[r["id"]], **r))
                else:
                    resources.append(self._new_resource(existing["id"], r))
        package = dict(
            data,
            resources=resources,
            state="active",
            metadata_created=existing["metadata_created"],
            metadata_modified=_now(),
        )
        self.packages[existing["id"]] = package
        return self.package_show({"id": package["id"]})

    def _new_resource(
        self, package_id: str, data: dict[str, Any], upload: tuple[str, bytes] | None = None
    ) -> dict[str, Any]:
        resource = dict(data, id=str(uuid.uuid4()), package_id=package_id, created=_now())
        if upload is not None:
            filename, content = upload
            self.uploads[resource["id"]] = content
            resource["url"] = f"{self.url}/dataset/{package_id}/resource/{resource['id']}/download/{filename}"
            resource["url_type"] = "upload"
            resource["size"] = len(content)
        elif not resource.get("url"):
            raise ActionError(409, "Validation Error", "url or upload required", {"url": ["Missing value"]})
        return resource

    def resource_create(self, data: dict[str, Any], upload: tuple[str, bytes] | None) -> dict[str, Any]:
        package = self._find(data.get("package_id"))
        resource = self._new_resource(package["id"], data, upload)
        resource["position"] = len(package["resources"])
        package["resources"].append(resource)
        return resource

    # -- HTTP ---------------------------------------------------------------------------------------

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                match = re.fullmatch(r"/dataset/[^/]+/resource/([^/]+)/download/[^/]+", self.path)
                if match and match.group(1) in server.uploads:
                    content = server.uploads[match.group(1)]
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                    return
                self._reply(
                    404, {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}
                )

            def do_POST(self) -> None:
                match = re.fullmatch(r"/api(?:/3)?/action/([a-z_]+)", self.path)
                action = match.group(1) if match else ""
                help_url = f"{server.url}/api/3/action/help_show?name={action}"
                try:
                    if action not in {"package_show", *WRITE_ACTIONS}:
                        raise ActionError(400, "Bad Request", f"action {action!r} not in this contract")
                    if action in WRITE_ACTIONS and self.headers.get("Authorization") != server.api_token:
                        raise ActionError(403, "Authorization Error", "Access denied")
                    data, upload = self._body()
                    with server._lock:
                        server.calls.append(action)
                        if server.fail_on == action:
                            server.fail_on = None
                            raise ActionError(500, "Internal Server Error", "injected failure")
                        if action == "resource_create":
                            result = server.resource_create(data, upload)
                        else:
                            result = getattr(server, action)(data)
                    self._reply(200, {"help": help_url, "success": True, "result": result})
                except ActionError as exc:
                    error = {"__type": exc.kind, "message": exc.message, **exc.fields}
                    self._reply(exc.status, {"help": help_url, "success": False, "error": error})

            def _body(self) -> tuple[dict[str, Any], tuple[str, bytes] | None]:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                content_type = self.headers.get("Content-Type", "")
                if content_type.startswith("multipart/form-data"):
                    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
                    )
                    data: dict[str, Any] = {}
                    upload = None
                    for part in message.iter_parts():
                        name = part.get_param("name", header="content-disposition")
                        content = part.get_payload(decode=True)
                        if part.get_filename():
                            upload = (part.get_filename(), content)
                        else:
                            data[name] = content.decode("utf-8")
                    return data, upload
                try:
                    data = json.loads(raw or b"{}")
                except json.JSONDecodeError as exc:
                    raise ActionError(400, "Bad Request", f"JSON Error: {exc}") from exc
                return data, None

        return Handler
