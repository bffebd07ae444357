"""The home page: search box, themes, newest datasets, collections teaser, Wi-Fi locations."""

from __future__ import annotations

from flask import Blueprint, render_template

from captive_portal.locations import list_locations
from catalog import queries
from catalog.popularity import most_viewed
from catalog.search.base import SearchQuery, SearchUnavailable, Sort
from portal.state import db_session, state

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    session = db_session()
    try:
        highlights = state().search.search(SearchQuery(kinds=("object",), sort=Sort.NEWEST,
                                                       limit=4)).hits
    except SearchUnavailable:
        highlights = []
    return render_template("home/index.html", newest=queries.newest_datasets(session),
                           counts=queries.published_counts(session), highlights=highlights,
                           locations=list_locations(session),
                           most_viewed=most_viewed(session))
