"""Harvest a DCAT catalogue in RDF/XML (danh mục dữ liệu mở) into dataset and distribution records.

Reads W3C DCAT (``dcat:Dataset``, ``dcat:Distribution``, ``dcterms:*``) plus Huế's own ``hueod:``
properties (``apiHeader``, ``apiMethod``, ``downloadURL``). Vietnamese literals are preferred where a
property has several languages. Timestamps stay as the catalogue's text (typed in dbt staging).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from sources.common.vietnamese import nfc

HUEOD = Namespace("https://data.thuathienhue.gov.vn/")


class CatalogError(ValueError):
    """The catalogue is not DCAT RDF/XML we can read."""


@dataclass(frozen=True)
class Distribution:
    """One way to get a dataset (phân phối): a JSON API, a CSV, an XLSX..."""

    dataset: str
    identifier: str
    title: str | None
    format: str | None
    media_type: str | None
    byte_size: int | None
    download_url: str | None
    api_method: str | None
    api_header: str | None
    modified: str | None

    @property
    def is_api(self) -> bool:
        return (self.media_type or "").startswith("application/json") or (self.format or "").upper() == "JSON"


@dataclass(frozen=True)
class DatasetRecord:
    """One dataset of the catalogue (bộ dữ liệu) with its distributions."""

    identifier: str
    title: str | None
    description: str | None
    publisher: str | None
    theme: str | None
    keywords: tuple[str, ...]
    created: str | None
    issued: str | None
    modified: str | None
    rights: str | None
    uri: str
    distributions: tuple[Distribution, ...]


def _text(g: Graph, node, prop) -> str | None:
    values = [o for o in g.objects(node, prop)]
    if not values:
        return None
    values.sort(key=lambda o: (not (isinstance(o, Literal) and o.language == "vi"), str(o)))
    return nfc(str(values[0]))


def _int(text: str | None) -> int | None:
    try:
        return int(float(text)) if text not in (None, "") else None
    except ValueError:
        return None


def parse_catalog(data: bytes, *, base: str | None = None) -> list[DatasetRecord]:
    """Parse DCAT RDF/XML bytes into dataset records, sorted by identifier."""
    if b"<!ENTITY" in data:
        # entity declarations are how XML bombs and external-entity reads start; no catalogue needs them
        raise CatalogError("the catalogue declares XML entities; refusing to parse it")
    g = Graph()
    try:
        g.parse(data=data, format="xml", publicID=base)
    except Exception as exc:  # rdflib raises SAX and its own parser errors
        raise CatalogError(f"not RDF/XML: {type(exc).__name__}: {exc}") from exc
    records = []
    for node in g.subjects(RDF.type, DCAT.Dataset):
        identifier = _text(g, node, DCTERMS.identifier) or str(node).rstrip("/").rsplit("/", 1)[-1]
        publisher = None
        for pub in g.objects(node, DCTERMS.publisher):
            publisher = _text(g, pub, FOAF.name) or (str(pub) if isinstance(pub, URIRef | Literal) else None)
        dists = []
        for d in g.objects(node, DCAT.distribution):
            url = (
                _text(g, d, DCAT.downloadURL) or _text(g, d, HUEOD.downloadURL) or _text(g, d, DCAT.accessURL)
            )
            dists.append(
                Distribution(
                    dataset=identifier,
                    identifier=_text(g, d, DCTERMS.identifier) or str(d),
                    title=_text(g, d, DCTERMS.title),
                    format=_text(g, d, DCTERMS.format),
                    media_type=_text(g, d, DCAT.mediaType),
                    byte_size=_int(_text(g, d, DCAT.byteSize)),
                    download_url=url,
                    api_method=_text(g, d, HUEOD.apiMethod),
                    api_header=_text(g, d, HUEOD.apiHeader),
                    modified=_text(g, d, DCTERMS.modified),
                )
            )
        records.append(
            DatasetRecord(
                identifier=identifier,
                title=_text(g, node, DCTERMS.title),
                description=_text(g, node, DCTERMS.description),
                publisher=publisher,
                theme=_text(g, node, DCAT.theme),
                keywords=tuple(sorted(nfc(str(k)) for k in g.objects(node, DCAT.keyword))),
                created=_text(g, node, DCTERMS.created),
                issued=_text(g, node, DCTERMS.issued),
                modified=_text(g, node, DCTERMS.modified),
                rights=_text(g, node, DCTERMS.rights),
                uri=str(node),
                distributions=tuple(sorted(dists, key=lambda x: x.identifier)),
            )
        )
    if not records:
        raise CatalogError("the catalogue lists no dcat:Dataset")
    return sorted(records, key=lambda r: r.identifier)


DATASET_SCHEMA = pa.schema(
    [
        ("identifier", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("publisher", pa.string()),
        ("theme", pa.string()),
        ("keywords", pa.string()),  # "; "-joined, sorted
        ("created", pa.string()),
        ("issued", pa.string()),
        ("modified", pa.string()),
        ("rights", pa.string()),
        ("uri", pa.string()),
        ("distribution_count", pa.int64()),
    ]
)
DISTRIBUTION_SCHEMA = pa.schema(
    [
        ("dataset", pa.string()),
        ("identifier", pa.string()),
        ("title", pa.string()),
        ("format", pa.string()),
        ("media_type", pa.string()),
        ("byte_size", pa.int64()),
        ("download_url", pa.string()),
        ("api_method", pa.string()),
        ("api_header", pa.string()),
        ("modified", pa.string()),
    ]
)


def datasets_table(records: list[DatasetRecord]) -> pa.Table:
    rows = [
        {
            **{f: getattr(r, f) for f in DATASET_SCHEMA.names if hasattr(r, f) and f != "keywords"},
            "keywords": "; ".join(r.keywords),
            "distribution_count": len(r.distributions),
        }
        for r in records
    ]
    return pa.Table.from_pylist(rows, schema=DATASET_SCHEMA)


def distributions_table(records: list[DatasetRecord]) -> pa.Table:
    rows = [{f: getattr(d, f) for f in DISTRIBUTION_SCHEMA.names} for r in records for d in r.distributions]
    return pa.Table.from_pylist(rows, schema=DISTRIBUTION_SCHEMA)
