"""The developers' and hackathon teams' page: where the APIs are, quickstarts that work as
shown, the dumps, and how to get a token."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.api.dumps import read_manifest
from portal.api.quickstarts import rendered
from portal.state import state

bp = Blueprint("developers", __name__)


@bp.get("/developers")
def index() -> str:
    settings = state().settings
    dumps = read_manifest(settings.dumps_path) if settings.dumps_path else {}
    return render_template("api/developers.html", quickstarts=rendered(settings.base_url),
                           dumps=dumps, base_url=settings.base_url)
