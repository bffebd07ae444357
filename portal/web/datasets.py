"""The dataset page and its distributions' pages (terms in plain words, download snippets)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from catalog import queries
from catalog.aliases import former_slug_target
from catalog.errors import NotFound
from portal.state import db_session
from portal.web.snippets import download_snippets
from portal.web.terms import plain_terms

bp = Blueprint("datasets", __name__)


@bp.get("/datasets/<slug:slug>")
def detail(slug: str) -> str | Response:
    try:
        view = queries.dataset_view(db_session(), slug)
    except NotFound:
        return _moved(slug)
    return render_template("datasets/detail.html", view=view, plain_terms=plain_terms)


@bp.get("/datasets/<slug:slug>/distributions/<int(min=1, max=10000):number>")
def distribution(slug: str, number: int) -> str | Response:
    try:
        view = queries.dataset_view(db_session(), slug)
    except NotFound:
        return _moved(slug, number=number)
    if number > len(view.distributions):
        raise NotFound("distribution", f"{slug}/{number}")
    dist = view.distributions[number - 1]
    url = dist.download_url or dist.access_url
    return render_template("datasets/distribution.html", view=view, dist=dist, number=number,
                           terms=plain_terms(dist), snippets=download_snippets(url))


def _moved(slug: str, **values: int) -> Response:
    """A permanent redirect when ``slug`` is a renamed dataset's former slug (else 404)."""
    current = former_slug_target(db_session(), slug)
    if current is None:
        raise NotFound("dataset", slug)
    endpoint = "datasets.distribution" if values else "datasets.detail"
    target = url_for(endpoint, slug=current, **values)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, 301)
