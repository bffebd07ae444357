"""A curator in a real browser (Debian's Chromium): signs in, uploads a CSV, watches the check,
reviews the report, imports the valid records and finds them published; the pages stay on the
portal's own host and pass axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from catalog.accounts.models import Role
from catalog.models import AgentKind
from tests.accounts import PASSWORD, make_org, make_user
from tests.browser import describe, run_axe, screenshots
from tests.records import MUSEUM
from tests.servers import serving
from tests.test_museum_curator import CSV


def test_a_curator_signs_in_uploads_reviews_and_publishes(app: Flask, chromium: Any,
                                                          axe_source: str,
                                                          tmp_path: Path) -> None:
    museum = make_org(app, MUSEUM, AgentKind.INSTITUTION)
    make_user(app, "kuratorka@muzeumlb.cz", role=Role.CURATOR, org=museum)
    upload = tmp_path / "predmety.csv"
    upload.write_bytes(CSV.encode("cp1250"))
    with serving(app) as url:
        host = url.removeprefix("http://")
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=url)
        foreign: list[str] = []

        def guard(route: Any) -> None:
            if route.request.url.split("/")[2] != host:
                foreign.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/curator/{museum.slug}?lang=en")
        assert "/account/login" in page.url  # sign in first, then back here
        page.fill("#f-email", "kuratorka@muzeumlb.cz")
        page.fill("#f-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"**/curator/{museum.slug}*")
        assert page.locator("h1").inner_text() == "Severočeské muzeum v Liberci"
        assert run_axe(page, axe_source) == [], describe(run_axe(page, axe_source))
        page.set_input_files("#f-file", str(upload))
        page.click("text=Upload and check")
        page.wait_for_url("**/curator/imports/*")
        # the page reloads itself until the check is done
        page.wait_for_selector("text=3 records read: 2 valid, 1 invalid")
        report = page.locator("table.plain").inner_text()
        assert "rozměry" in report and "'obrovský' is not 'kind value unit'" in report
        screenshots(page, "curator-import-report")
        assert run_axe(page, axe_source) == [], describe(run_axe(page, axe_source))
        page.click("text=Import the valid ones (2)")
        page.wait_for_url(f"**/curator/{museum.slug}")
        assert "2 records were published." in page.locator(".flash").inner_text()
        screenshots(page, "curator-collection")
        rows = page.locator("table.plain").last.inner_text()
        assert "H 1" in rows and "H 3" in rows and "H 2" not in rows
        page.click("text=Džbán >> nth=0")
        assert page.locator("h1").inner_text().startswith("Džbán")
        context.close()
    assert foreign == []
