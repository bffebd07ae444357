"""The first pages, on the demo catalog: what a visitor sees and what bad input gets."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_date

from catalog.db import transaction
from catalog.models import AgentKind
from catalog.search.indexer import drain_outbox
from catalog.services import create_dataset, upsert_agent
from portal.state import state
from portal.web.filters import file_size
from tests.conftest import BASE_URL
from tests.records import PUBLISHER, dataset


class Links(HTMLParser):
    """Collects the URLs a page links to or loads."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"img", "script", "iframe", "source"} and values.get("src"):
            self.loads.append(values["src"] or "")
        if tag == "link" and values.get("rel") == "stylesheet":
            self.loads.append(values.get("href") or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def page(client: FlaskClient, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_healthz_reports_database_index_and_counts(demo_client: FlaskClient) -> None:
    body = demo_client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["search"] == "ok"
    assert body["datasets"] >= 60 and body["objects"] >= 300 and body["locations"] >= 6


def test_healthz_checks_the_database_every_call_but_counts_at_most_every_few_minutes(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.web import health

    client = app.test_client()
    first = client.get("/healthz").get_json()
    assert first["database"] == "ok" and first["datasets"] == 0
    with transaction(state(app).engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        create_dataset(session, dataset(), base_url=BASE_URL)
    again = client.get("/healthz").get_json()
    assert again["database"] == "ok" and again["datasets"] == 0  # the count of a moment ago
    monkeypatch.setattr(health, "COUNTS_SECONDS", 0.0)  # as when the minutes have passed
    assert client.get("/healthz").get_json()["datasets"] == 1


def test_dataset_search_for_nadrazi_finds_titles_with_nadrazi(demo_client: FlaskClient) -> None:
    html = page(demo_client, "/datasets?q=nadrazi")
    titles = re.findall(r'<h3><a href="/datasets/[^"]+">([^<]+)</a></h3>', html)
    assert titles and all("nádraží" in t for t in titles)
    assert "Odjezdy vlaků z Liberce, hlavní nádraží" in titles


def test_home_shows_search_themes_newest_collections_and_wifi(demo_client: FlaskClient) -> None:
    html = page(demo_client, "/")
    links = parse(html).links
    assert 'role="search"' in html
    assert "/themes/TRAN" in links
    assert sum(1 for href in links if href.startswith("/datasets/")) >= 5
    assert any(href.startswith("/objects/") for href in links)
    wifi = [href for href in links if href.startswith("/wifi/") and href != "/wifi/"]
    assert len(wifi) >= 6
    for href in wifi:
        assert demo_client.get(href).status_code == 200


def test_every_page_loads_only_our_own_assets(demo_client: FlaskClient) -> None:
    for url in ["/", "/search?q=sklo", "/datasets", "/objects", "/objects/1", "/wifi/"]:
        loads = parse(page(demo_client, url)).loads
        assert loads and all(src.startswith("/") and not src.startswith("//") for src in loads)


def test_search_everything_groups_kinds_and_facets(demo_client: FlaskClient) -> None:
    html = page(demo_client, "/search?q=liberec")
    links = parse(html).links
    assert any(h.startswith("/datasets/") for h in links)
    assert any(h.startswith("/objects/") for h in links)
    assert 'name="publisher"' in html and 'name="institution"' in html


def test_dataset_page_shows_distributions_licence_publisher_coverage(
        demo_client: FlaskClient) -> None:
    href = parse(page(demo_client, "/datasets?q=nadrazi")).links
    first = next(h for h in href if h.startswith("/datasets/") and "?" not in h)
    html = page(demo_client, first)
    assert 'class="badge format"' in html
    assert "/publishers/" in html
    assert "https://linked.cuzk.cz/resource/ruian/" in html
    assert f"{'http://127.0.0.1:8000'}/datasets/" in html or "/datasets/" in html


def test_facet_filter_narrows_results_and_counts(demo_client: FlaskClient) -> None:
    all_html = page(demo_client, "/datasets")
    tran_html = page(demo_client, "/datasets?theme=TRAN")
    def count(html: str) -> int:
        return int(re.search(r'class="results-count">(\d+) ', html)[1])

    total, tran = count(all_html), count(tran_html)
    assert 0 < tran < total
    assert 'value="TRAN" checked' in tran_html


def test_publisher_theme_institution_and_object_pages(demo_client: FlaskClient) -> None:
    home = parse(page(demo_client, "/datasets")).links
    publisher = next(h for h in parse(page(demo_client, next(
        h for h in home if h.startswith("/datasets/") and "?" not in h))).links
        if h.startswith("/publishers/"))
    html = page(demo_client, publisher)
    assert "<h1>" in html and "/datasets/" in html
    page(demo_client, "/themes/ENVI")
    objects = parse(page(demo_client, "/objects")).links
    obj = next(h for h in objects if re.fullmatch(r"/objects/\d+", h))
    obj_html = page(demo_client, obj)
    institution = next(h for h in parse(obj_html).links if h.startswith("/institutions/"))
    assert "/objects/" in page(demo_client, institution)


@pytest.mark.parametrize(("url", "status"), [
    ("/datasets?page=abc", 400),
    ("/datasets?page=0", 400),
    ("/datasets?page=-1", 400),
    ("/datasets?page=99999999999999999999", 400),
    ("/datasets?theme=NOPE", 400),
    ("/datasets?format=EXE", 400),
    ("/search?sort=random", 400),
    ("/search?kind=user", 400),
    ("/datasets?publisher=nikdo", 400),
    ("/objects?institution=liberecky-kraj", 400),
    ("/datasets?page=500", 404),
    ("/search?q=" + "a" * 600, 400),
    ("/themes/NOPE", 404),
    ("/datasets/neexistuje", 404),
    ("/objects/999999", 404),
    ("/objects/abc", 404),
    ("/publishers/neexistuje", 404),
    ("/institutions/liberecky-kraj", 404),
    ("/wifi/neexistuje", 404),
])
def test_invalid_values_give_a_clean_error_page(demo_client: FlaskClient, url: str,
                                                status: int) -> None:
    html = page(demo_client, url, status)
    assert "<h1>" in html and "Traceback" not in html


def test_unknown_parameters_are_ignored(demo_client: FlaskClient) -> None:
    assert demo_client.get("/datasets?utm_source=x&foo=bar&page=1").status_code == 200
    assert demo_client.get("/datasets?kind=anything").status_code == 200, "only /search knows it"


def test_facet_form_keeps_the_query_and_the_sort(demo_client: FlaskClient) -> None:
    html = page(demo_client, "/datasets?q=liberec&sort=title")
    form = html[html.index('<aside class="facets"'):html.index("</aside>")]
    assert 'name="q" value="liberec"' in form and 'name="sort" value="title"' in form


@pytest.mark.parametrize("query", ['"', "(((", "a OR", "'; DROP TABLE dataset;--", "\x00",
                                   "title:*", "%", "💥"])
def test_hostile_queries_are_answered(demo_client: FlaskClient, query: str) -> None:
    assert demo_client.get("/search", query_string={"q": query}).status_code == 200


def test_language_switch_accept_language_and_cookie(demo_client: FlaskClient) -> None:
    assert "<html lang=\"cs\">" in page(demo_client, "/")
    english = demo_client.get("/?lang=en")
    assert "<html lang=\"en\">" in english.get_data(as_text=True)
    assert "lang=en" in english.headers["Set-Cookie"]
    assert "<html lang=\"en\">" in page(demo_client, "/datasets"), "the cookie remembers"
    fresh = demo_client.application.test_client()
    assert '<html lang="en">' in page(fresh, "/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="de">' in page(fresh, "/", headers={"Accept-Language": "de-AT,de;q=0.9"})
    assert '<html lang="pl">' in page(fresh, "/", headers={"Accept-Language": "pl"})
    assert '<html lang="cs">' in page(fresh, "/", headers={"Accept-Language": "fr"})


def test_pages_are_translated_into_czech_and_english(demo_client: FlaskClient) -> None:
    fresh = demo_client.application.test_client()
    assert "Datové sady" in page(fresh, "/datasets?lang=cs")
    assert "Datasets" in page(fresh, "/datasets?lang=en")
    assert "Datensätze" in page(fresh, "/datasets?lang=de")
    assert "Zbiory danych" in page(fresh, "/datasets?lang=pl")


def test_pages_link_their_four_language_versions(demo_client: FlaskClient) -> None:
    html = page(demo_client.application.test_client(), "/datasets?q=voda&lang=de")
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))
    own = f"{BASE_URL}/datasets?q=voda"
    assert alternates == {"cs": own + "&amp;lang=cs", "en": own + "&amp;lang=en",
                          "de": own + "&amp;lang=de", "pl": own + "&amp;lang=pl", "x-default": own}
    assert '<a href="/datasets?q=voda&amp;lang=pl" hreflang="pl" lang="pl">Polski</a>' in html


def test_english_page_marks_czech_fallback_text(demo_client: FlaskClient) -> None:
    html = page(demo_client.application.test_client(), "/objects?lang=en")
    assert 'lang="cs"' in html or "(CS)" in html or "<h3>" in html


def test_lang_links_cannot_be_steered_by_query_parameters(demo_client: FlaskClient) -> None:
    html = page(demo_client, "/datasets?_external=1&_scheme=javascript&q=x")
    assert "javascript:" not in html


def hostile_app(app: Flask) -> FlaskClient:
    engine = state(app).engine
    with transaction(engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        create_dataset(session, dataset(description={
            "cs": "Nádraží <img src=x onerror=alert(1)><script>alert(2)</script>"}),
            base_url=BASE_URL)
    drain_outbox(engine, state(app).search)
    return app.test_client()


def test_harvested_html_is_escaped_in_results_and_pages(app: Flask) -> None:
    client = hostile_app(app)
    for url in ["/search?q=nadrazi", "/datasets?q=onerror", "/datasets/odjezdy-vlaku"]:
        html = page(client, url)
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in page(client, "/datasets/odjezdy-vlaku")
    snippet = page(client, "/datasets?q=onerror")
    assert "<mark>onerror</mark>" in snippet and "&lt;img" in snippet


def test_iri_comes_from_the_configured_base_not_the_request_host(app: Flask) -> None:
    client = hostile_app(app)
    html = page(client, "/datasets/odjezdy-vlaku", headers={"Host": "evil.example"})
    assert f"{BASE_URL}/datasets/odjezdy-vlaku" in html
    assert "evil.example/datasets" not in html


def test_missing_search_index_gives_a_notice_not_an_error(app: Flask) -> None:
    client = app.test_client()
    search_path: Path = state(app).settings.search_path
    assert not search_path.exists()
    html = page(client, "/datasets?q=nadrazi")
    assert 'class="notice"' in html
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "degraded"


def test_kind_links_only_on_the_search_of_everything(demo_client: FlaskClient) -> None:
    for url in ["/objects", "/datasets", "/objects?q=sklo"]:
        for href in parse(page(demo_client, url)).links:
            if "kind=" in href:
                assert demo_client.get(href).status_code == 200, href
    assert "kind=object" in page(demo_client, "/search?q=liberec")


def test_measurements_are_formatted_for_the_locale(demo_client: FlaskClient) -> None:
    links = [h for h in parse(page(demo_client, "/objects")).links
             if re.fullmatch(r"/objects/\d+", h)]
    pages = [page(demo_client, href) for href in links]
    measured = [html for html in pages if re.search(r"\d cm", html)]
    assert measured, "some demo objects have measurements"
    assert not any(re.search(r"\d\.0 cm", html) for html in measured)


def test_pages_forbid_third_party_loads_by_policy(demo_client: FlaskClient) -> None:
    response = demo_client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", [
    "/datasets?page=%C2%B2", "/datasets?page=%D9%A3", "/objects/99999999999999999999",
    "/objects/2147483648", "/objects/0", "/datasets/a%00b", "/publishers/a%00b",
    "/institutions/a%00b", "/wifi/a%00b", "/datasets/%C5%BE", "/datasets?q=a%00b&theme=TR%00AN",
])
def test_odd_numbers_and_nul_bytes_are_clean_errors(demo_client: FlaskClient, url: str) -> None:
    response = demo_client.get(url)
    assert response.status_code in {200, 400, 404}
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/%5Cevil.example/x", "//evil.example/x", "/%5C%5Cevil.example"])
def test_links_built_from_the_path_stay_on_this_site(demo_client: FlaskClient, url: str) -> None:
    html = demo_client.get(url).get_data(as_text=True)
    alternates = re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html)
    assert alternates and all(href.startswith(BASE_URL + "/") for href in alternates)
    hrefs = parse(html).links + [href.removeprefix(BASE_URL) for href in alternates]
    assert hrefs
    for href in hrefs:
        assert not href.startswith("//") and not href.startswith("/\\"), href
        assert "evil.example" not in href or href.startswith("/%5C") or href.startswith("/evil")


def test_german_page_marks_text_shown_in_another_language(demo_client: FlaskClient) -> None:
    html = page(demo_client.application.test_client(), "/datasets?lang=de")
    marked = re.findall(r'<span lang="(en|cs)">[^<]+ <small class="fallback">\((EN|CS)\)</small>',
                        html)
    assert marked and all(lang.upper() == code for lang, code in marked)


@pytest.mark.parametrize(("lang", "size", "day"), [
    ("cs", "1,5 MB", "3. 2. 2025"), ("en", "1.5 MB", "Feb 3, 2025"),
    ("de", "1,5 MB", "03.02.2025"), ("pl", "1,5 MB", "3 lut 2025")])
def test_sizes_and_dates_follow_the_locale(demo_client: FlaskClient, lang: str, size: str,
                                          day: str) -> None:
    with demo_client.application.test_request_context(f"/?lang={lang}"):
        assert file_size(1_500_000) == size
        assert format_date(datetime.date(2025, 2, 3)) == day
