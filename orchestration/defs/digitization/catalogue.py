"""The committed snapshot of the digitisation catalogue: what the generated staging layer was built from."""

from __future__ import annotations

import json
from functools import cache

from orchestration.lib.environment import DBT_PROJECT_DIR

CATALOGUE_FILE = DBT_PROJECT_DIR / "catalogue" / "digitization_catalogue.json"


@cache
def committed_catalogue():
    from sources.digitization.catalogue import Catalogue

    return Catalogue.from_dict(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8")))
