"""dbt-duckdb plugin: the keyed pseudonym of a personal ID (bí danh hoá số định danh) as a SQL function.

The macro ``std_personal_id`` renders ``hue_pseudonym(<digits>)``: the key is read here, in Python, from
``HUE_PSEUDONYM_KEY`` when dbt opens its DuckDB connection, so it never appears in compiled SQL under
``target/``, in dbt's logs or in DuckDB's catalogue. The construction (HMAC-SHA256) is the population
connector's, so both sides of a join agree on every pseudonym.

Loaded through ``plugins:`` and ``module_paths:`` in the duckdb target of ``profiles.yml``.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from sources.population.pseudonym import register_duckdb_function

KEY_VARIABLE = "HUE_PSEUDONYM_KEY"


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        # Only the variable's name may come from the profile; the value never passes through dbt.
        self.key_variable = str(plugin_config.get("key_variable", KEY_VARIABLE))

    def configure_connection(self, conn: Any) -> None:
        register_duckdb_function(conn, os.environ.get(self.key_variable))
