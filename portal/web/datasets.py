"""The dataset page."""

from __future__ import annotations

from flask import Blueprint, render_template

from catalog import queries
from portal.state import db_session

bp = Blueprint("datasets", __name__)


@bp.get("/datasets/<slug:slug>")
def detail(slug: str) -> str:
    return render_template("datasets/detail.html", view=queries.dataset_view(db_session(), slug))
