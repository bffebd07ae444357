"""Reuses in a real browser (Chromium, the live demo server): a developer signs in from the
dataset page's link, gets per-field errors, submits, sees the submission waiting; an
administrator rejects it with a note. Every form page passes axe-core; nothing is loaded from
another host."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.accounts import PASSWORD, make_user
from tests.browser import LiveServer, describe, guarded_context, run_axe, screenshots


def sign_in(page: Any, email: str) -> None:
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")


def audited(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source)
    screenshots(page, name)
    assert violations == [], describe(violations)


def test_submit_and_moderate_in_the_browser(
    demo_app: Flask, chromium: Any, live_server: LiveServer, axe_source: str
) -> None:
    make_user(demo_app, "browser-dev@example.test")
    make_user(demo_app, "browser-root@example.test", sysadmin=True)
    context, foreign = guarded_context(chromium, live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/datasets/jizdni-rady-idol-gtfs?lang=en")
    page.click("text=Submit a reuse of this dataset")
    assert "/account/login" in page.url
    sign_in(page, "browser-dev@example.test")
    page.wait_for_url("**/reuses/new*")
    assert page.input_value("#f-datasets") == "jizdni-rady-idol-gtfs"

    page.select_option("#f-type", "visualisation")
    page.fill("#f-url", "javascript:alert(1)")
    page.click("text=Submit for approval")
    assert page.locator("#e-title").inner_text() == "This field is required."
    assert "http://" in page.locator("#e-url").inner_text()
    audited(page, axe_source, "reuse-form-errors")

    page.fill("#f-title", "Mapa zpoždění vlaků")
    page.fill("#f-description", "Kde se na trati ztrácí čas.")
    page.fill("#f-url", "https://zpozdeni.example/")
    page.click("text=Submit for approval")
    page.wait_for_url(re.compile(r".*/reuses/\d+$"))
    assert "waiting for approval" in page.locator("main").inner_text()
    page.goto("/reuses/mine")
    audited(page, axe_source, "reuses-mine")

    admin, admin_foreign = guarded_context(chromium, live_server)
    queue = admin.new_page()
    queue.set_default_timeout(15_000)
    queue.goto("/admin/reuses?lang=en")
    sign_in(queue, "browser-root@example.test")
    queue.wait_for_url("**/admin/reuses*")
    assert "Mapa zpoždění vlaků" in queue.locator("main").inner_text()
    audited(queue, axe_source, "reuses-moderation")
    item = queue.locator("li.hit", has_text="Mapa zpoždění vlaků")
    item.locator("textarea").fill("Odkaz nefunguje.")
    item.locator("button[value=rejected]").click()
    queue.wait_for_selector("text=Rejected.")
    admin.close()

    page.goto("/reuses/mine")
    assert "Odkaz nefunguje." in page.locator("table").inner_text()
    edit_and_withdraw(page, axe_source)
    context.close()
    assert foreign == [] and admin_foreign == []


def edit_and_withdraw(page: Any, axe_source: str) -> None:
    """The submitter fixes the rejected reuse (resubmitting it), then withdraws it."""
    page.click("table a:has-text('Edit')")
    page.wait_for_url(re.compile(r".*/reuses/\d+/edit$"))
    assert page.input_value("#f-title") == "Mapa zpoždění vlaků"
    audited(page, axe_source, "reuse-edit")
    edit_url = page.url
    for lang in ("cs", "de", "pl"):
        page.goto(f"{edit_url}?lang={lang}")
        assert run_axe(page, axe_source) == [], lang
    page.goto(f"{edit_url}?lang=en")
    page.fill("#f-url", "")
    page.click("text=Save changes")
    assert "https://" in page.locator("#e-url").inner_text()
    audited(page, axe_source, "reuse-edit-errors")
    page.fill("#f-url", "https://zpozdeni.example/mapa")
    page.click("text=Save changes")
    page.wait_for_url(re.compile(r".*/reuses/\d+$"))
    assert "waiting for approval" in page.locator("main").inner_text()
    page.click("text=Edit or withdraw the reuse")
    page.click("button:has-text('Withdraw the reuse')")
    page.wait_for_url("**/reuses/mine")
    assert "withdrawn" in page.locator("table").inner_text()
    page.goto("/search?kind=reuse")
    assert page.locator("li.hit .kind-reuse").count() > 0
    audited(page, axe_source, "search-reuses")
