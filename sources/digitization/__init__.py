"""Connector for Huế's shared digitisation platform (nền tảng số hóa dùng chung): catalogue and table export."""

from sources.digitization.catalogue import (
    Catalogue,
    CatalogueDiff,
    CatalogueTable,
    ColumnChange,
    diff_catalogues,
)
from sources.digitization.connector import DigitizationConnector
from sources.digitization.drift import SchemaDrift, classify_drift

__all__ = [
    "Catalogue",
    "CatalogueDiff",
    "CatalogueTable",
    "ColumnChange",
    "DigitizationConnector",
    "SchemaDrift",
    "classify_drift",
    "diff_catalogues",
]
