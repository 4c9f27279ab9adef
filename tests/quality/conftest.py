"""Shared fixtures: a real DuckDB file in tmp with a consistent monthly KPI table."""

from __future__ import annotations

from pathlib import Path

import pytest

from .kpi_data import kpi_rows, write_kpi_table


@pytest.fixture
def kpi_db(tmp_path: Path) -> Path:
    return write_kpi_table(tmp_path / "warehouse.duckdb", kpi_rows())
