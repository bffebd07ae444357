"""The dataset's distribution pages (terms in plain words, download snippets), the about page
and the accessibility statement."""

from __future__ import annotations

import ast
import re
import shlex

from flask.testing import FlaskClient

from portal.web.snippets import download_snippets


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_dataset_links_each_distribution_page_with_terms_and_snippets(
        demo_client: FlaskClient) -> None:
    listing = get(demo_client, "/datasets?q=nadrazi&lang=en")
    dataset = re.search(r'href="(/datasets/[a-z0-9-]+)"', listing)[1]
    html = get(demo_client, dataset + "?lang=en")
    assert "<h2>Terms of use</h2>" in html
    pages = re.findall(rf'href="({dataset}/distributions/\d+)"', html)
    assert pages and pages[0].endswith("/distributions/1")
    page = get(demo_client, pages[0] + "?lang=en")
    assert "You may use these data for any purpose" in page or "name the author" in page
    assert page.count('class="snippet-code"') == 2 and "curl -L -o" in page
    get(demo_client, f"{dataset}/distributions/{len(pages) + 1}", 404)
    get(demo_client, f"{dataset}/distributions/0", 404)


def test_snippets_quote_hostile_urls_for_the_shell() -> None:
    url = "https://example.test/a b;rm -rf ~/x'$(id).csv"
    curl, python = download_snippets(url)
    assert shlex.split(curl.code) == ["curl", "-L", "-o", "x'$(id).csv", url]
    assert ast.literal_eval(python.code.split("urlretrieve(", 1)[1].rsplit(")", 1)[0]) == (
        url, "x'$(id).csv")


def test_accessibility_statement_names_the_law_and_the_date(demo_client: FlaskClient) -> None:
    html = get(demo_client, "/accessibility?lang=cs")
    assert "99/2019 Sb." in html and "27. 11. 2026" in html
    assert "Ministerstvo vnitra" in html
    assert 'href="/accessibility"' in get(demo_client, "/about?lang=de")
