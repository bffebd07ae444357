"""``/dumps/<file>``: the bulk dumps, served from the dumps folder (conditional requests and
ranges included, so a client can resume a large download)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory

from portal.api.dumps import NAMES
from portal.state import state

bp = Blueprint("dumps", __name__)


@bp.get("/dumps/<name>")
def download(name: str) -> Response:
    directory = state().settings.dumps_path
    if name not in NAMES or directory is None or not (directory / name).is_file():
        abort(404)
    response = send_from_directory(directory, name, conditional=True, max_age=3600)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
