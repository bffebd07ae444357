"""Reuses in the web app: the public list (by type, by dataset) with its Atom feed, a reuse's
page, the submit form for signed-in users, their own submissions, the moderation queue of the
site administrators, and the dataset page's section of its published reuses."""

from __future__ import annotations

from flask import Flask

from catalog.reuses.models import ReuseType
from portal.reuses.display import (
    dataset_reuses,
    paragraphs,
    publisher_reuse_count,
    status_label,
    type_label,
)
from portal.reuses.views import bp


def init_reuses(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        dataset_reuses=dataset_reuses,
        publisher_reuse_count=publisher_reuse_count,
        reuse_type_label=type_label,
        reuse_status_label=status_label,
        ReuseType=ReuseType,
    )
    app.jinja_env.filters.update(paragraphs=paragraphs)
