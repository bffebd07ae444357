"""The home page: search box, themes, newest datasets, collections teaser, flagship projects,
upcoming events, Wi-Fi locations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask import Blueprint, render_template
from sqlmodel import Session

from captive_portal.locations import list_locations
from catalog import queries
from catalog.editorial.models import EditorialItem, ItemKind
from catalog.editorial.services import linked_datasets, published, upcoming_events
from catalog.models import Dataset
from catalog.popularity import most_viewed
from catalog.search.base import SearchQuery, SearchUnavailable, Sort
from portal.i18n import REGION_TIME
from portal.state import db_session, state

bp = Blueprint("home", __name__)
def region_now() -> datetime:
    return datetime.now(REGION_TIME).replace(tzinfo=None)


@bp.get("/")
def index() -> str:
    session = db_session()
    try:
        # The newest objects; the counts of every kind come with them (what the index holds
        # is what is published: no count over the tables).
        result = state().search.search(SearchQuery(kinds=("object",), sort=Sort.NEWEST,
                                                   limit=4))
        highlights = result.hits
        counts = {"datasets": result.kind_counts.get("dataset", 0),
                  "objects": result.kind_counts.get("object", 0)}
    except SearchUnavailable:
        highlights, counts = [], queries.published_counts(session)
    return render_template("home/index.html", newest=queries.newest_datasets(session),
                           counts=counts, highlights=highlights,
                           locations=list_locations(session),
                           most_viewed=most_viewed(session), flagships=flagships(session),
                           events=upcoming_events(session, region_now()))


def flagships(session: Session) -> list[tuple[EditorialItem, Sequence[Dataset]]]:
    """The Smarter Region flagship projects (issue 3's editorial content) with their data."""
    return [(project, linked_datasets(session, project))
            for project in published(session, ItemKind.PROJECT, limit=3)]
