"""Open-data connector (dữ liệu mở): Huế's portal (DCAT RDF/XML, JSON API, CSV/XLSX downloads) and CKAN portals.

Public API::

    from sources.open_data import OpenDataConnector, CkanHarvester, read_file

``OpenDataConnector(base_url, ...).extract(cursor)`` and ``CkanHarvester(base_url, ...).extract(cursor)``
yield :class:`sources.common.batch.SourceBatch` objects; :func:`read_file` parses one CSV/XLSX download.
"""

from sources.open_data.catalog import CatalogError, DatasetRecord, Distribution, parse_catalog
from sources.open_data.ckan import CkanHarvester
from sources.open_data.connector import OpenDataConnector
from sources.open_data.files import FileFormatError, ParsedFile, read_csv, read_file, read_xlsx
from sources.open_data.header import locate_header
from sources.open_data.naming import column_slug
from sources.open_data.tabular import build_table

__all__ = [
    "CatalogError",
    "CkanHarvester",
    "DatasetRecord",
    "Distribution",
    "FileFormatError",
    "OpenDataConnector",
    "ParsedFile",
    "build_table",
    "column_slug",
    "locate_header",
    "parse_catalog",
    "read_csv",
    "read_file",
    "read_xlsx",
]
