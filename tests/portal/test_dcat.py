"""The DCAT catalogue parses in every serialisation and describes every dataset like Huế's portal."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from portal import dcat
from portal.dcat import catalog_graph, serialise
from portal.store import PortalStore

BASE = "https://data.hue.gov.vn"


@pytest.fixture(scope="module")
def serialised(tmp_path_factory) -> dict[str, bytes]:
    import datetime as dt

    from tests.portal.conftest import T0, dossier_spec, dossier_table, tourism_spec, tourism_table

    store = PortalStore(tmp_path_factory.mktemp("dcat") / "portal")
    store.publish(dossier_spec(), dossier_table(), now=T0)
    store.publish(dossier_spec(), dossier_table(offset=1), now=T0 + dt.timedelta(days=1))
    store.publish(tourism_spec(), tourism_table(), now=T0)
    graph = catalog_graph(store.snapshot(), BASE + "/")
    return {kind: serialise(graph, kind) for kind in ("rdf", "ttl", "jsonld")}


@pytest.mark.parametrize(("kind", "parser"), [("rdf", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld")])
def test_every_serialisation_parses_and_lists_every_dataset(serialised, kind, parser):
    graph = Graph().parse(data=serialised[kind], format=parser)
    datasets = set(graph.objects(URIRef(f"{BASE}/catalog"), ns.DCAT.dataset))
    assert datasets == {
        URIRef(f"{BASE}/datasets/ho-so-mot-cua-theo-don-vi"),
        URIRef(f"{BASE}/datasets/co-so-luu-tru-du-lich"),
    }
    for dataset in datasets:
        assert (dataset, ns.RDF.type, ns.DCAT.Dataset) in graph


def test_distributions_carry_the_hue_portal_fields(serialised):
    graph = Graph().parse(data=serialised["rdf"], format="xml")
    dataset = URIRef(f"{BASE}/datasets/ho-so-mot-cua-theo-don-vi")
    distributions = list(graph.objects(dataset, ns.DCAT.distribution))
    assert len(distributions) == 6  # csv, json, xlsx, parquet, datapackage, API
    for dist in distributions:
        assert (dist, ns.RDF.type, ns.DCAT.Distribution) in graph
        for prop in (
            ns.DCTERMS.identifier,
            ns.DCTERMS.created,
            ns.DCTERMS.modified,
            ns.DCTERMS.issued,
            ns.DCAT.mediaType,
            dcat.HUEOD.apiHeader,
            dcat.HUEOD.apiMethod,
            dcat.HUEOD.downloadURL,
        ):
            assert graph.value(dist, prop) is not None, (dist, prop)
        assert graph.value(dist, ns.DCTERMS.title).language == "vi"
        assert graph.value(dist, ns.DCTERMS.created).datatype == ns.XSD.dateTime
    csv = URIRef(f"{BASE}/datasets/ho-so-mot-cua-theo-don-vi/versions/2026-11-24T01-00-00Z/csv")
    assert graph.value(csv, ns.DCAT.byteSize).toPython() > 100
    assert str(graph.value(csv, dcat.HUEOD.downloadURL)).endswith(
        "/versions/2026-11-24T01-00-00Z/download/csv"
    )
    assert graph.value(csv, ns.DCTERMS.created) == Literal("2026-11-23T01:00:00Z", datatype=ns.XSD.dateTime)
    assert graph.value(csv, ns.DCTERMS.modified) == Literal("2026-11-24T01:00:00Z", datatype=ns.XSD.dateTime)


def test_dataset_metadata(serialised):
    graph = Graph().parse(data=serialised["ttl"], format="turtle")
    dataset = URIRef(f"{BASE}/datasets/ho-so-mot-cua-theo-don-vi")
    titles = {t.language: str(t) for t in graph.objects(dataset, ns.DCTERMS.title)}
    assert titles == {"vi": "Hồ sơ thủ tục hành chính theo đơn vị", "en": "Administrative dossiers by unit"}
    assert {str(k) for k in graph.objects(dataset, ns.DCAT.keyword)} == {"hồ sơ", "một cửa", "dịch vụ công"}
    assert graph.value(dataset, ns.DCTERMS.accrualPeriodicity) == dcat.FREQUENCY.QUARTERLY
    publisher = graph.value(dataset, ns.DCTERMS.publisher)
    assert (
        str(graph.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name")))
        == "Sở Thông tin và Truyền thông"
    )
    contact = graph.value(dataset, ns.DCAT.contactPoint)
    assert graph.value(contact, dcat.VCARD.hasEmail) == URIRef("mailto:ioc@hue.gov.vn")
    period = graph.value(dataset, ns.DCTERMS.temporal)
    assert str(graph.value(period, ns.DCAT.startDate)) == "2024-06-15"
    assert str(graph.value(graph.value(dataset, ns.DCTERMS.spatial), ns.DCTERMS.identifier)) == "46"
    rights = {str(label) for label in graph.objects(graph.value(dataset, ns.DCTERMS.rights), ns.RDFS.label)}
    assert any("47/2020" in label for label in rights)
    assert str(graph.value(dataset, dcat.DCAT3.version)) == "2026-11-24T01-00-00Z"
    assert len(list(graph.objects(dataset, dcat.DCAT3.hasVersion))) == 1  # the older version


def test_rdf_xml_uses_the_hueod_namespace(serialised):
    text = serialised["rdf"].decode("utf-8")
    assert 'xmlns:hueod="https://data.thuathienhue.gov.vn/"' in text
    assert "<hueod:apiMethod>GET</hueod:apiMethod>" in text


def test_empty_catalogue_is_still_a_valid_catalogue(tmp_path):
    graph = catalog_graph(PortalStore(tmp_path).snapshot(), BASE)
    parsed = Graph().parse(data=serialise(graph, "rdf"), format="xml")
    assert (URIRef(f"{BASE}/catalog"), ns.RDF.type, ns.DCAT.Catalog) in parsed
