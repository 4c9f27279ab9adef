"""Fixtures: the sandbox open-data portal served on 127.0.0.1 for the whole module, faults reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest

from sandbox.open_data.datasets import Dataset, Row
from sandbox.runtime import SandboxEndpoints, running_sandbox
from sandbox.scenario import Scenario
from sources.common.http import RetryPolicy
from sources.open_data.naming import column_slug

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, timeout=10)
ARROW = {
    "code": pa.string(),
    "text": pa.string(),
    "int": pa.int64(),
    "money": pa.int64(),
    "decimal": pa.float64(),
    "percent": pa.float64(),
    "date": pa.date32(),
}


def expected_table(dataset: Dataset, rows: list[Row], transform_text=None) -> pa.Table:
    """The typed table every flavour of ``dataset`` must parse to."""
    columns = {}
    for c in dataset.columns:
        values = [r[c.key] for r in rows]
        if transform_text is not None and c.kind == "text":
            values = [transform_text(v) for v in values]
        columns[column_slug(c.title)] = pa.array(values, type=ARROW[c.kind])
    return pa.table(columns)


def plain(table: pa.Table) -> pa.Table:
    """The table without field metadata, for comparisons."""
    return table.replace_schema_metadata(None).cast(
        pa.schema([pa.field(f.name, f.type) for f in table.schema])
    )


@pytest.fixture(scope="package")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxEndpoints]:
    data_dir = tmp_path_factory.mktemp("open_data_sandbox")
    with running_sandbox(data_dir, Scenario.named("tiny"), systems=("open_data",)) as endpoints:
        yield endpoints


@pytest.fixture
def portal_url(portal: SandboxEndpoints) -> Iterator[str]:
    portal.faults["open_data"].reset()
    yield portal.env["HUE_OPEN_DATA_URL"]
    portal.faults["open_data"].reset()


@pytest.fixture
def scenario() -> Scenario:
    return Scenario.named("tiny")
