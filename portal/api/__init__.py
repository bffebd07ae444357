"""The developer APIs: the CKAN-compatible Action API v3 and the REST JSON API v1 with its
OpenAPI document; ``register`` wires their blueprints."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    # ckan_actions, ckan_search and ckan_write register their actions when imported.
    from portal.api import (  # noqa: F401
        ckan,
        ckan_actions,
        ckan_search,
        ckan_showcase,
        ckan_write,
        developers,
        dumps_web,
        rest,
        rest_reuses,
        tokens_web,
    )
    from portal.api.limits import init_limits

    init_limits(app, [ckan.bp, rest.bp])
    app.register_blueprint(ckan.bp)
    app.register_blueprint(rest.bp)
    app.register_blueprint(tokens_web.bp)
    app.register_blueprint(dumps_web.bp)
    app.register_blueprint(developers.bp)
