"""The metadata-quality pages: the publisher dashboard, a publisher's datasets and broken
links, and the same as JSON; the dataset page shows its own score. Scores are computed by the
batch job (`portal quality assess`), never on a request."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from catalog.errors import NotFound
from catalog.quality.queries import DatasetQuality, dataset_quality, publishers_quality
from catalog.quality.score import CHECK_LABELS, DIMENSION_LABELS, PLACEHOLDER_LABEL, Dimension
from catalog.queries import DatasetView
from portal.state import db_session

bp = Blueprint("quality", __name__)


def _json(data: Any) -> Response:
    response = jsonify(data)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/quality")
def dashboard() -> str:
    return render_template("quality/dashboard.html",
                           publishers=publishers_quality(db_session()))


@bp.get("/quality.json")
def dashboard_json() -> Response:
    return _json({"publishers": [p.as_json(with_datasets=False)
                                 for p in publishers_quality(db_session())]})


@bp.get("/quality/publishers/<slug:slug>")
def publisher(slug: str) -> str:
    return render_template("quality/publisher.html",
                           publisher=publishers_quality(db_session(), slug)[0])


@bp.get("/quality/publishers/<slug:slug>.json")
def publisher_json(slug: str) -> Response:
    return _json(publishers_quality(db_session(), slug)[0].as_json(with_datasets=True))


@bp.get("/datasets/<slug:slug>/quality.json")
def dataset_json(slug: str) -> Response:
    found = dataset_quality(db_session(), slug)
    if found is None:
        raise NotFound("quality score", slug)
    return _json(found.as_json())


def score_of(view: DatasetView) -> DatasetQuality | None:
    return dataset_quality(db_session(), view.dataset.slug)


@bp.record_once
def _globals(setup_state: Any) -> None:
    setup_state.app.jinja_env.globals.update(
        quality_of=score_of, QUALITY_DIMENSIONS=list(Dimension),
        QUALITY_DIMENSION_LABELS=DIMENSION_LABELS, QUALITY_CHECK_LABELS=CHECK_LABELS,
        QUALITY_PLACEHOLDER_LABEL=PLACEHOLDER_LABEL)
