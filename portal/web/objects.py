"""The collection-object page."""

from __future__ import annotations

from flask import Blueprint, render_template

from catalog import queries
from portal.state import db_session

bp = Blueprint("objects", __name__)


@bp.get("/objects/<int(min=1, max=2147483647):object_id>")
def detail(object_id: int) -> str:
    return render_template("objects/detail.html",
                           view=queries.object_view(db_session(), object_id))
