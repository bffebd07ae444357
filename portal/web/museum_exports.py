"""LIDO and EDM exports of the collection register: one object, or an institution's whole
published collection as a streamed dump."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response

from catalog import queries
from catalog.models import AgentKind
from catalog.museum import edm, lido_export
from catalog.museum.queries import iter_published
from portal.state import db_session, state

bp = Blueprint("museum_exports", __name__)
LIDO_TYPE = "application/xml; charset=utf-8"
EDM_TYPE = "application/rdf+xml; charset=utf-8"


def _download(chunks: Iterator[bytes], mimetype: str, filename: str) -> Response:
    response = Response(chunks, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/objects/<int(min=1, max=2147483647):object_id>.lido.xml")
def object_lido(object_id: int) -> Response:
    view = queries.object_view(db_session(), object_id)
    return Response(lido_export.record_document(view.object, view.institution,
                                                base_url=state().settings.base_url),
                    mimetype=LIDO_TYPE)


@bp.get("/objects/<int(min=1, max=2147483647):object_id>.edm.xml")
def object_edm(object_id: int) -> Response:
    view = queries.object_view(db_session(), object_id)
    settings = state().settings
    text = edm.edm_xml(view.object, view.institution, base_url=settings.base_url,
                       provider=settings.edm_provider)
    return Response((lido_export.XML_DECLARATION + text).encode(), mimetype=EDM_TYPE)


@bp.get("/institutions/<slug:slug>/objects.lido.xml")
def institution_lido(slug: str) -> Response:
    agent = queries.agent(db_session(), slug, AgentKind.INSTITUTION)
    settings = state().settings
    records = iter_published(state().engine, agent.id)
    return _download(lido_export.iter_dump(records, base_url=settings.base_url), LIDO_TYPE,
                     f"{slug}.lido.xml")


@bp.get("/institutions/<slug:slug>/objects.edm.xml")
def institution_edm(slug: str) -> Response:
    agent = queries.agent(db_session(), slug, AgentKind.INSTITUTION)
    settings = state().settings
    records = iter_published(state().engine, agent.id)
    return _download(edm.iter_dump(records, base_url=settings.base_url,
                                   provider=settings.edm_provider), EDM_TYPE, f"{slug}.edm.xml")
