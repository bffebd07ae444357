"""The harvest pages in a real browser (Debian's Chromium), in Czech and English (the job page
in all four): a curator uploads a LIDO file and reads the job's result, a harvested object's
edit page shows who manages it, an editor sees a harvested dataset's notice, and the public
dataset page flags placeholders in its source; every page passes axe-core and stays on the
portal's own host."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from catalog.accounts.models import Role
from catalog.models import AgentKind
from catalog.quality.jobs import assess_catalog
from harvesters.queries import placeholder_fields
from portal.state import state
from portal.web import museum_harvest
from tests.accounts import PASSWORD, make_org, make_user
from tests.browser import LiveServer, describe, guarded_context, run_axe, screenshots
from tests.harvest_fixtures import add_source, lido_record
from tests.harvest_server import Reply, serve
from tests.records import MUSEUM, PUBLISHER
from tests.servers import serving
from tests.test_harvest_dcat_us import data_json, hub_dataset
from tests.test_harvest_lido_upload import wrap
from tests.test_harvest_ownership import SLUG, harvest

LANGUAGES = ("cs", "en", "de", "pl")


def sign_in(context: Any, email: str, start: str) -> Any:
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(start)
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{start.split('?')[0]}*")
    return page


def audit(page: Any, axe_source: str, url: str, name: str,
          languages: tuple[str, ...] = ("cs", "en")) -> None:
    for lang in languages:
        page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        violations = run_axe(page, axe_source)
        assert violations == [], f"{url} {lang}: {describe(violations)}"
        if lang in ("cs", "en"):
            screenshots(page, f"{name}-{lang}")


def test_the_harvest_pages_work_and_are_accessible(app: Flask, chromium: Any, axe_source: str,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    museum = make_org(app, MUSEUM, AgentKind.INSTITUTION)
    make_user(app, "kuratorka@muzeumlb.cz", role=Role.CURATOR, org=museum)
    make_user(app, "editor@kraj.example", role=Role.EDITOR, org=PUBLISHER)
    upload = tmp_path / "export.xml"
    upload.write_bytes(wrap(lido_record(1, wrap_ns=False), lido_record(2, wrap_ns=False),
                            lido_record(3, title="", wrap_ns=False)))
    engine = state(app).engine
    for server in serve():
        add_source(engine, "datalk", "dcat-us", server.url("/data.json"),
                   publisher="liberecky-kraj")
        server.route("/data.json", Reply(data_json(hub_dataset())))
        assert harvest(app).counts.added == 1
    assess_catalog(engine, today=date(2026, 11, 27), source_flags=placeholder_fields)
    with serving(app) as url:
        server = LiveServer(url=url, host=url.removeprefix("http://"))
        curator_context, foreign = guarded_context(chromium, server)
        page = sign_in(curator_context, "kuratorka@muzeumlb.cz", f"/curator/{museum.slug}?lang=en")
        page.set_input_files("#f-lido", str(upload))
        page.click("text=Upload and harvest")
        page.wait_for_url("**/harvest/jobs/*")
        assert "Done, some records refused" in page.locator("main").inner_text()
        job_url = page.url.removeprefix(url)
        audit(page, axe_source, job_url, "harvest-job", LANGUAGES)
        audit(page, axe_source, f"/curator/{museum.slug}", "curator-collection-harvest")
        monkeypatch.setattr(museum_harvest, "PROGRESS_WAIT", 0.2)  # the page offering a reload
        audit(page, axe_source, f"/curator/{museum.slug}/harvest/sources/"
              f"{museum.slug}-lido?after=999999", "harvest-progress")
        page.goto(f"/curator/{museum.slug}?lang=en")
        page.click("text=Harvested from severoceske-muzeum-lido >> nth=0")
        assert "Managed by harvest source" in page.locator("main").inner_text()
        audit(page, axe_source, page.url.removeprefix(url).split("?")[0], "curator-object-managed")
        curator_context.close()

        editor_context, foreign_too = guarded_context(chromium, server)
        page = sign_in(editor_context, "editor@kraj.example", f"/editor/datasets/{SLUG}?lang=en")
        audit(page, axe_source, f"/editor/datasets/{SLUG}", "editor-dataset-managed")
        page.goto(f"/datasets/{SLUG}?lang=en")
        assert "placeholder values in source" in page.locator("main").inner_text()
        audit(page, axe_source, f"/datasets/{SLUG}", "dataset-placeholders")
        page.goto(f"/editor/datasets/{SLUG}?lang=en")
        page.click("text=Detach from the source")
        page.wait_for_url(f"**/editor/datasets/{SLUG}")
        assert "detached from the harvest source datalk" in page.locator("main").inner_text()
        editor_context.close()
    assert foreign == [] and foreign_too == []
