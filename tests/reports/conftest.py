"""Fixtures: the tiny warehouses (without and with the Decision 766 / Plan 379 marts), built once."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reports.model import QuarterlyReport
from reports.quarterly import build_report
from tests.reports.warehouse import build_warehouse


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("report-warehouse") / "warehouse.duckdb")


@pytest.fixture(scope="session")
def full_warehouse_path(tmp_path_factory) -> Path:
    return build_warehouse(
        tmp_path_factory.mktemp("report-warehouse-full") / "warehouse.duckdb", with_index=True
    )


def load(path: Path, period: str | None = None) -> QuarterlyReport:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return build_report(connection, period=period)
    finally:
        connection.close()


@pytest.fixture(scope="session")
def report(warehouse_path: Path) -> QuarterlyReport:
    return load(warehouse_path)


@pytest.fixture(scope="session")
def full_report(full_warehouse_path: Path) -> QuarterlyReport:
    return load(full_warehouse_path)
