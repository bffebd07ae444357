"""Domain messages of accounts in the visitor's language (the domain marks them with N_)."""

from __future__ import annotations

from flask_babel import gettext


def domain_message(message: str) -> str:
    """``message`` translated when the catalogs know it, else as it is."""
    return gettext(message)
