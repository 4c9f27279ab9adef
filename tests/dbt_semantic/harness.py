"""Build the semantic-type macros and the admin-unit models with dbt, once per adapter.

dbt is slow per invocation (parse + adapter start), so every case runs in a single `dbt build`: a generated
model applies each macro to a VALUES table of (case_id, semantic_type, raw, raw2) and the test compares the
results in Python. The project under test is a temporary dbt project holding copies of exactly the files
this area owns (macros/semantic, seeds/admin_units, the admin-unit models): other areas' models being edited
in the same tree cannot break these tests, and the case models never enter the real project.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from orchestration.lib.dbt.scratch import DbtRun, run_dbt  # noqa: F401  (the scratch-project runner)

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt_project"
PSEUDONYM_KEY = "test-key-not-for-production-0123456789"

# Types whose macros take one raw text argument; latitude/longitude take (lat, lon), admin_unit (raw, date).
SINGLE = [
    "text", "person_name", "place_name", "code", "date", "timestamp", "integer", "decimal", "money", "phone",
    "email", "url", "yes_no", "personal_id",
]  # fmt: skip
ALL_TYPES = [*SINGLE, "latitude", "longitude", "admin_unit"]


def sql_literal(value: str | None) -> str:
    if value is None:
        return "cast(null as varchar)"
    return "'" + value.replace("'", "''") + "'"


def _call(semantic_type: str, suffix: str, raw: str, raw2: str) -> str:
    """Jinja call of one macro on SQL column expressions raw/raw2 ('c.raw')."""
    if semantic_type in ("latitude", "longitude"):
        return f"std_{semantic_type}{suffix}('{raw}', '{raw2}')"
    if semantic_type == "admin_unit":
        return f"std_admin_unit{suffix}('{raw}', std_date('{raw2}'))"
    return f"std_{semantic_type}{suffix}('{raw}')"


def _dispatch_columns(raw: str, raw2: str) -> tuple[str, str]:
    value_branches = "\n".join(
        f"    when '{t}' then cast({{{{ {_call(t, '', raw, raw2)} }}}} as varchar)" for t in ALL_TYPES
    )
    issue_branches = "\n".join(
        f"    when '{t}' then {{{{ {_call(t, '_issue', raw, raw2)} }}}}" for t in ALL_TYPES
    )
    return value_branches, issue_branches


def cases_model(cases: Iterable[tuple[int, str, str | None, str | None]]) -> str:
    rows = ",\n    ".join(
        f"({case_id}, '{semantic_type}', {sql_literal(raw)}, {sql_literal(raw2)})"
        for case_id, semantic_type, raw, raw2 in cases
    )
    value_branches, issue_branches = _dispatch_columns("c.raw", "c.raw2")
    return f"""{{{{ config(materialized='table') }}}}
select
  c.case_id,
  c.semantic_type,
  case c.semantic_type
{value_branches}
  end as std_value,
  case c.semantic_type
{issue_branches}
  end as issue
from (values
    {rows}
) as c(case_id, semantic_type, raw, raw2)
"""


def probe_model(semantic_type: str) -> str:
    """A view applying one type's macros to the rows of table probe_input(id, raw, raw2), for property tests.

    One small view per type: DuckDB binds a view's whole SQL on every query, so one view with every macro
    cost a second per query under load.
    """
    value = (
        f"cast({{{{ {_call(semantic_type, '', 'p.raw', 'p.raw2')} }}}} as varchar) as {semantic_type}_value"
    )
    issue = f"{{{{ {_call(semantic_type, '_issue', 'p.raw', 'p.raw2')} }}}} as {semantic_type}_issue"
    return (
        "{{ config(materialized='view') }}\n"
        f"select p.id, {value}, {issue}\nfrom {{{{ target.schema }}}}.probe_input as p\n"
    )


PROJECT_YML = """name: hue_warehouse
version: "0.1.0"
config-version: 2
profile: hue_warehouse
model-paths: ["models"]
macro-paths: ["macros"]
seed-paths: ["seeds"]
target-path: "target"
models:
  hue_warehouse:
    intermediate:
      +materialized: view
    marts:
      +materialized: table
"""


def make_project(root: Path, cases: Iterable[tuple[int, str, str | None, str | None]]) -> Path:
    """Write a temporary dbt project from the owned files plus the generated case and probe models."""
    project = root / "project"
    shutil.copytree(DBT_DIR / "macros" / "semantic", project / "macros" / "semantic")
    shutil.copytree(DBT_DIR / "plugins", project / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(DBT_DIR / "seeds" / "admin_units", project / "seeds" / "admin_units")
    shutil.copytree(
        DBT_DIR / "models" / "intermediate" / "admin_units",
        project / "models" / "intermediate" / "admin_units",
    )
    (project / "models" / "marts" / "core").mkdir(parents=True)
    for name in ("dim_admin_units.sql", "dim_admin_units.yml"):
        shutil.copy(
            DBT_DIR / "models" / "marts" / "core" / name, project / "models" / "marts" / "core" / name
        )
    (project / "dbt_project.yml").write_text(PROJECT_YML, encoding="utf-8")
    (project / "models" / "semantic_case_results.sql").write_text(cases_model(cases), encoding="utf-8")
    for semantic_type in ALL_TYPES:
        path = project / "models" / "probe" / f"semantic_probe__{semantic_type}.sql"
        path.parent.mkdir(exist_ok=True)
        path.write_text(probe_model(semantic_type), encoding="utf-8")
    return project
