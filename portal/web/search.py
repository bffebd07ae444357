"""Listings: everything (/search), datasets, objects, and the publisher, theme and institution
pages, which are listings with one filter fixed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from catalog import queries
from catalog import vocabularies as voc
from catalog.models import AgentKind
from catalog.search.base import KINDS
from portal.state import db_session
from portal.web.listing import run_listing
from portal.web.params import parse_listing

bp = Blueprint("search", __name__)
ALL_KINDS = KINDS


def _listing(endpoint: str, kinds: tuple[str, ...], *, template: str = "search/results.html",
             fixed: dict[str, tuple[str, ...]] | None = None, **context: Any) -> str:
    # Only the search of everything lets the visitor narrow by kind.
    params = parse_listing(request.args, kinds=kinds if len(kinds) > 1 else ())
    known = [context["agent"]] if "agent" in context else []
    listing = run_listing(params, kinds=kinds, fixed=fixed, known=known)
    context.setdefault("heading", None)
    return render_template(template, listing=listing, endpoint=endpoint, **context)


@bp.get("/search")
def everything() -> str:
    return _listing("search.everything", ALL_KINDS)


@bp.get("/datasets")
def datasets() -> str:
    return _listing("search.datasets", ("dataset",))


@bp.get("/objects")
def objects() -> str:
    return _listing("search.objects", ("object",))


@bp.get("/publishers/<slug:slug>")
def publisher(slug: str) -> str:
    agent = queries.agent(db_session(), slug, AgentKind.PUBLISHER)
    return _listing("search.publisher", ("dataset",), template="search/agent.html",
                    fixed={"publisher": (slug,)}, agent=agent)


@bp.get("/institutions/<slug:slug>")
def institution(slug: str) -> str:
    agent = queries.agent(db_session(), slug, AgentKind.INSTITUTION)
    return _listing("search.institution", ("object",), template="search/agent.html",
                    fixed={"institution": (slug,)}, agent=agent)


@bp.get("/themes/<code>")
def theme(code: str) -> str:
    term = voc.THEMES.get(code)
    if term is None:
        abort(404)
    return _listing("search.theme", ("dataset",), fixed={"theme": (code,)}, heading=term)
