"""Rights statements of collection records and images, normalised to the exact URI forms
Europeana accepts (``http://``, no ``deed.*`` suffix, a trailing slash)."""

from __future__ import annotations

import re

from catalog import vocabularies as voc

# Copyright Not Evaluated: the honest statement when a record names no rights at all.
NOT_EVALUATED = "http://rightsstatements.org/vocab/CNE/1.0/"

_CC = re.compile(r"^(?:https?://)?(?:www\.)?creativecommons\.org/"
                 r"(licenses/[a-z-]+/\d\.\d(?:/[a-z]{2})?|publicdomain/(?:zero|mark)/1\.0)"
                 r"(?:/(?:deed|legalcode)(?:\.[A-Za-z_-]+)?)?/?$", re.IGNORECASE)
_RS = re.compile(r"^(?:https?://)?rightsstatements\.org/(?:vocab|page)/([A-Za-z-]+)/1\.0"
                 r"(?:/\?.*)?/?$", re.IGNORECASE)


def normalise(value: str) -> str:
    """``value`` in Europeana's canonical form when it is a Creative Commons or
    rightsstatements.org URI (https, deed pages, missing slashes fixed); else unchanged."""
    text = value.strip()
    if match := _CC.match(text):
        return f"http://creativecommons.org/{match.group(1).lower()}/"
    if match := _RS.match(text):
        return f"http://rightsstatements.org/vocab/{match.group(1)}/1.0/"
    return text


def known(value: str) -> str | None:
    """The vocabulary IRI for ``value`` (a code such as ``CC-BY-4.0`` or any URI form of an
    accepted statement), or None when the register does not accept it."""
    if value in voc.RIGHTS:
        return voc.RIGHTS[value].iri
    term = voc.by_iri(voc.RIGHTS, normalise(value))
    return term.iri if term else None
