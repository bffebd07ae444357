"""A museum's collection in figures (public): records by sub-collection, object type, century,
material and rights."""

from __future__ import annotations

from flask import Blueprint, render_template

from catalog import queries
from catalog.models import AgentKind
from catalog.museum.statistics import collection_statistics
from portal.state import db_session

bp = Blueprint("collections", __name__)


@bp.get("/institutions/<slug:slug>/statistics")
def statistics(slug: str) -> str:
    museum = queries.agent(db_session(), slug, AgentKind.INSTITUTION)
    return render_template("collections/statistics.html", museum=museum,
                           stats=collection_statistics(db_session(), museum.id or 0))
