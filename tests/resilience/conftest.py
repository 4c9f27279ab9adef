"""A digitisation sandbox for the small resilience checks (the full matrices are `make resilience`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.runtime import SandboxEndpoints, running_sandbox
from sandbox.scenario import Scenario


@pytest.fixture(scope="session")
def digitization_sandbox(tmp_path_factory) -> Iterator[SandboxEndpoints]:
    with running_sandbox(
        tmp_path_factory.mktemp("resilience-sandbox"), Scenario.named("tiny", tables=12), ("digitization",)
    ) as endpoints:
        yield endpoints


@pytest.fixture(scope="session")
def two_tables(digitization_sandbox) -> list[str]:
    """Two digitisation tables with several pages each at the sync's page size."""
    from benchmarks.resilience.sync import PAGE_SIZE
    from sources.digitization.connector import DigitizationConnector

    env = digitization_sandbox.env
    with DigitizationConnector(env["HUE_DIGITIZATION_URL"], env["HUE_DIGITIZATION_TOKEN"]) as connector:
        sizes = {
            table.slug: sum(b.num_rows for b in connector.export(table, None))
            for table in connector.catalogue.tables
        }
    chosen = [slug for slug, rows in sorted(sizes.items()) if rows > 2 * PAGE_SIZE][:2]
    assert len(chosen) == 2, f"the tiny catalogue has no two tables above {2 * PAGE_SIZE} rows: {sizes}"
    return chosen
