"""The dataset page and its distributions' pages (terms in plain words, download snippets)."""

from __future__ import annotations

from flask import Blueprint, render_template

from catalog import queries
from catalog.errors import NotFound
from portal.state import db_session
from portal.web.snippets import download_snippets
from portal.web.terms import plain_terms

bp = Blueprint("datasets", __name__)


@bp.get("/datasets/<slug:slug>")
def detail(slug: str) -> str:
    view = queries.dataset_view(db_session(), slug)
    return render_template("datasets/detail.html", view=view, plain_terms=plain_terms)


@bp.get("/datasets/<slug:slug>/distributions/<int(min=1, max=10000):number>")
def distribution(slug: str, number: int) -> str:
    view = queries.dataset_view(db_session(), slug)
    if number > len(view.distributions):
        raise NotFound("distribution", f"{slug}/{number}")
    dist = view.distributions[number - 1]
    url = dist.download_url or dist.access_url
    return render_template("datasets/distribution.html", view=view, dist=dist, number=number,
                           terms=plain_terms(dist), snippets=download_snippets(url))
