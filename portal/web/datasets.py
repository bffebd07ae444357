"""The dataset page and its distributions' pages (terms in plain words, download snippets)."""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from catalog import queries
from catalog.aliases import former_slug_target
from catalog.db import transaction
from catalog.errors import NotFound
from catalog.models import Distribution
from catalog.popularity import record_view
from catalog.queries import DatasetView
from harvesters.previews import PreviewError
from portal.previews import load_preview, preview_kind
from portal.state import db_session, state
from portal.web.snippets import download_snippets
from portal.web.terms import plain_terms

bp = Blueprint("datasets", __name__)
log = logging.getLogger(__name__)


@bp.get("/datasets/<slug:slug>")
def detail(slug: str) -> str | Response:
    try:
        view = queries.dataset_view(db_session(), slug)
    except NotFound:
        return _moved(slug)
    page = render_template("datasets/detail.html", view=view, plain_terms=plain_terms)
    _count_view(view.dataset.id)
    return page


def _count_view(dataset_id: int | None) -> None:
    """One more view of the dataset (robots, which say so, are not counted; a failed count
    never fails the page)."""
    agent = (request.user_agent.string or "").lower()
    if dataset_id is None or any(word in agent for word in ("bot", "spider", "crawl")):
        return
    try:
        with transaction(state().engine) as session:
            record_view(session, dataset_id)
    except SQLAlchemyError:
        log.warning("view of dataset %s not counted", dataset_id, exc_info=True)


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
                           terms=plain_terms(dist), snippets=download_snippets(url),
                           preview=preview_kind(dist))


def _distribution(slug: str, number: int) -> tuple[DatasetView, Distribution]:
    view = queries.dataset_view(db_session(), slug)
    if number > len(view.distributions):
        raise NotFound("distribution", f"{slug}/{number}")
    return view, view.distributions[number - 1]


@bp.get("/datasets/<slug:slug>/distributions/<int(min=1, max=10000):number>/preview")
def preview(slug: str, number: int) -> str:
    view, dist = _distribution(slug, number)
    kind = preview_kind(dist)
    if kind is None:
        raise NotFound("preview", f"{slug}/{number}")
    try:
        result = load_preview(state().settings, dist.download_url or dist.access_url, kind)
        error = None
    except PreviewError as exc:
        result, error = None, exc.reason
    return render_template("datasets/preview.html", view=view, dist=dist, number=number,
                           kind=kind, result=result, error=error)


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
