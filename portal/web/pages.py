"""Static pages: about the portal and the accessibility statement (Czech law 99/2019 Coll.)."""

from __future__ import annotations

import datetime

from flask import Blueprint, render_template

from portal.state import state

bp = Blueprint("pages", __name__)

# When the accessibility statement was last reviewed (the law asks for the date).
STATEMENT_REVIEWED = datetime.date(2026, 11, 27)


@bp.get("/about")
def about() -> str:
    return render_template("pages/about.html", contact=state().settings.contact_email)


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("pages/accessibility.html", reviewed=STATEMENT_REVIEWED,
                           contact=state().settings.contact_email)
