"""How the lake recognises a digitisation row it already holds (khóa và phiên bản của bản ghi)."""

from __future__ import annotations

from sources.digitization.catalogue import CatalogueTable
from sources.lake.lake import TableContract

#: The platform's own change timestamp (yyyyMMddHHmmss): a new value is a new version of the row.
VERSION_COLUMN = "ngay_cap_nhat"


def lake_contract(table: CatalogueTable) -> TableContract:
    """Key = the table's primary key; version = ``ngay_cap_nhat`` when the table has it.

    Without a version column a changed row would look like one the lake already holds (same key) and be
    dropped, so such tables are taken whole each sync (no key): safe, only less compact.
    """
    if VERSION_COLUMN in table.column_ids:
        return TableContract(key=table.primary_key, version=VERSION_COLUMN)
    return TableContract()
