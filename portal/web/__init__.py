"""Blueprints of the public pages; ``register`` wires them, the error pages and the filters."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter

from portal.web import (
    addresses,
    collections,
    curator,
    datasets,
    errors,
    feeds,
    filters,
    health,
    home,
    linked_data,
    maps,
    museum_exports,
    museum_harvest,
    oai,
    objects,
    pages,
    quality,
    search,
    sparql,
    suggest,
    wifi,
)


class SlugConverter(BaseConverter):
    """A record slug in a path: anything else is a 404 before any view or query runs."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"


def register(app: Flask) -> None:
    app.url_map.converters["slug"] = SlugConverter
    for module in (home, search, datasets, objects, wifi, health, suggest, linked_data, quality,
                   sparql):
        app.register_blueprint(module.bp)
    app.register_blueprint(museum_exports.bp)
    app.register_blueprint(oai.bp)
    app.register_blueprint(curator.bp)
    app.register_blueprint(museum_harvest.bp)
    app.register_blueprint(collections.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(maps.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(addresses.bp)
    errors.register(app)
    filters.register(app)
