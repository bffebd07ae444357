"""The developer APIs: the CKAN-compatible Action API v3 and the REST JSON API v1 with its
OpenAPI document; ``register`` wires their blueprints."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    # ckan_actions and ckan_write register their actions when imported.
    from portal.api import ckan, ckan_actions, ckan_write, dumps_web, rest, tokens_web  # noqa: F401
    from portal.api.limits import init_limits

    init_limits(app, [ckan.bp, rest.bp])
    app.register_blueprint(ckan.bp)
    app.register_blueprint(rest.bp)
    app.register_blueprint(tokens_web.bp)
    app.register_blueprint(dumps_web.bp)
