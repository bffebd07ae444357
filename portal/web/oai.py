"""The OAI-PMH 2.0 endpoint (/oai, GET and POST) of the collection register."""

from __future__ import annotations

from flask import Blueprint, Response, request

from catalog.museum.oai import Repository, handle
from portal.accounts import csrf_exempt
from portal.state import state

bp = Blueprint("oai", __name__)


def repository() -> Repository:
    settings = state().settings
    return Repository(engine=state().engine, base_url=settings.base_url,
                      name="Sbírky muzeí Libereckého kraje (Liberec Region museum collections)",
                      admin_email=settings.oai_admin_email, edm_provider=settings.edm_provider,
                      page_size=settings.oai_page_size)


@bp.route("/oai", methods=["GET", "POST"])
@csrf_exempt  # a protocol endpoint for harvesters: no session, no cookie, nothing to forge
def endpoint() -> Response:
    values = request.form if request.method == "POST" else request.args
    arguments = {name: values.getlist(name) for name in values}
    return Response(handle(repository(), arguments), mimetype="text/xml")
