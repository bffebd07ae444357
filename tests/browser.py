"""Browser-test fixtures for the whole project: the demo app served on a local port, Debian's
Chromium driven by Playwright, a guard that fails a test on any request to another host, an
axe-core audit (WCAG 2.1 A/AA, no rule disabled) and screenshots saved as test artifacts.

Chromium (/usr/bin/chromium) and axe-core (``make assets``) are required in CI (CI=true): a test
fails there when one is missing and skips elsewhere with a message.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = ROOT / ".browser-deps" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (360, 1280)


def require(condition: bool, message: str) -> None:
    """Fail in CI, skip elsewhere, when a browser-test prerequisite is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(message + " (required in CI)")
    pytest.skip(message)


@dataclass
class LiveServer:
    url: str
    host: str
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def live_server(demo_app: Flask) -> Iterator[LiveServer]:
    """The demo app on a free local port, served by werkzeug in a thread."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host = f"127.0.0.1:{server.server_port}"
    yield LiveServer(url=f"http://{host}", host=host)
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    require(CHROMIUM.exists(), f"browser tests need Debian's chromium at {CHROMIUM} "
            "(apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "browser tests need the playwright package (pip install -e '.[dev]')")
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE_SCRIPT.exists(), f"browser tests need axe-core at {AXE_SCRIPT} (make assets)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def guarded_context(chromium: Any, live_server: LiveServer) -> tuple[Any, list[str]]:
    """A browser context (1280 px wide) that aborts and records every request to a host other
    than the portal's own."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   base_url=live_server.url)
    foreign: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).netloc != live_server.host:
            foreign.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    return context, foreign


@pytest.fixture
def browser_page(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh page on a guarded context: the test fails on any request to another host."""
    context, foreign = guarded_context(chromium, live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert foreign == [], f"requests to other hosts: {foreign[:5]}"


def run_axe(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page (no rule disabled), each with its id,
    impact, help and the first failing elements."""
    page.evaluate(axe_source)
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}); "
        "return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + "
        "(n.failureSummary || '').slice(0, 200))})); }", WCAG_TAGS)
    violations: list[dict[str, Any]] = result
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


def screenshots(page: Any, name: str) -> list[Path]:
    """Full-page screenshots of the page at 360 and 1280 px under test-artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        path = ARTIFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    page.set_viewport_size({"width": 1280, "height": 900})
    return saved
