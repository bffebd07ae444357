"""The linked-data endpoints on the demo catalog: formats, Hydra paging, filters, content
negotiation, redirects, LKOD, CORS, the HTML head, and bad input."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from catalog.rdf import CONTEXT_2024, parse_dataset_graph, parse_lkod_dataset, parse_rdf
from catalog.rdf.namespaces import HYDRA
from tests.conftest import BASE_URL, published_dataset_count

SLUG = "rozpocet-libereckeho-kraje"
SYNTAX = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "jsonld": "application/ld+json",
          "nt": "application/n-triples"}


def graph_of(response: object) -> Graph:
    return parse_rdf(response.get_data(), response.mimetype)  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", sorted(SYNTAX))
def test_catalog_is_served_in_every_format_with_open_cors(demo_client: FlaskClient,
                                                          fmt: str) -> None:
    response = demo_client.get(f"/catalog.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == SYNTAX[fmt]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    graph = graph_of(response)
    catalog = URIRef(f"{BASE_URL}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert len(set(graph.objects(catalog, DCAT.dataset))) == published_dataset_count(
        demo_client.application)


def test_catalog_pages_with_hydra_in_both_vocabularies(demo_client: FlaskClient) -> None:
    graph = graph_of(demo_client.get("/catalog.ttl?theme=TRAN&q=&page=1"))
    views = list(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert len(views) == 1
    view = views[0]
    assert (view, RDF.type, HYDRA.PagedCollection) in graph
    assert int(graph.value(view, HYDRA.itemsPerPage)) == 100
    total = int(graph.value(view, HYDRA.totalItems))
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert 0 < total == len(datasets) < published_dataset_count(demo_client.application)
    assert graph.value(view, HYDRA.first) == graph.value(view, HYDRA.firstPage)
    assert str(graph.value(view, HYDRA.last)).startswith(f"{BASE_URL}/catalog.ttl?theme=TRAN")


def test_next_page_links_follow_to_the_end(demo_client: FlaskClient,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.web import linked_data

    monkeypatch.setattr(linked_data, "PAGE_SIZE", 30)
    seen: set[str] = set()
    url: str | None = "/catalog.nt"
    pages = 0
    while url:
        graph = graph_of(demo_client.get(url))
        seen.update(str(s) for s in graph.subjects(RDF.type, DCAT.Dataset))
        view = next(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
        following = graph.value(view, HYDRA.next)
        assert following == graph.value(view, HYDRA.nextPage)
        url = str(following).removeprefix(BASE_URL) if following else None
        pages += 1
    expected = published_dataset_count(demo_client.application)
    assert pages == -(-expected // 30)
    assert len(seen) == expected


def test_modified_since_in_the_future_gives_an_empty_page(demo_client: FlaskClient) -> None:
    graph = graph_of(demo_client.get("/catalog.ttl?modified_since=2999-01-01T00:00:00Z"))
    assert not set(graph.subjects(RDF.type, DCAT.Dataset))
    graph = graph_of(demo_client.get("/catalog.ttl?modified_since=2000-01-01"))
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == published_dataset_count(
        demo_client.application)


@pytest.mark.parametrize(("url", "status"), [
    ("/catalog.pdf", 404), ("/datasets/rozpocet-libereckeho-kraje.pdf", 404),
    ("/catalog.ttl?page=abc", 400), ("/catalog.ttl?page=0", 400),
    ("/catalog.ttl?modified_since=yesterday", 400), ("/catalog.ttl?theme=NOPE", 400),
    ("/catalog.ttl?page=2", 404), ("/datasets/does-not-exist.ttl", 404),
    ("/dataset/rozpocet-libereckeho-kraje.pdf", 404),
])
def test_bad_input_gets_a_precise_status(demo_client: FlaskClient, url: str,
                                         status: int) -> None:
    response = demo_client.get(url)
    assert response.status_code == status
    if status == 400:
        name = url.split("?")[1].split("=")[0]
        assert name in response.get_data(as_text=True)


@pytest.mark.parametrize("fmt", sorted(SYNTAX))
def test_dataset_document_parses_back_to_the_dataset(demo_client: FlaskClient,
                                                     fmt: str) -> None:
    response = demo_client.get(f"/datasets/{SLUG}.{fmt}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    parsed = parse_dataset_graph(graph_of(response), f"{BASE_URL}/datasets/{SLUG}",
                                 publisher_slug=lambda iri, values: "liberecky-kraj")
    assert parsed.slug == SLUG
    assert parsed.title["cs"] == "Rozpočet Libereckého kraje"
    assert len(parsed.distributions) == 2


@pytest.mark.parametrize(("ext", "fmt"), [("rdf", "rdf"), ("xml", "rdf"), ("ttl", "ttl"),
                                          ("n3", "ttl"), ("jsonld", "jsonld")])
def test_ckan_dataset_forms_redirect_permanently(demo_client: FlaskClient, ext: str,
                                                 fmt: str) -> None:
    response = demo_client.get(f"/dataset/{SLUG}.{ext}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/datasets/{SLUG}.{fmt}")


@pytest.mark.parametrize("media", sorted(SYNTAX.values()))
def test_dataset_page_negotiates_rdf(demo_client: FlaskClient, media: str) -> None:
    response = demo_client.get(f"/datasets/{SLUG}", headers={"Accept": media})
    assert response.status_code == 200
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]


def test_dataset_page_stays_html_for_browsers(demo_client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for headers in ({}, {"Accept": browser}, {"Accept": "*/*"}):
        response = demo_client.get(f"/datasets/{SLUG}", headers=headers)
        assert response.mimetype == "text/html"
        assert "Accept" in response.headers["Vary"]


def test_unsupported_accept_is_406_listing_offered_types(demo_client: FlaskClient) -> None:
    for url in (f"/datasets/{SLUG}", "/catalog"):
        response = demo_client.get(url, headers={"Accept": "application/pdf"})
        assert response.status_code == 406
        body = response.get_data(as_text=True)
        assert all(media in body for media in SYNTAX.values())
        assert "Accept" in response.headers["Vary"]


def test_catalog_negotiates_and_defaults_to_the_html_listing(demo_client: FlaskClient) -> None:
    response = demo_client.get("/catalog", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle"
    assert (URIRef(f"{BASE_URL}/catalog"), RDF.type, DCAT.Catalog) in graph_of(response)
    html = demo_client.get("/catalog?theme=TRAN")
    assert html.status_code == 303
    assert html.headers["Location"].endswith("/datasets?theme=TRAN")


def test_lkod_catalog_lists_every_dataset_and_each_iri_dereferences(
        demo_client: FlaskClient) -> None:
    response = demo_client.get("/katalog.jsonld")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    catalog = response.get_json()
    assert catalog["@context"] == CONTEXT_2024
    assert catalog["typ"] == "Katalog"
    assert len(catalog["datová_sada"]) == published_dataset_count(demo_client.application)
    for iri in catalog["datová_sada"][:5]:
        path = iri.removeprefix(BASE_URL)
        record = demo_client.get(path, headers={"Accept": "application/ld+json"}).get_json()
        assert record == demo_client.get(path + ".jsonld").get_json()
        assert parse_lkod_dataset(record, publisher_slug=lambda i, v: "x").slug == \
            path.rsplit("/", 1)[1]


def test_lkod_catalog_in_turtle(demo_client: FlaskClient) -> None:
    graph = graph_of(demo_client.get("/katalog.ttl"))
    assert len(set(graph.objects(URIRef(f"{BASE_URL}/catalog"), DCAT.dataset))) == \
        published_dataset_count(demo_client.application)


def test_distribution_and_service_iris_lead_to_their_dataset(demo_client: FlaskClient) -> None:
    record = demo_client.get(f"/datasets/{SLUG}.jsonld").get_json()
    path = record["distribuce"][0]["iri"].removeprefix(BASE_URL)
    response = demo_client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/datasets/{SLUG}")
    api = demo_client.get("/datasets/kvalita-ovzdusi-merici-stanice.jsonld").get_json()
    service = next(d["přístupová_služba"] for d in api["distribuce"]
                   if "přístupová_služba" in d)
    response = demo_client.get(service["iri"].removeprefix(BASE_URL))
    assert response.status_code == 303
    assert demo_client.get("/services/999999").status_code == 404


def test_dataset_page_head_has_alternates_and_schema_org(demo_client: FlaskClient) -> None:
    html = demo_client.get(f"/datasets/{SLUG}").get_data(as_text=True)
    for fmt, media in SYNTAX.items():
        assert (f'<link rel="alternate" type="{media}" '
                f'href="{BASE_URL}/datasets/{SLUG}.{fmt}">') in html
        assert f'<link rel="alternate" type="{media}" href="{BASE_URL}/catalog.{fmt}"' in html
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    data = json.loads(html[start:html.index("</script>", start)])
    assert data["@type"] == "Dataset"
    assert data["name"] == "Rozpočet Libereckého kraje"
    assert data["distribution"][0]["@type"] == "DataDownload"


@pytest.mark.parametrize("url", ["/catalog.ttl", "/catalog.nt?theme=TRAN", "/katalog.jsonld",
                                 f"/datasets/{SLUG}.jsonld"])
def test_rdf_documents_answer_conditional_requests(demo_client: FlaskClient, url: str) -> None:
    first = demo_client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and first.get_data()
    assert "ETag" in first.headers["Access-Control-Expose-Headers"]
    again = demo_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b"" and again.headers["ETag"] == etag
    stale = demo_client.get(url, headers={"If-None-Match": '"0123456789abcdef"'})
    assert stale.status_code == 200 and stale.get_data() == first.get_data()


def test_each_document_has_its_own_etag(demo_client: FlaskClient) -> None:
    tags = {demo_client.get(url).headers["ETag"]
            for url in ("/catalog.ttl", "/catalog.nt", "/catalog.ttl?theme=TRAN",
                        "/katalog.jsonld", f"/datasets/{SLUG}.ttl")}
    assert len(tags) == 5
