"""The publisher's whole path in headless Chromium: sign in through the local OpenID Connect
provider, create a dataset with an uploaded CSV and a linked API, publish, find it through
search, edit, read the history; an admin restores the first version."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select
from werkzeug.serving import make_server

from catalog.accounts.models import Role
from catalog.db import transaction
from catalog.models import Dataset, Distribution
from portal.app import create_app
from tests.accounts import PASSWORD, make_user, oidc_provider  # noqa: F401 - fixture
from tests.conftest import IN_CI, make_settings
from tests.oidc_provider import OidcTestProvider, Person
from tests.records import PUBLISHER

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _playwright() -> object:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    if sync_playwright is None or not CHROMIUM.exists():
        message = f"the browser test needs the playwright package and {CHROMIUM}"
        if IN_CI:
            pytest.fail(message + " (required in CI)")
        pytest.skip(message)
    return sync_playwright


@pytest.fixture
def live_portal(tmp_path: Path, sqlite_template: Path,
                oidc_provider: OidcTestProvider) -> Iterator[tuple[Flask, str]]:  # noqa: F811
    """The portal served over HTTP on a local port, with the test provider configured."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    server = make_server("127.0.0.1", 0, Flask("placeholder"), threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = create_app(make_settings(instance, PORTAL_BASE_URL=base, PORTAL_COOKIE_SECURE="false",
                                   **oidc_provider.env()))
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, base
    server.shutdown()
    thread.join(5)


def test_publisher_path_in_a_browser(live_portal: tuple[Flask, str], tmp_path: Path,
                                     oidc_provider: OidcTestProvider) -> None:  # noqa: F811
    sync_playwright = _playwright()
    app, base = live_portal
    make_user(app, "redaktor@kraj.example", role=Role.EDITOR, org=PUBLISHER)
    make_user(app, "spravce@kraj.example", role=Role.ADMIN, org=PUBLISHER)
    oidc_provider.person = Person("staff-42", "redaktor@kraj.example", "Eva Redaktorová")
    csv = tmp_path / "zastavky.csv"
    csv.write_text("zastávka;lat;lon\nLiberec, Fügnerova;50.7686;15.0586\n", encoding="utf-8")

    with sync_playwright() as pw:  # type: ignore[operator]
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=ARGS,
            headless=True, locale="cs-CZ")
        page = browser.new_page()
        page.set_default_timeout(15_000)
        # Sign in through the provider's real redirect flow.
        page.goto(base + "/account/login")
        page.get_by_role("link", name="Přihlásit se přes Test IdP").click()
        page.wait_for_url(base + "/**")
        page.goto(base + "/editor/")
        assert "Odhlásit se" in page.inner_text("header")  # signed in as the linked account
        # Create a dataset.
        page.get_by_role("link", name="Nová datová sada").click()
        page.fill("#f-slug", "zastavky-mhd")
        page.fill("#f-title_cs", "Zastávky MHD v Liberci")
        page.fill("#f-title_en", "Public transport stops in Liberec")
        page.fill("#f-description_cs", "Seznam zastávek městské hromadné dopravy.")
        page.fill("#f-keywords_cs", "zastávky, MHD")
        page.get_by_label("Doprava").check()
        page.fill("#f-place-1", "Liberec (okres Liberec)")
        page.select_option("#f-frequency", label="měsíčně") if page.locator(
            "#f-frequency option", has_text="měsíčně").count() else None
        page.get_by_role("button", name="Uložit").click()
        page.wait_for_url(base + "/editor/datasets/zastavky-mhd")
        # An uploaded CSV ...
        page.get_by_role("link", name="Přidat distribuci").click()
        page.check("input[name=kind][value=upload]")
        page.set_input_files("#f-file", str(csv))
        page.fill("#f-title_cs", "Zastávky (CSV)")
        page.select_option("#f-licence", "CC-BY-4.0")
        page.get_by_role("button", name="Přidat", exact=True).click()
        page.wait_for_url(base + "/editor/datasets/zastavky-mhd")
        # ... and a linked API.
        page.get_by_role("link", name="Přidat distribuci").click()
        page.check("input[name=kind][value=api]")
        page.fill("#f-access_url", "https://api.kraj.example/zastavky")
        page.fill("#f-api_documentation", "https://api.kraj.example/docs")
        page.fill("#f-title_cs", "API zastávek")
        page.select_option("#f-format", "JSON")
        page.select_option("#f-licence", "CC-BY-4.0")  # publishing asks for one
        page.get_by_role("button", name="Přidat", exact=True).click()
        page.wait_for_url(base + "/editor/datasets/zastavky-mhd")
        assert page.locator("table.plain tbody tr").count() == 2
        # Publish and find it through search.
        page.get_by_role("button", name="Zveřejnit").click()
        page.goto(base + "/datasets?q=zastavky")
        page.get_by_role("link", name="Zastávky MHD v Liberci").click()
        page.wait_for_url(base + "/datasets/zastavky-mhd")
        assert "Zastávky (CSV)" in page.inner_text("main")
        with page.expect_download() as download:
            page.get_by_role("link", name="Stáhnout", exact=True).click()
        assert Path(download.value.path()).read_text(encoding="utf-8") == \
            csv.read_text(encoding="utf-8")
        # Edit, then read the history.
        page.goto(base + "/editor/datasets/zastavky-mhd/edit")
        page.fill("#f-title_cs", "Zastávky MHD v Liberci 2026")
        page.get_by_role("button", name="Uložit").click()
        page.get_by_role("link", name="Historie").click()
        history = page.inner_text("main")
        assert "Zastávky MHD v Liberci 2026" in history and "upraven popis" in history
        assert page.get_by_role("button", name="Obnovit verzi 1").count() == 0  # an editor
        page.get_by_role("button", name="Odhlásit se").click()
        # The publisher's admin signs in with a password and restores the first version.
        page.goto(base + "/account/login?next=/editor/datasets/zastavky-mhd/history")
        page.fill("#f-email", "spravce@kraj.example")
        page.fill("#f-password", PASSWORD)
        page.get_by_role("button", name="Přihlásit se").click()
        page.wait_for_url(base + "/editor/datasets/zastavky-mhd/history")
        # Version 1 had no distributions: a published dataset cannot go back to it.
        page.get_by_role("button", name="Obnovit verzi 1").click()
        assert "Přidejte alespoň jednu distribuci" in page.inner_text("main")
        page.get_by_role("button", name="Obnovit verzi 4").click()  # as published
        assert "Verze 4 byla obnovena." in page.inner_text("main")
        if os.environ.get("PORTAL_SCREENSHOTS"):
            page.screenshot(path=os.environ["PORTAL_SCREENSHOTS"] + "/history.png",
                            full_page=True)
        browser.close()

    with transaction(app.extensions["portal"].engine) as session:
        dataset = session.exec(select(Dataset)).one()
        assert dataset.title["cs"] == "Zastávky MHD v Liberci" and dataset.state == "published"
        assert len(session.exec(select(Distribution)).all()) == 2
