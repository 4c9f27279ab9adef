"""One benchmark or resilience workspace (không gian làm việc): every platform path under one temporary root.

The harness never touches ``data/``: each run gets its own lake, warehouse, portal store, quality folder
and Dagster home, so runs neither see nor disturb each other's state (nor a developer's ``make run``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

# A fixed pseudonymisation key for benchmark and resilience runs only: two runs compared by content hash
# must pseudonymise identically. Never used outside the harness's temporary workspaces.
REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_PSEUDONYM_KEY = "6265-6e63-685f-6f6e-6c79".replace("-", "") * 3


@dataclass(frozen=True)
class Workspace:
    """Paths of one platform instance: lake, warehouse, portal store, quality results, Dagster home."""

    root: Path

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def portal(self) -> Path:
        return self.root / "portal"

    @property
    def quality(self) -> Path:
        return self.root / "quality"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    def env(self, sandbox_env: dict[str, str]) -> dict[str, str]:
        """The HUE_* variables (and DAGSTER_HOME) a nightly run in this workspace needs."""
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        instance_yaml = self.dagster_home / "dagster.yaml"
        if not instance_yaml.exists():  # the same instance settings as `make run` (telemetry off, pools)
            shutil.copyfile(REPO_ROOT / "orchestration" / "instance" / "dagster.yaml", instance_yaml)
        return {
            **sandbox_env,
            "HUE_DATA_DIR": str(self.root),
            "HUE_LAKE_DIR": str(self.lake),
            "HUE_WAREHOUSE_PATH": str(self.warehouse),
            "HUE_PORTAL_DIR": str(self.portal),
            "HUE_QUALITY_DIR": str(self.quality),
            "HUE_PSEUDONYM_KEY": BENCH_PSEUDONYM_KEY,
            "DAGSTER_HOME": str(self.dagster_home),
            # The measured "next day" comes minutes after the first night, inside the dossier facts'
            # lookback (macros/util/incremental_dossiers.sql): without this it would rebuild the history.
            "HUE_DOSSIER_FACTS_LOOKBACK_HOURS": "0",
        }


def ingest_selection(digitization_tables: int | None) -> list[dg.AssetKey] | None:
    """The ingestion assets of a bounded night: every one-stop, population and open-data table plus the
    first ``digitization_tables`` tables of the digitisation catalogue; ``None`` means every asset.

    Open tables come first so that a small bound still reaches the published open datasets.
    """
    if digitization_tables is None:
        return None
    from orchestration.definitions import defs
    from orchestration.jobs import BACKFILL_SELECTION
    from orchestration.nightly import ingest_selection as all_ingest

    chosen = set(digitization_slugs(digitization_tables))
    keys = []
    # The nightly job's own selection: the partitioned backfill assets run only in their own job.
    for key in (all_ingest() - BACKFILL_SELECTION).resolve(defs.resolve_asset_graph()):
        if key.path[0] != "digitization" or key.path[-1] in chosen or key.path[-1].startswith("catalogue_"):
            keys.append(key)
    return sorted(keys, key=str)


def digitization_slugs(digitization_tables: int | None, source: Path | None = None) -> list[str]:
    """The digitisation tables of a night bounded to ``digitization_tables`` (open tables first), from the
    catalogue snapshot of ``source`` (a source tree with a grown catalogue), else the committed one."""
    from orchestration.defs.digitization.catalogue import committed_catalogue
    from sources.digitization.catalogue import Catalogue

    if source is None:
        catalogue = committed_catalogue()
    else:
        path = source / "dbt_project" / "catalogue" / "digitization_catalogue.json"
        catalogue = Catalogue.from_dict(json.loads(path.read_text(encoding="utf-8")))
    tables = catalogue.tables
    ordered = [t for t in tables if t.classification == "open"] + [
        t for t in tables if t.classification != "open"
    ]
    return [t.slug for t in ordered[: len(ordered) if digitization_tables is None else digitization_tables]]
