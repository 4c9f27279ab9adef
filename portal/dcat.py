"""The portal catalogue as W3C DCAT (danh mục dữ liệu mở theo DCAT), built with rdflib.

Shaped like Huế's current portal (domain guide §4): each ``dcat:Distribution`` carries
``dcterms:identifier``, ``created``, ``modified``, ``issued``, ``title@vi``, ``description``,
``dcat:mediaType``, ``dcat:byteSize`` and the portal's own ``hueod:`` terms (``apiHeader``,
``apiMethod``, ``downloadURL``) in the namespace ``https://data.thuathienhue.gov.vn/``. Datasets carry
publisher (foaf:Agent), contact point (vCard), keywords, theme, accrual periodicity (EU frequency
vocabulary, as DCAT-AP and the DCAT-VN draft use), temporal and spatial coverage, and the Decree
47/2020/NĐ-CP reuse terms as a rights statement (the decree names no licence). Serialised as RDF/XML,
Turtle and JSON-LD.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from portal.formats import FORMAT_TITLES_VI
from portal.spec import DatasetSpec, slugify
from portal.store import CatalogSnapshot, DatasetRecord, VersionInfo

HUEOD = Namespace("https://data.thuathienhue.gov.vn/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
# rdflib's DCAT namespace predates DCAT 3 (dcat:version, dcat:hasVersion); same IRI, open namespace.
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")

SERIALISATIONS = {
    "rdf": ("pretty-xml", "application/rdf+xml"),
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
}


def _when(iso: str) -> Literal:
    return Literal(iso, datatype=XSD.dateTime)


def dataset_uri(base_url: str, slug: str) -> URIRef:
    return URIRef(f"{base_url}/datasets/{slug}")


def download_url(base_url: str, slug: str, version: str, fmt: str) -> str:
    return f"{base_url}/datasets/{slug}/versions/{version}/download/{fmt}"


def _add_distributions(graph: Graph, base_url: str, record: DatasetRecord, node: URIRef) -> None:
    spec, current = record.spec, record.current
    for fmt in current.available_formats():
        info = current.files[fmt]
        dist = URIRef(f"{base_url}/datasets/{spec.slug}/versions/{current.version}/{fmt}")
        url = download_url(base_url, spec.slug, current.version, fmt)
        graph.add((node, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        graph.add((dist, DCTERMS.identifier, Literal(f"{spec.slug}/{current.version}/{fmt}")))
        graph.add((dist, DCTERMS.title, Literal(f"{spec.title_vi} — {FORMAT_TITLES_VI[fmt]}", lang="vi")))
        graph.add((dist, DCTERMS.description, Literal(spec.description_vi, lang="vi")))
        graph.add((dist, DCTERMS.created, _when(record.first_published_at)))
        graph.add((dist, DCTERMS.issued, _when(current.published_at)))
        graph.add((dist, DCTERMS.modified, _when(current.published_at)))
        graph.add(
            (
                dist,
                DCAT.mediaType,
                URIRef(f"https://www.iana.org/assignments/media-types/{info['media_type']}"),
            )
        )
        graph.add((dist, DCTERMS["format"], Literal(fmt.upper())))
        graph.add((dist, DCAT.byteSize, Literal(info["bytes"], datatype=XSD.nonNegativeInteger)))
        graph.add((dist, DCAT.downloadURL, URIRef(url)))
        graph.add((dist, DCAT.accessURL, dataset_uri(base_url, spec.slug)))
        graph.add((dist, DCTERMS.rights, _rights(graph, base_url, spec)))
        graph.add((dist, HUEOD.apiMethod, Literal("GET")))
        graph.add((dist, HUEOD.apiHeader, Literal(f"Accept: {info['media_type']}")))
        graph.add((dist, HUEOD.downloadURL, Literal(url)))
    api = URIRef(f"{base_url}/api/datasets/{spec.slug}/data")
    graph.add((node, DCAT.distribution, api))
    graph.add((api, RDF.type, DCAT.Distribution))
    graph.add((api, DCTERMS.identifier, Literal(f"{spec.slug}/api")))
    graph.add((api, DCTERMS.title, Literal(f"{spec.title_vi} — API JSON (phân trang, lọc)", lang="vi")))
    graph.add(
        (
            api,
            DCTERMS.description,
            Literal("{code, message, data, totalRows}; ?page=&pageSize=&filter[cột]=&sort="),
        )
    )
    graph.add((api, DCTERMS.created, _when(record.first_published_at)))
    graph.add((api, DCTERMS.issued, _when(current.published_at)))
    graph.add((api, DCTERMS.modified, _when(current.published_at)))
    graph.add((api, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/application/json")))
    graph.add((api, DCAT.accessURL, api))
    graph.add((api, HUEOD.apiMethod, Literal("GET")))
    graph.add((api, HUEOD.apiHeader, Literal("Accept: application/json")))
    graph.add((api, HUEOD.downloadURL, Literal(str(api))))


def _rights(graph: Graph, base_url: str, spec: DatasetSpec) -> URIRef:
    """The dataset's reuse terms (điều kiện sử dụng lại) as a dcterms:RightsStatement."""
    node = URIRef(f"{base_url}/datasets/{spec.slug}#reuse-terms")
    graph.add((node, RDF.type, DCTERMS.RightsStatement))
    graph.add((node, RDFS.label, Literal(spec.reuse_terms_vi, lang="vi")))
    graph.add((node, RDFS.label, Literal(spec.reuse_terms_en, lang="en")))
    return node


def _add_dataset(graph: Graph, base_url: str, record: DatasetRecord) -> URIRef:
    spec, current = record.spec, record.current
    node = dataset_uri(base_url, spec.slug)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(spec.slug)))
    graph.add((node, DCTERMS.title, Literal(spec.title_vi, lang="vi")))
    graph.add((node, DCTERMS.title, Literal(spec.title_en, lang="en")))
    graph.add((node, DCTERMS.description, Literal(spec.description_vi, lang="vi")))
    if spec.description_en:
        graph.add((node, DCTERMS.description, Literal(spec.description_en, lang="en")))
    for keyword in spec.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="vi")))
    theme = URIRef(f"{base_url}/themes/{slugify(spec.theme)}")
    graph.add((node, DCAT.theme, theme))
    graph.add((theme, RDF.type, SKOS.Concept))
    graph.add((theme, SKOS.prefLabel, Literal(spec.theme, lang="vi")))
    publisher = URIRef(f"{base_url}/organizations/{slugify(spec.publisher)}")
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(spec.publisher, lang="vi")))
    contact = BNode()
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(spec.contact.name)))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{spec.contact.email}")))
    graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY[spec.update_frequency]))
    if spec.temporal_start or spec.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if spec.temporal_start:
            graph.add((period, DCAT.startDate, Literal(spec.temporal_start, datatype=XSD.date)))
        if spec.temporal_end:
            graph.add((period, DCAT.endDate, Literal(spec.temporal_end, datatype=XSD.date)))
    place = URIRef(f"{base_url}/admin-units/{spec.spatial_code}")
    graph.add((node, DCTERMS.spatial, place))
    graph.add((place, RDF.type, DCTERMS.Location))
    graph.add((place, DCTERMS.identifier, Literal(spec.spatial_code)))
    graph.add((place, SKOS.prefLabel, Literal(spec.spatial_name, lang="vi")))
    graph.add((node, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
    graph.add((node, DCTERMS.rights, _rights(graph, base_url, spec)))
    graph.add((node, DCTERMS.issued, _when(record.first_published_at)))
    graph.add((node, DCTERMS.modified, _when(current.published_at)))
    graph.add((node, DCAT3.version, Literal(current.version)))
    graph.add((node, DCAT.landingPage, node))
    for older in record.versions[:-1]:
        _add_version(graph, base_url, node, older)
    _add_distributions(graph, base_url, record, node)
    return node


def _add_version(graph: Graph, base_url: str, node: URIRef, info: VersionInfo) -> None:
    version_node = URIRef(f"{base_url}/datasets/{info.slug}/versions/{info.version}")
    graph.add((node, DCAT3.hasVersion, version_node))
    graph.add((version_node, RDF.type, DCAT.Dataset))
    graph.add((version_node, DCAT3.version, Literal(info.version)))
    graph.add((version_node, DCTERMS.issued, _when(info.published_at)))


def catalog_graph(snapshot: CatalogSnapshot, base_url: str) -> Graph:
    """The whole live catalogue as one RDF graph."""
    base_url = base_url.rstrip("/")
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dcterms", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    graph.bind("skos", SKOS)
    graph.bind("hueod", HUEOD)
    catalog = URIRef(f"{base_url}/catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("Danh mục dữ liệu mở tỉnh Huế", lang="vi")))
    graph.add((catalog, DCTERMS.title, Literal("Huế open data catalogue", lang="en")))
    graph.add(
        (catalog, DCTERMS.description, Literal("Các bộ dữ liệu mở do Thành phố Huế công bố.", lang="vi"))
    )
    graph.add((catalog, FOAF.homepage, URIRef(f"{base_url}/")))
    records = snapshot.datasets()
    if records:
        graph.add((catalog, DCTERMS.modified, _when(max(r.current.published_at for r in records))))
    for record in records:
        graph.add((catalog, DCAT.dataset, _add_dataset(graph, base_url, record)))
    return graph


def serialise(graph: Graph, kind: str) -> bytes:
    """``kind`` is ``rdf``, ``ttl`` or ``jsonld``."""
    fmt, _ = SERIALISATIONS[kind]
    return graph.serialize(format=fmt, encoding="utf-8")
