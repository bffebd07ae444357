"""Every page type in each of the four languages, in headless Chromium: 0 axe-core violations
at WCAG 2.1 A/AA, no request to another host, screenshots at 360 and 1280 px; and keyboard-only
navigation from search to a dataset to a distribution."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.browser import LiveServer, describe, run_axe, screenshots

LANGUAGES = ("cs", "en", "de", "pl")


def first_link(html: str, pattern: str) -> str:
    found = re.search(rf'href="({pattern})"', html)
    assert found, pattern
    return found[1]


@pytest.fixture(scope="session")
def page_urls(demo_app: Flask) -> dict[str, str]:
    """One address of each page type, found by following links as a visitor would."""
    client = demo_app.test_client()

    def get(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        return response.get_data(as_text=True)

    search = "/search?q=liberec"
    dataset = first_link(get("/datasets?q=nadrazi"), r"/datasets/[a-z0-9-]+")
    dataset_html = get(dataset)
    objects = get("/objects?q=sklo")
    obj = first_link(objects, r"/objects/\d+")
    return {
        "home": "/",
        "search": search,
        "datasets": "/datasets",
        "dataset": dataset,
        "publisher": first_link(dataset_html, r"/publishers/[a-z0-9-]+"),
        "theme": "/themes/TRAN",
        "objects": "/objects?q=sklo",
        "object": obj,
        "institution": first_link(get(obj), r"/institutions/[a-z0-9-]+"),
        "wifi": "/wifi/",
        "wifi-location": first_link(get("/wifi/"), r"/wifi/[a-z0-9-]+"),
        "distribution": first_link(dataset_html, r"/datasets/[a-z0-9-]+/distributions/1"),
        "map-search": "/map?bbox=14.9,50.6,15.2,50.9",
        "about": "/about",
        "accessibility": "/accessibility",
        "not-found": "/datasets/neexistuje",
        "reuses": "/reuses/",
        "reuse": first_link(get("/reuses/"), r"/reuses/\d+"),
        "projects": "/projects/",
        "project": first_link(get("/projects/"), r"/projects/[a-z0-9-]+"),
        "event": first_link(get("/events/"), r"/events/[a-z0-9-]+"),
    }


PAGE_TYPES = ("home", "search", "datasets", "dataset", "distribution", "publisher", "theme",
              "objects", "object", "institution", "wifi", "wifi-location", "map-search", "about",
              "accessibility", "not-found", "reuses", "reuse", "projects", "project", "event")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_is_accessible_and_self_hosted(browser_page: Any, live_server: LiveServer,
                                            axe_source: str, page_urls: dict[str, str],
                                            page_type: str, lang: str) -> None:
    url = page_urls[page_type]
    separator = "&" if "?" in url else "?"
    response = browser_page.goto(f"{url}{separator}lang={lang}")
    assert response is not None and response.status == (404 if page_type == "not-found" else 200)
    assert browser_page.get_attribute("html", "lang") == lang
    violations = run_axe(browser_page, axe_source)
    screenshots(browser_page, f"{page_type}-{lang}")
    assert violations == [], describe(violations)


def test_request_guard_records_and_blocks_other_hosts(chromium: Any,
                                                      live_server: LiveServer) -> None:
    from tests.browser import guarded_context

    context, foreign = guarded_context(chromium, live_server)
    try:
        page = context.new_page()
        page.set_content('<img src="http://third-party.invalid/pixel.png" alt="">')
    finally:
        context.close()
    assert foreign == ["http://third-party.invalid/pixel.png"]


def tab_to(page: Any, selector: str, limit: int = 120) -> str:
    """Press Tab until the focused element matches ``selector``; its href. Every stop on the
    way must show a visible focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(
            "(selector) => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return {match: e.matches(selector), href: e.getAttribute('href'),"
            " tag: e.tagName, visible: s.outlineStyle !== 'none' && s.outlineWidth !== '0px'"
            " || s.boxShadow !== 'none'}; }", selector)
        if state["tag"] in {"A", "BUTTON", "INPUT"}:
            assert state["visible"], f"no visible focus on {state}"
        if state["match"]:
            return str(state["href"])
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("lang", ["cs", "pl"])
def test_keyboard_alone_goes_from_search_to_dataset_to_distribution(browser_page: Any,
                                                                    lang: str) -> None:
    page = browser_page
    page.goto(f"/?lang={lang}")
    tab_to(page, "input[type=search]")
    page.keyboard.type("nadrazi")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=nadrazi"))
    dataset = tab_to(page, ".hits a[href^='/datasets/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(dataset) + "$"))
    distribution = tab_to(page, ".distributions a[href*='/distributions/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(distribution) + "$"))
    assert page.locator("h1").inner_text()
    assert page.locator("pre.snippet-code").count() == 2


def test_wifi_map_draws_a_marker_per_listed_location_without_tiles(browser_page: Any) -> None:
    page = browser_page
    page.goto("/wifi/?lang=en")
    page.wait_for_selector("#map_wifi path.leaflet-interactive")
    listed = page.locator("ul.locations li").count()
    assert listed >= 6
    assert page.locator("#map_wifi path.leaflet-interactive").count() == listed
    assert page.locator("#map_wifi img.leaflet-tile").count() == 0


def test_home_loads_its_map_only_when_scrolled_to(browser_page: Any) -> None:
    page = browser_page
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto("/?lang=de")
    page.wait_for_load_state("networkidle")
    assert not any("leaflet.js" in url for url in loaded), "not loaded before it is needed"
    page.locator("#map_wifi").scroll_into_view_if_needed()
    page.wait_for_selector("#map_wifi path.leaflet-interactive")
    assert any(url.endswith("/maps/wifi.js") for url in loaded)


def test_dataset_page_prints_without_navigation(browser_page: Any,
                                                page_urls: dict[str, str]) -> None:
    page = browser_page
    page.goto(page_urls["dataset"] + "?lang=en")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('header nav')).display") == \
        "none"
    assert page.locator("h1").is_visible() and page.locator(".distributions").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('footer')).display") == "none"
