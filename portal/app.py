"""The Flask app factory: it only wires settings, extensions, blueprints and error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from flask import Flask, Response

from portal.config import Settings
from portal.i18n import init_i18n
from portal.state import KEY, build_state, close_session

# Pages load nothing from third parties (the splash page is served before the visitor is online
# and visitors' privacy matters): the policy makes the browser enforce it.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def content_security_policy(settings: Settings) -> str:
    """The policy, with the configured map tiles' origin allowed as an image source."""
    if not settings.map_tiles:
        return CONTENT_SECURITY_POLICY
    parts = urlsplit(settings.map_tiles.replace("{s}", "*"))
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", f"img-src 'self' data: {parts.scheme}://{parts.netloc}")


def security_headers(policy: str) -> Callable[[Response], Response]:
    """An after-request hook adding the headers (the policy is built once, at start-up)."""

    def add(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return add


def create_app(config: Settings | Mapping[str, str] | None = None) -> Flask:
    """Build a portal app from ``config`` (validated settings, a mapping of ``PORTAL_*``
    variables, or None for the process environment)."""
    settings = config if isinstance(config, Settings) else Settings.from_env(config)
    logging.basicConfig(level=settings.log_level)
    app = Flask(__name__)
    app.config.update(  # session cookie flags: init_accounts, which owns the session
        SECRET_KEY=settings.secret_key,
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        BABEL_TRANSLATION_DIRECTORIES=str(settings.translations_dir),
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.extensions[KEY] = build_state(settings)
    app.teardown_appcontext(close_session)
    app.after_request(security_headers(content_security_policy(settings)))
    init_i18n(app)

    from portal.accounts import init_accounts
    from portal.api import register as register_api
    from portal.editor import init_editor
    from portal.editorial import init_editorial
    from portal.notifications import init_notifications
    from portal.reuses import init_reuses
    from portal.search_sync import init_search_sync
    from portal.web import register

    register(app)
    init_accounts(app)
    register_api(app)
    init_editor(app)
    init_editorial(app)
    init_notifications(app)
    init_reuses(app)
    init_search_sync(app)
    return app
