"""Load test of the portal server while new versions are published (kiểm thử tải khi đang công bố).

``wrk`` (Debian package) drives the dataset page and the JSON data API over N connections while this
process publishes a new version of the same dataset in a loop. Each version's rows all carry the version's
sequence number (column ``phien_ban``), so a Lua script can check every response: no error status, the
``X-Dataset-Version`` header present, the JSON body's ``version`` equal to that header, and every row of a
page from one version. The (header version, row marker) pairs it saw are compared here with what was
published: a page whose rows belong to another version than its header says is a mixed response.

The server runs as its own process (``python -m portal.server``), as in production, so the publisher does
not share its interpreter.

Run: ``python -m portal.loadtest --duration 60 --connections 64`` (the full test, ``make resilience``);
tests/security/test_load.py runs a 5-second version in ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa

from portal.spec import ColumnSpec, Contact, DatasetSpec
from portal.store import PortalStore

SLUG = "kiem-thu-tai-ho-so"
ROWS = 500
PAGE_SIZE = 100
MARKER = "phien_ban"

# wrk's Lua API: request() builds each request, response() sees each reply (per thread), done() runs once
# in the main thread with the summary; per-thread tallies reach done() through thread:get().
LUA = r"""
local paths = { "/api/datasets/%(slug)s/data?pageSize=%(page_size)d", "/datasets/%(slug)s" }
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad_status = 0; no_header = 0; mixed = 0; body_mismatch = 0; json_pages = 0; html_pages = 0
  pairs_seen = {}
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% 2) + 1])
end

function response(status, headers, body)
  if status ~= 200 then bad_status = bad_status + 1; return end
  local version = headers["X-Dataset-Version"] or headers["x-dataset-version"]
  if version == nil then no_header = no_header + 1; return end
  if string.sub(body, 1, 1) == "{" then
    json_pages = json_pages + 1
    local body_version = string.match(body, '"version":"([^"]+)"')
    if body_version ~= version then body_mismatch = body_mismatch + 1 end
    local marker = nil
    for m in string.gmatch(body, '"%(marker)s":(%%d+)') do
      if marker == nil then marker = m elseif m ~= marker then mixed = mixed + 1; break end
    end
    if marker ~= nil then
      local key = version .. "=" .. marker
      pairs_seen[key] = (pairs_seen[key] or 0) + 1
    end
  else
    html_pages = html_pages + 1
    if string.find(body, version, 1, true) == nil then body_mismatch = body_mismatch + 1 end
  end
end

function done(summary, latency, requests)
  local totals = { bad_status = 0, no_header = 0, mixed = 0, body_mismatch = 0, json_pages = 0, html_pages = 0 }
  local all_pairs = {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
    for key, n in pairs(thread:get("pairs_seen")) do all_pairs[key] = (all_pairs[key] or 0) + n end
  end
  local out = io.open("%(report)s", "w")
  out:write(string.format('{"requests": %%d, "duration_us": %%d, "bytes": %%d,\n', summary.requests,
    summary.duration, summary.bytes))
  out:write(string.format('"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d},\n',
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
  out:write(string.format('"latency_us": {"p50": %%d, "p90": %%d, "p99": %%d, "max": %%d, "mean": %%.1f},\n',
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  for name, n in pairs(totals) do out:write(string.format('"%%s": %%d,\n', name, n)) end
  out:write('"pairs": {')
  local first = true
  for key, n in pairs(all_pairs) do
    if not first then out:write(",") end
    first = false
    out:write(string.format('"%%s": %%d', key, n))
  end
  out:write("}}\n")
  out:close()
end
"""


def load_spec() -> DatasetSpec:
    """A dossier-count dataset shaped like the published ones, with the version marker column."""
    return DatasetSpec(
        slug=SLUG,
        title_vi="Kiểm thử tải: hồ sơ theo đơn vị",
        title_en="Load test: dossiers by unit",
        description_vi="Bộ dữ liệu dùng cho kiểm thử tải; mỗi phiên bản mang số thứ tự của nó.",
        description_en="Dataset for the load test; every version carries its sequence number.",
        keywords=("kiểm thử",),
        theme="Hành chính công",
        publisher="Sở Khoa học và Công nghệ",
        contact=Contact("Trung tâm Giám sát, điều hành đô thị thông minh", "ioc@hue.gov.vn"),
        update_frequency="DAILY",
        temporal_start=dt.date(2026, 1, 1),
        temporal_end=None,
        columns=(
            ColumnSpec("ma_don_vi", "string", "Mã đơn vị"),
            ColumnSpec("so_ho_so", "integer", "Số hồ sơ tiếp nhận"),
            ColumnSpec(MARKER, "integer", "Số thứ tự phiên bản (kiểm thử)"),
        ),
    )


def version_table(sequence: int, rows: int = ROWS) -> pa.Table:
    return pa.table(
        {
            "ma_don_vi": [f"{19753 + i:05d}" for i in range(rows)],
            "so_ho_so": [100 * i + sequence for i in range(rows)],
            MARKER: [sequence] * rows,
        }
    )


@dataclass
class LoadResult:
    connections: int
    duration_s: float
    requests: int
    requests_per_s: float
    latency_ms: dict[str, float]
    errors: dict[str, int]
    bad_status: int
    no_header: int
    body_mismatch: int
    mixed: int
    wrong_pairs: list[str]
    json_pages: int
    html_pages: int
    versions_published: int
    versions_seen: int
    publish_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.requests > 0
            and not any(self.errors.values())
            and self.bad_status == self.no_header == self.body_mismatch == self.mixed == 0
            and not self.wrong_pairs
            and not self.publish_errors
            and self.versions_published >= 2
        )

    def summary(self) -> str:
        lat = self.latency_ms
        return (
            f"{self.requests} requests in {self.duration_s:.1f} s over {self.connections} connections: "
            f"{self.requests_per_s:.0f} req/s; latency p50 {lat['p50']:.1f} ms, p90 {lat['p90']:.1f} ms, "
            f"p99 {lat['p99']:.1f} ms; errors {sum(self.errors.values())}, bad status {self.bad_status}, "
            f"mixed {self.mixed + len(self.wrong_pairs)}; {self.versions_published} versions published, "
            f"{self.versions_seen} seen"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"portal server exited with {process.returncode}")
        try:
            if requests.get(url + "/api/datasets", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError("portal server did not start")


def _publisher(
    store: PortalStore, stop: threading.Event, published: dict[str, int], errors: list[str]
) -> None:
    """Publish version after version until told to stop; remember which sequence each version carries."""
    sequence = len(published)
    while not stop.is_set():
        sequence += 1
        try:
            result = store.publish(load_spec(), version_table(sequence))
        except Exception as exc:  # reported in the result: a failed publication is a failed load test
            errors.append(f"{type(exc).__name__}: {exc}")
            return
        published[result.version] = sequence


def run_load_test(
    duration_s: float = 60.0,
    connections: int = 64,
    threads: int = 2,
    *,
    wrk: str = "wrk",
    workdir: Path | None = None,
) -> LoadResult:
    """Serve a fresh store, publish in a loop, drive it with wrk for ``duration_s``; the measured result."""
    if shutil.which(wrk) is None:
        raise FileNotFoundError(f"{wrk} not found (Debian package wrk; .ci/setup-system installs it)")
    own_dir = workdir is None
    work = Path(workdir or tempfile.mkdtemp(prefix="hue-loadtest-"))
    try:
        store = PortalStore(work / "portal", validate_datapackage=False)
        published: dict[str, int] = {}
        first = store.publish(load_spec(), version_table(0))
        published[first.version] = 0
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = (work / "server.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "portal.server", "--root", str(store.root), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            _wait_ready(url, server)
            report = work / "wrk-report.json"
            script = work / "versions.lua"
            script.write_text(
                LUA % {"slug": SLUG, "page_size": PAGE_SIZE, "marker": MARKER, "report": report},
                encoding="utf-8",
            )
            stop = threading.Event()
            errors: list[str] = []
            publisher = threading.Thread(
                target=_publisher, args=(store, stop, published, errors), daemon=True
            )
            publisher.start()
            try:
                subprocess.run(
                    [
                        wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration_s))}s",
                        "--timeout", "10s", "-s", str(script), url,
                    ],
                    check=True,
                    capture_output=True,
                    timeout=duration_s + 120,
                )  # fmt: skip
            finally:
                stop.set()
                publisher.join(timeout=60)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        data = json.loads(report.read_text(encoding="utf-8"))
        pairs: dict[str, int] = data["pairs"]
        wrong = []
        for key in pairs:
            version, _, marker = key.rpartition("=")
            if published.get(version) != int(marker):
                wrong.append(f"header {version} but rows of version #{marker}")
        seconds = data["duration_us"] / 1e6
        return LoadResult(
            connections=connections,
            duration_s=seconds,
            requests=data["requests"],
            requests_per_s=data["requests"] / seconds if seconds else 0.0,
            latency_ms={k: v / 1000 for k, v in data["latency_us"].items()},
            errors=data["errors"],
            bad_status=data["bad_status"],
            no_header=data["no_header"],
            body_mismatch=data["body_mismatch"],
            mixed=data["mixed"],
            wrong_pairs=wrong,
            json_pages=data["json_pages"],
            html_pages=data["html_pages"],
            versions_published=len(published),
            versions_seen=len({key.rpartition("=")[0] for key in pairs}),
            publish_errors=errors,
        )
    finally:
        if own_dir:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Portal load test with wrk while versions are published")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2: one per core)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    result = run_load_test(args.duration, args.connections, args.threads)
    print(json.dumps(asdict(result), indent=2) if args.json else result.summary())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
