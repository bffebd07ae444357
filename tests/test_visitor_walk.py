"""What a visitor walking through the demo met: record text in another language than the page's
marked with its language (facets, snippets, the API reference), the pages not in the main
browser audit (developers, API reference, quality, the reuse form signed in) accessible and
fitting a 360 px phone, and the signed-in header styled on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.catalog_commands import quality_group
from tests.accounts import PASSWORD, login, make_user
from tests.browser import LiveServer, describe, run_axe, screenshots


def test_a_facet_label_in_a_fallback_language_is_marked_with_it(demo_client: FlaskClient) -> None:
    html = demo_client.get("/datasets?lang=de").get_data(as_text=True)
    # The region's name has no German text in the demo: the English one is shown and marked.
    label = re.search(r'value="liberecky-kraj">\s*(<span lang="(\w+)">[^<]+</span>)', html)
    assert label, "the publisher facet's label is not marked with its language"
    assert label[2] == "en"
    czech = demo_client.get("/datasets?lang=cs").get_data(as_text=True)
    assert re.search(r'value="liberecky-kraj">\s*Liberecký kraj <span class="count">', czech)


def test_a_snippet_in_a_fallback_language_is_marked_with_it(demo_client: FlaskClient) -> None:
    html = demo_client.get("/datasets?lang=pl").get_data(as_text=True)
    snippets = re.findall(r'<p class="snippet"( lang="\w+")?>', html)
    assert snippets
    assert ' lang="en"' in snippets or ' lang="cs"' in snippets
    czech = demo_client.get("/datasets?lang=cs").get_data(as_text=True)
    assert '<p class="snippet" lang=' not in czech


def test_a_czech_search_snippet_on_another_language_page_is_marked_czech(
    demo_client: FlaskClient,
) -> None:
    html = demo_client.get("/search?q=konvice&lang=de").get_data(as_text=True)
    # Collection objects have Czech text only: their highlighted snippet is Czech.
    assert re.search(r'<p class="snippet" lang="cs">[^<]*<mark>', html)


def test_the_api_reference_marks_its_english_descriptions(demo_client: FlaskClient) -> None:
    german = demo_client.get("/api/v1/docs?lang=de").get_data(as_text=True)
    assert '<p class="lead" lang="en">' in german
    assert "sind auf Englisch" in german
    assert re.search(r'</code></a> <span lang="en">List or search datasets</span>', german)
    english = demo_client.get("/api/v1/docs?lang=en").get_data(as_text=True)
    assert "are in English" not in english


PHONE = 360


@pytest.fixture(scope="module")
def extra_pages(demo_app: Flask) -> dict[str, str]:
    client = demo_app.test_client()
    quality = client.get("/quality").get_data(as_text=True)
    publisher = re.search(r'href="(/quality/publishers/[a-z0-9-]+)"', quality)
    assert publisher
    return {
        "developers": "/developers",
        "api-docs": "/api/v1/docs",
        "quality": "/quality",
        "quality-publisher": publisher[1],
    }


@pytest.mark.parametrize("lang", ["cs", "en", "de", "pl"])
@pytest.mark.parametrize("page_type", ["developers", "api-docs", "quality", "quality-publisher"])
def test_page_is_accessible_and_fits_a_phone(
    browser_page: Any, axe_source: str, extra_pages: dict[str, str], page_type: str, lang: str
) -> None:
    page = browser_page
    page.set_viewport_size({"width": PHONE, "height": 800})
    response = page.goto(f"{extra_pages[page_type]}?lang={lang}")
    assert response is not None and response.status == 200
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page_type} is {width} px wide on a {PHONE} px screen"
    violations = run_axe(page, axe_source)
    screenshots(page, f"{page_type}-{lang}")
    assert violations == [], describe(violations)


def test_signed_in_header_and_reuse_form_on_a_phone(
    browser_page: Any, axe_source: str, demo_app: Flask, live_server: LiveServer
) -> None:
    make_user(demo_app, "visitor-walk@example.test", display_name="Visitor")
    page = browser_page
    page.goto("/account/login?lang=pl")
    page.fill("input[name=email]", "visitor-walk@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").first.click()
    page.set_viewport_size({"width": PHONE, "height": 800})
    for url in ("/?lang=pl", "/reuses/new?lang=pl"):
        page.goto(url)
        button = page.locator("nav.account button")
        assert button.count() == 1, "not signed in"
        # The sign-out button sits in the header like a link, in the page's own font.
        style = page.evaluate(
            "() => { const b = getComputedStyle(document.querySelector('nav.account button'));"
            " const body = getComputedStyle(document.body);"
            " return {font: b.fontFamily == body.fontFamily, bg: b.backgroundColor}; }"
        )
        assert style == {"font": True, "bg": "rgba(0, 0, 0, 0)"}, url
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, url
    violations = run_axe(page, axe_source)
    screenshots(page, "reuse-form-pl")
    assert violations == [], describe(violations)


def test_the_about_page_names_the_cookies_the_portal_sets(demo_client: FlaskClient) -> None:
    login = demo_client.get("/account/login?lang=en")
    cookies = {h.split("=", 1)[0] for h in login.headers.getlist("Set-Cookie")}
    assert "session" in cookies  # the sign-in form's CSRF token lives in the session cookie
    about = demo_client.get("/about?lang=en").get_data(as_text=True)
    assert "one cookie only" not in about
    assert "a session cookie" in about


def test_a_publisher_name_in_a_fallback_language_is_marked_on_dataset_and_quality_pages(
    demo_client: FlaskClient,
) -> None:
    # KORID LK's name has Czech and English text only: a Polish page shows the English one.
    marked = '<span lang="en">KORID LK (Liberec Region public transport authority)'
    dataset = demo_client.get("/datasets/zastavky-verejne-dopravy?lang=pl").get_data(as_text=True)
    assert dataset.count(marked) == 2  # the breadcrumbs and "Publisher"
    quality = demo_client.get("/quality?lang=pl").get_data(as_text=True)
    assert marked in quality
    publisher = demo_client.get("/quality/publishers/korid-lk?lang=pl").get_data(as_text=True)
    assert '<h1 lang="en">KORID LK' in publisher


def test_the_accessibility_statement_always_names_a_contact(demo_client: FlaskClient) -> None:
    # No PORTAL_CONTACT_EMAIL in the demo: the catalog's own address (OAI-PMH adminEmail).
    html = demo_client.get("/accessibility?lang=en").get_data(as_text=True)
    assert 'href="mailto:opendata@kraj-lbc.cz"' in html
    assert 'href="mailto:opendata@kraj-lbc.cz"' in demo_client.get("/about").get_data(as_text=True)


def test_a_configured_contact_is_the_one_shown(tmp_path: Any, sqlite_template: Any) -> None:
    from tests.conftest import app_on_copy

    app = app_on_copy(
        tmp_path / "instance", sqlite_template, PORTAL_CONTACT_EMAIL="pristupnost@kraj.example"
    )
    html = app.test_client().get("/accessibility").get_data(as_text=True)
    assert 'href="mailto:pristupnost@kraj.example"' in html
    assert "opendata@kraj-lbc.cz" not in html


def test_splash_distances_are_numbers_in_the_pages_language(demo_client: FlaskClient) -> None:
    def distances(lang: str) -> list[str]:
        html = demo_client.get(f"/wifi/liberec-hlavni-nadrazi?lang={lang}").get_data(as_text=True)
        return re.findall(r'<span class="small">([^<]+?)&nbsp;m</span>', html)  # never wraps

    english, czech = distances("en"), distances("cs")
    assert any("," in d for d in english), english  # 1,065 m
    assert any("\xa0" in d for d in czech), czech  # 1 065 m (no-break space)


def test_every_page_links_the_quality_dashboard(demo_client: FlaskClient) -> None:
    for url in ("/?lang=de", "/datasets", "/reuses/"):
        html = demo_client.get(url).get_data(as_text=True)
        assert re.search(r'<footer class="site">.*href="/quality"', html, re.S), url


def test_the_reuse_forms_type_is_marked_required(demo_app: Flask) -> None:
    client = demo_app.test_client()
    login(client, make_user(demo_app, "visitor-type@example.test"))
    html = client.get("/reuses/new?lang=en").get_data(as_text=True)
    assert re.search(r'<label for="f-type">[^<]+ <span aria-hidden="true">\*</span></label>', html)
    assert '<select id="f-type" name="type" required' in html


def test_distribution_pages_mark_titles_in_a_fallback_language(demo_client: FlaskClient) -> None:
    base = "/datasets/zastavky-verejne-dopravy/distributions/1"
    page = demo_client.get(f"{base}?lang=de").get_data(as_text=True)
    assert '<h1 lang="en">Public transport stops in the Liberec Region (GeoJSON)' in page
    assert page.count('<span lang="en">Public transport stops in the Liberec Region <small') == 2
    preview = demo_client.get(f"{base}/preview?lang=pl").get_data(as_text=True)
    assert '<span lang="en">Public transport stops in the Liberec Region (GeoJSON)' in preview


def test_the_splash_page_marks_names_in_a_fallback_language(demo_client: FlaskClient) -> None:
    html = demo_client.get("/wifi/liberec-hlavni-nadrazi?lang=de").get_data(as_text=True)
    assert '<span lang="en">Regional Gallery of Liberec <small class="fallback">(EN)' in html


def test_the_api_reference_shows_code_spans_as_code(demo_client: FlaskClient) -> None:
    html = demo_client.get("/api/v1/docs?lang=en").get_data(as_text=True)
    assert "(follow <code>next</code>)" in html
    assert "`" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("lang", ["cs", "de", "pl"])
def test_the_quality_dashboard_table_fits_a_desktop_screen(
    browser_page: Any, demo_app: Flask, extra_pages: dict[str, str], lang: str
) -> None:
    """Eleven columns with long single-word headers (Wiederverwendbarkeit) and scores in every
    cell still fit 1280 px: the headers break between syllables."""
    result = demo_app.test_cli_runner().invoke(quality_group, ["assess"])
    assert result.exit_code == 0, result.output
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{extra_pages['quality']}?lang={lang}")
    box = page.evaluate(
        "() => { const s = document.querySelector('.table-scroll');"
        " return [s.scrollWidth, s.clientWidth]; }"
    )
    assert "\u00ad" in page.inner_text("table.quality thead")  # soft hyphens in long words
    assert page.locator("table.quality tbody td", has_text=" / ").count() > 0  # scored
    screenshots(page, f"quality-dashboard-{lang}")
    assert box[0] <= box[1], f"the table is {box[0]} px in a {box[1]} px box"
