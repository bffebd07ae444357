"""The catalog as linked data, following ckanext-dcat's conventions: ``/catalog.<fmt>`` with
Hydra paging, ``/datasets/<slug>.<fmt>`` (fmt: ttl, rdf, jsonld, nt), content negotiation on the
dataset page and on ``/catalog``, the LKOD catalog ``/katalog.jsonld`` for the national catalog,
and dereferenceable distribution and service IRIs. Every RDF response has open CORS."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_babel import get_locale
from sqlmodel import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, NotAcceptable
from werkzeug.wrappers import Response as BaseResponse

from catalog.models import DataServiceDataset, Dataset, Distribution, RecordState
from catalog.queries import DatasetView
from catalog.rdf import dcat_ap_cz
from catalog.rdf.dcat_ap_3 import catalog_triples
from catalog.rdf.paging import (
    PAGE_SIZE,
    PageOutOfRange,
    dataset_iris,
    hydra_triples,
    select_page,
)
from catalog.rdf.queries import catalog_record, dataset_record, iter_dataset_records
from catalog.rdf.schema_org import dataset_to_schema_org
from catalog.rdf.stream import MEDIA_TYPES, write_catalog, writer
from portal.state import db_session, state
from portal.web.params import InvalidParameter, parse_listing

bp = Blueprint("linked_data", __name__)

HTML = ("text/html", "application/xhtml+xml")
RDF_MEDIA = {media: fmt for fmt, media in MEDIA_TYPES.items()}
# ckanext-dcat's per-dataset extensions, redirected to ours.
CKAN_FORMS = {"rdf": "rdf", "xml": "rdf", "ttl": "ttl", "n3": "ttl", "jsonld": "jsonld"}
NEGOTIATED = {"datasets.detail", "linked_data.catalog_negotiated"}
LINK_PARAMETERS = ("modified_since", "q", "theme", "publisher", "format", "licence", "keyword")


class NotAcceptableType(NotAcceptable):
    description = ("Acceptable types: text/html, " + ", ".join(MEDIA_TYPES.values()) + ".")


def negotiate() -> str:
    """``html`` or an RDF format for the request's Accept header (HTML when none is given);
    406 listing what is offered when nothing matches."""
    accept = request.accept_mimetypes
    if not accept.provided:
        return "html"
    best = accept.best_match([*HTML, *RDF_MEDIA], default=None)
    if best is None:
        raise NotAcceptableType()
    return "html" if best in HTML else RDF_MEDIA[best]


def _rdf_response(body: str, fmt: str) -> Response:
    """An RDF document with a strong ETag of its bytes: harvesters (ours, NKOD's) that send
    If-None-Match get a 304 instead of the whole document when nothing changed."""
    response = Response(body, mimetype=MEDIA_TYPES[fmt])
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    return response.make_conditional(request)


def _check_format(fmt: str) -> None:
    if fmt not in MEDIA_TYPES:
        abort(404)


# --- one dataset ----------------------------------------------------------------------------

def dataset_document(slug: str, fmt: str) -> Response:
    """The dataset with its distributions and services; JSON-LD is its LKOD record."""
    record = dataset_record(db_session(), slug)
    if fmt == "jsonld":
        body = json.dumps(dcat_ap_cz.dataset_to_lkod(record), ensure_ascii=False, indent=1)
        return _rdf_response(body, fmt)
    out = io.StringIO()
    write_catalog(out, [record], fmt)
    return _rdf_response(out.getvalue(), fmt)


@bp.get("/datasets/<slug:slug>.<fmt>")
def dataset(slug: str, fmt: str) -> Response:
    _check_format(fmt)
    return dataset_document(slug, fmt)


@bp.get("/dataset/<slug:slug>.<ext>")
def ckan_dataset(slug: str, ext: str) -> BaseResponse:
    if ext not in CKAN_FORMS:
        abort(404)
    return redirect(url_for("linked_data.dataset", slug=slug, fmt=CKAN_FORMS[ext]), 301)


@bp.before_app_request
def negotiate_dataset_page() -> Response | None:
    """The dataset page URL (the dataset's IRI) also answers RDF requests."""
    if request.endpoint != "datasets.detail" or request.method != "GET":
        return None
    fmt = negotiate()
    if fmt == "html":
        return None
    return dataset_document(str((request.view_args or {})["slug"]), fmt)


@bp.after_app_request
def vary_and_cors(response: Response) -> Response:
    if request.endpoint in NEGOTIATED:
        response.vary.add("Accept")
    if response.mimetype in RDF_MEDIA:
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


@bp.get("/distributions/<int(min=1, max=2147483647):item_id>")
def distribution(item_id: int) -> BaseResponse:
    """A distribution's IRI leads to the document of its dataset (which describes it)."""
    slug = db_session().exec(select(Dataset.slug).join(
        Distribution, Distribution.dataset_id == Dataset.id).where(  # type: ignore[arg-type]
        Distribution.id == item_id, Dataset.state == RecordState.PUBLISHED)).first()
    if slug is None:
        abort(404)
    return redirect(url_for("datasets.detail", slug=slug), 303)


@bp.get("/services/<int(min=1, max=2147483647):item_id>")
def service(item_id: int) -> BaseResponse:
    """A data service's IRI leads to the document of (the first) dataset it serves."""
    slug = db_session().exec(select(Dataset.slug).join(
        DataServiceDataset, DataServiceDataset.dataset_id == Dataset.id).where(  # type: ignore[arg-type]
        DataServiceDataset.service_id == item_id, Dataset.state == RecordState.PUBLISHED)
        .order_by(Dataset.id)).first()
    if slug is None:
        abort(404)
    return redirect(url_for("datasets.detail", slug=slug), 303)


# --- the catalog ----------------------------------------------------------------------------

def parse_modified_since(value: str | None) -> datetime | None:
    """ISO 8601 date or date-time (with or without offset) as naive UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidParameter(
                "modified_since", "must be an ISO 8601 date or date-time, e.g. "
                "2026-01-31 or 2026-01-31T12:00:00Z") from None
        parsed = datetime(day.year, day.month, day.day)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _page_url(fmt: str | None, args: MultiDict[str, str], page: int) -> str:
    base = state().settings.base_url.rstrip("/")
    path = f"/catalog.{fmt}" if fmt else "/catalog"
    kept = [(k, v) for k in LINK_PARAMETERS for v in args.getlist(k) if v.strip()]
    return f"{base}{path}?" + urlencode([*kept, ("page", str(page))])


def catalog_page(fmt: str, *, extension: bool) -> Response:
    params = parse_listing(request.args)
    modified_since = parse_modified_since(request.args.get("modified_since"))
    session = db_session()
    try:
        page = select_page(session, state().search, page=params.page, text=params.text,
                           filters=params.filters, modified_since=modified_since,
                           page_size=PAGE_SIZE)
    except PageOutOfRange as exc:
        abort(404, str(exc))
    catalog = catalog_record(session, state().settings.base_url)
    url_fmt = fmt if extension else None
    url_of = {n: _page_url(url_fmt, request.args, n)
              for n in {1, page.last_page, page.page - 1, page.page + 1} if n >= 1}
    extra = hydra_triples(page, _page_url(url_fmt, request.args, page.page), url_of,
                          catalog.iri)
    out = io.StringIO()
    write_catalog(out, iter_dataset_records(session, page.ids), fmt, catalog=catalog,
                  extra=extra)
    return _rdf_response(out.getvalue(), fmt)


@bp.get("/catalog.<fmt>")
def catalog(fmt: str) -> Response:
    _check_format(fmt)
    return catalog_page(fmt, extension=True)


@bp.get("/catalog")
def catalog_negotiated() -> BaseResponse:
    fmt = negotiate()
    if fmt == "html":
        return redirect(url_for("search.datasets", **request.args.to_dict(flat=False)), 303)
    return catalog_page(fmt, extension=False)


# --- LKOD (DCAT-AP-CZ "DCAT-AP Dokumenty") ---------------------------------------------------

@bp.get("/katalog.jsonld")
def lkod_catalog() -> Response:
    """The catalog file NKOD harvests: every published dataset's IRI, no paging."""
    session = db_session()
    catalog = catalog_record(session, state().settings.base_url)
    document = dcat_ap_cz.catalog_to_lkod(catalog, dataset_iris(session))
    return _rdf_response(json.dumps(document, ensure_ascii=False, indent=1), "jsonld")


@bp.get("/katalog.ttl")
def lkod_catalog_turtle() -> Response:
    session = db_session()
    catalog = catalog_record(session, state().settings.base_url)
    out = io.StringIO()
    sink = writer(out, "ttl")
    sink.start()
    sink.triples(catalog_triples(catalog, dataset_iris(session)))
    sink.end()
    return _rdf_response(out.getvalue(), "ttl")


# --- HTML head: alternates and schema.org ---------------------------------------------------

def _absolute(path: str) -> str:
    """Alternates are absolute, built from the configured base URL (never the request)."""
    return state().settings.base_url.rstrip("/") + path


def dataset_alternates(slug: str) -> list[dict[str, str]]:
    return [{"type": media,
             "href": _absolute(url_for("linked_data.dataset", slug=slug, fmt=fmt))}
            for fmt, media in MEDIA_TYPES.items()]


def catalog_alternates() -> list[dict[str, str]]:
    return [{"type": media, "href": _absolute(url_for("linked_data.catalog", fmt=fmt))}
            for fmt, media in MEDIA_TYPES.items()]


def schema_org(view: DatasetView) -> dict[str, Any]:
    return dataset_to_schema_org(view, view.dataset.iri, str(get_locale() or "cs"))


@bp.app_errorhandler(NotAcceptable)
def not_acceptable(exc: HTTPException) -> Response:
    response = Response(f"406 Not Acceptable. {exc.description}\n", status=406,
                        mimetype="text/plain")
    response.vary.add("Accept")
    return response


@bp.record_once
def _globals(setup_state: Any) -> None:
    setup_state.app.jinja_env.globals.update(
        rdf_dataset_alternates=dataset_alternates, rdf_catalog_alternates=catalog_alternates,
        rdf_schema_org=schema_org)

