"""The portal's DCAT catalogue in RDF/XML, in the shape of Huế's portal (domain guide §4).

``dcat:Dataset`` and ``dcat:Distribution`` carry ``dcterms:identifier``, ``created``, ``modified``,
``issued``, ``title@vi``, ``description``, ``dcat:mediaType`` and ``dcat:byteSize``; the portal's own
namespace ``hueod:`` (https://data.thuathienhue.gov.vn/) adds ``apiHeader``, ``apiMethod`` and
``downloadURL`` to every distribution.
"""

from __future__ import annotations

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from sandbox.open_data.datasets import Dataset
from sandbox.open_data.render import FLAVOURS, file_name

HUEOD = Namespace("https://data.thuathienhue.gov.vn/")
REUSE_TERMS = (
    "Dữ liệu mở theo Nghị định 47/2020/NĐ-CP: được tự do sao chép, chia sẻ, trao đổi, sử dụng, "
    "kết hợp, kể cả cho mục đích thương mại; ghi rõ nguồn Cổng dữ liệu mở tỉnh Thừa Thiên Huế."
)


def distributions(dataset: Dataset, base_url: str, sizes: dict[str, int]) -> list[dict[str, str | int]]:
    """What the catalogue advertises for a dataset: its JSON API, its XLSX and one CSV flavour."""
    api = f"{base_url}/api/datasets/{dataset.slug}"
    out: list[dict[str, str | int]] = [
        {
            "id": f"{dataset.slug}-api",
            "title": f"{dataset.title} (API JSON)",
            "format": "JSON",
            "media_type": "application/json",
            "url": api,
            "size": sizes.get("json", 0),
        }
    ]
    for flavour in (dataset.csv_flavour, "xlsx"):
        suffix, media = FLAVOURS[flavour]
        out.append(
            {
                "id": f"{dataset.slug}-{flavour}",
                "title": f"{dataset.title} ({suffix.rsplit('.', 1)[-1].upper()})",
                "format": suffix.rsplit(".", 1)[-1].upper(),
                "media_type": media,
                "url": f"{base_url}/files/{dataset.slug}/{file_name(dataset, flavour)}",
                "size": sizes.get(flavour, 0),
            }
        )
    return out


def catalogue_graph(datasets: tuple[Dataset, ...], base_url: str, sizes: dict[str, dict[str, int]]) -> Graph:
    g = Graph()
    g.bind("dcat", DCAT)
    g.bind("dcterms", DCTERMS)
    g.bind("foaf", FOAF)
    g.bind("hueod", HUEOD)
    catalog = URIRef(f"{base_url}/dcat")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("Cổng dữ liệu mở tỉnh Thừa Thiên Huế", lang="vi")))
    g.add((catalog, DCTERMS.language, Literal("vi")))
    for dataset in datasets:
        node = URIRef(f"{base_url}/dataset/{dataset.slug}")
        g.add((catalog, DCAT.dataset, node))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(dataset.slug)))
        g.add((node, DCTERMS.title, Literal(dataset.title, lang="vi")))
        g.add((node, DCTERMS.description, Literal(dataset.description, lang="vi")))
        for prop, value in (
            (DCTERMS.created, dataset.created),
            (DCTERMS.issued, dataset.created),
            (DCTERMS.modified, dataset.modified),
        ):
            g.add((node, prop, Literal(value.isoformat(), datatype=XSD.dateTime)))
        publisher = BNode(f"publisher-{dataset.slug}")
        g.add((node, DCTERMS.publisher, publisher))
        g.add((publisher, RDF.type, FOAF.Organization))
        g.add((publisher, FOAF.name, Literal(dataset.publisher, lang="vi")))
        g.add((node, DCAT.theme, Literal(dataset.theme, lang="vi")))
        for keyword in dataset.keywords:
            g.add((node, DCAT.keyword, Literal(keyword, lang="vi")))
        g.add((node, DCTERMS.rights, Literal(REUSE_TERMS, lang="vi")))
        for dist in distributions(dataset, base_url, sizes.get(dataset.slug, {})):
            d = URIRef(f"{base_url}/dataset/{dataset.slug}/distribution/{dist['id']}")
            g.add((node, DCAT.distribution, d))
            g.add((d, RDF.type, DCAT.Distribution))
            g.add((d, DCTERMS.identifier, Literal(dist["id"])))
            g.add((d, DCTERMS.title, Literal(dist["title"], lang="vi")))
            g.add((d, DCTERMS.description, Literal(dataset.description, lang="vi")))
            g.add((d, DCTERMS.created, Literal(dataset.created.isoformat(), datatype=XSD.dateTime)))
            g.add((d, DCTERMS.issued, Literal(dataset.created.isoformat(), datatype=XSD.dateTime)))
            g.add((d, DCTERMS.modified, Literal(dataset.modified.isoformat(), datatype=XSD.dateTime)))
            g.add((d, DCTERMS.format, Literal(dist["format"])))
            g.add((d, DCAT.mediaType, Literal(dist["media_type"])))
            g.add((d, DCAT.byteSize, Literal(int(dist["size"]), datatype=XSD.nonNegativeInteger)))
            g.add((d, DCAT.downloadURL, URIRef(str(dist["url"]))))
            g.add((d, HUEOD.downloadURL, Literal(str(dist["url"]))))
            g.add((d, HUEOD.apiMethod, Literal("GET")))
            g.add(
                (
                    d,
                    HUEOD.apiHeader,
                    Literal("Accept: application/json" if dist["format"] == "JSON" else "Accept: */*"),
                )
            )
    return g


def catalogue_xml(datasets: tuple[Dataset, ...], base_url: str, sizes: dict[str, dict[str, int]]) -> bytes:
    return catalogue_graph(datasets, base_url, sizes).serialize(format="pretty-xml", encoding="utf-8")
