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
    return render_template("pages/about.html", contact=contact_address())


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("pages/accessibility.html", reviewed=STATEMENT_REVIEWED,
                           contact=contact_address())


def contact_address() -> str:
    """The configured contact, else the catalog's own (the OAI-PMH adminEmail): the statement
    must tell a visitor whom to write to."""
    settings = state().settings
    return settings.contact_email or settings.oai_admin_email
