"""The developer APIs: the CKAN-compatible Action API v3 and the REST JSON API v1 with its
OpenAPI document; ``register`` wires their blueprints."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from portal.api import ckan, ckan_actions, ckan_write, rest, tokens_web  # noqa: F401  (registers the actions)

    app.register_blueprint(ckan.bp)
    app.register_blueprint(rest.bp)
    app.register_blueprint(tokens_web.bp)
