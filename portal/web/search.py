"""Listings: everything (/search), datasets, objects, and the publisher, theme and institution
pages, which are listings with one filter fixed."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from catalog import queries
from catalog import vocabularies as voc
from catalog.models import AgentKind
from portal.state import db_session
from portal.web.listing import run_listing
from portal.web.params import parse_listing

bp = Blueprint("search", __name__)
ALL_KINDS = ("dataset", "object")


@bp.get("/search")
def everything() -> str:
    params = parse_listing(request.args, kinds=ALL_KINDS)
    listing = run_listing(params, kinds=ALL_KINDS)
    return render_template("search/results.html", listing=listing, endpoint="search.everything",
                           heading=None, fixed={})


@bp.get("/datasets")
def datasets() -> str:
    params = parse_listing(request.args)
    listing = run_listing(params, kinds=("dataset",))
    return render_template("search/results.html", listing=listing, endpoint="search.datasets",
                           heading=None, fixed={})


@bp.get("/objects")
def objects() -> str:
    params = parse_listing(request.args)
    listing = run_listing(params, kinds=("object",))
    return render_template("search/results.html", listing=listing, endpoint="search.objects",
                           heading=None, fixed={})


@bp.get("/publishers/<slug>")
def publisher(slug: str) -> str:
    agent = queries.agent(db_session(), slug, AgentKind.PUBLISHER)
    params = parse_listing(request.args)
    listing = run_listing(params, kinds=("dataset",), fixed={"publisher": (slug,)})
    return render_template("search/agent.html", agent=agent, listing=listing,
                           endpoint="search.publisher", fixed={"slug": slug})


@bp.get("/institutions/<slug>")
def institution(slug: str) -> str:
    agent = queries.agent(db_session(), slug, AgentKind.INSTITUTION)
    params = parse_listing(request.args)
    listing = run_listing(params, kinds=("object",), fixed={"institution": (slug,)})
    return render_template("search/agent.html", agent=agent, listing=listing,
                           endpoint="search.institution", fixed={"slug": slug})


@bp.get("/themes/<code>")
def theme(code: str) -> str:
    term = voc.THEMES.get(code)
    if term is None:
        abort(404)
    params = parse_listing(request.args)
    listing = run_listing(params, kinds=("dataset",), fixed={"theme": (code,)})
    return render_template("search/results.html", listing=listing, endpoint="search.theme",
                           heading=term, fixed={"code": code})
