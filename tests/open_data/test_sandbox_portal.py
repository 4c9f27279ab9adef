"""The sandbox portal itself: deterministic data, contract functions, CSV flavours as real files have them."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from sandbox.open_data import service
from sandbox.open_data.datasets import BY_SLUG, DATASETS
from sandbox.open_data.render import FLAVOURS, file_name, render
from sandbox.scenario import Scenario
from sources.common.vietnamese import decode_vietnamese


def test_rows_are_deterministic_and_scale_with_the_scenario() -> None:
    tiny = Scenario.named("tiny")
    for dataset in DATASETS:
        assert dataset.rows(tiny) == dataset.rows(tiny)
        assert len(dataset.rows(Scenario.named("province-year"))) == 10 * len(dataset.rows(tiny))
    assert BY_SLUG["truong-hoc"].rows(tiny) != BY_SLUG["truong-hoc"].rows(Scenario.named("tiny", seed=7))
    assert 10 <= len(DATASETS) <= 15
    assert len({d.csv_flavour for d in DATASETS}) == 5  # every CSV flavour is advertised by some dataset


def test_prepare_writes_once_and_create_app_checks_it(tmp_path) -> None:
    scenario = Scenario.named("tiny")
    with pytest.raises(FileNotFoundError, match="not prepared"):
        service.create_app(tmp_path, scenario, None)
    service.prepare(tmp_path, scenario)
    files = sorted((tmp_path / "open_data" / "files").iterdir())
    assert len(files) == len(DATASETS) * len(FLAVOURS)
    stamp = {f.name: f.stat().st_mtime_ns for f in files}
    service.prepare(tmp_path, scenario)  # same scenario: nothing rewritten
    assert stamp == {f.name: f.stat().st_mtime_ns for f in files}
    csv_bytes = (tmp_path / "open_data" / "files" / "truong-hoc.csv").read_bytes()
    dataset = BY_SLUG["truong-hoc"]
    assert csv_bytes == render(dataset, dataset.rows(scenario), "csv")
    assert service.endpoint_env("http://127.0.0.1:9/", tmp_path) == {
        "HUE_OPEN_DATA_URL": "http://127.0.0.1:9",
        "HUE_CKAN_SOURCE_URL": "http://127.0.0.1:9/ckan",
    }


@pytest.mark.parametrize(
    ("flavour", "encoding"),
    [
        ("csv", "utf-8"),
        ("csv-bom", "utf-8-sig"),
        ("csv-1258", "windows-1258"),
        ("csv-tcvn3", "tcvn3"),
        ("csv-vni", "vni"),
    ],
)
def test_csv_flavours_are_what_they_claim(flavour: str, encoding: str) -> None:
    dataset = BY_SLUG["truong-hoc"]
    data = render(dataset, dataset.rows(Scenario.named("tiny")), flavour)
    decoded = decode_vietnamese(data)
    assert decoded.encoding == encoding and decoded.confidence >= 0.9
    rows = list(csv.reader(io.StringIO(decoded.text), delimiter=";" if flavour == "csv-bom" else ","))
    if flavour in ("csv-tcvn3", "csv-vni"):
        assert rows[0][0] == "Danh sách trường học" and rows[3][6:8] == ["Nam", "Nữ"]
        assert rows[4][8].endswith(" %")  # legacy sheets print the percent sign
    elif flavour == "csv":
        assert rows[0][6] == "Số học sinh - Nam" and rows[1][0].startswith("046")


@pytest.mark.integration
def test_health_and_download_headers(portal, portal_url: str) -> None:
    assert requests.get(f"{portal_url}/_sandbox/health", timeout=5).json()["status"] == "ok"
    dataset = BY_SLUG["bai-do-xe"]
    answer = requests.get(f"{portal_url}/files/bai-do-xe/{file_name(dataset, 'xlsx')}", timeout=5)
    assert answer.headers["content-type"] == FLAVOURS["xlsx"][1]
    assert answer.content[:2] == b"PK"
    assert requests.get(f"{portal_url}/files/bai-do-xe/bai-do-xe.pdf", timeout=5).status_code == 404
