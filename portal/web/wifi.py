"""The Wi-Fi location pages (the splash pages proper come with the Wi-Fi issue)."""

from __future__ import annotations

from flask import Blueprint, render_template

from captive_portal.locations import get_location, list_locations
from portal.state import db_session

bp = Blueprint("wifi", __name__)


@bp.get("/wifi/")
def index() -> str:
    return render_template("wifi/index.html", locations=list_locations(db_session()))


@bp.get("/wifi/<slug:location>")
def location(location: str) -> str:
    return render_template("wifi/location.html", location=get_location(db_session(), location))
