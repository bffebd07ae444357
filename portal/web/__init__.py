"""Blueprints of the public pages; ``register`` wires them, the error pages and the filters."""

from __future__ import annotations

from flask import Flask

from portal.web import datasets, errors, filters, health, home, objects, search, wifi


def register(app: Flask) -> None:
    for module in (home, search, datasets, objects, wifi, health):
        app.register_blueprint(module.bp)
    errors.register(app)
    filters.register(app)
