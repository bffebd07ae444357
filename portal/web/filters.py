"""Template filters and globals: vocabulary labels, highlighted snippets, URLs of hits."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlencode

import pyphen
from flask import Flask, request, url_for
from flask_babel import format_date, format_decimal, get_locale, gettext
from markupsafe import Markup, escape

from catalog import vocabularies as voc
from catalog.places import place_coordinates
from catalog.search.base import MARK_END, MARK_START, Hit
from catalog.vocabularies import N_
from portal.i18n import own_path


def highlight(snippet: str) -> Markup:
    """Escape a snippet, then turn the index's match markers into <mark> elements."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


HYPHENATION = {"cs": "cs_CZ", "en": "en_GB", "de": "de_DE", "pl": "pl_PL"}
SOFT_HYPHEN = "\u00ad"
LONG_WORD = re.compile(r"\w{10,}")


@lru_cache(maxsize=len(HYPHENATION))
def _hyphenator(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=HYPHENATION.get(language, "cs_CZ"))


def hyphenate(text: str) -> str:
    """Soft hyphens in the long words of ``text`` from the page language's hyphenation
    patterns: a narrow table header (Wiederverwendbarkeit) breaks between syllables, with a
    visible hyphen, instead of widening the table. Chromium ships no patterns of its own."""
    hyphenator = _hyphenator(str(get_locale() or "cs")[:2])
    return LONG_WORD.sub(lambda word: hyphenator.inserted(word[0], hyphen=SOFT_HYPHEN), text)


VOCABULARIES = {"theme": voc.THEMES, "frequency": voc.FREQUENCIES, "format": voc.FILE_TYPES,
                "licence": voc.LICENCES, "rights": voc.RIGHTS}


def term_label(iri: str | None, vocabulary_name: str) -> str:
    if not iri:
        return ""
    term = voc.by_iri(VOCABULARIES[vocabulary_name], iri)
    return gettext(term.label) if term else iri


def term_code(iri: str | None, vocabulary_name: str) -> str:
    term = voc.by_iri(VOCABULARIES[vocabulary_name], iri or "")
    return term.code if term else ""


def hit_url(hit: Hit) -> str:
    if hit.kind == "dataset":
        return url_for("datasets.detail", slug=hit.url_key)
    if hit.kind == "publisher":
        return url_for("search.publisher", slug=hit.url_key)
    if hit.kind == "institution":
        return url_for("search.institution", slug=hit.url_key)
    if hit.kind == "location":
        return url_for("wifi.location", location=hit.url_key)
    if hit.kind == "reuse":
        return url_for("reuses.detail", reuse_id=hit.id)
    return url_for("objects.detail", object_id=hit.id)


# kind -> (its badge, its plural for the kind links of /search), translated when shown
KIND_LABELS = {"dataset": (N_("Dataset"), N_("datasets")), "object": (N_("Object"), N_("objects")),
               "publisher": (N_("Publisher"), N_("publishers")),
               "institution": (N_("Museum"), N_("museums")),
               "location": (N_("Wi-Fi location"), N_("Wi-Fi locations")),
               "reuse": (N_("Reuse"), N_("reuses"))}


def kind_label(kind: str, *, plural: bool = False) -> str:
    """What a result is, for its badge (or, plural, for the kind links of /search)."""
    labels = KIND_LABELS.get(kind)
    return gettext(labels[plural]) if labels else kind


def file_size(size: int | None) -> str:
    if size is None:
        return ""
    units = ["B", "kB", "MB", "GB", "TB"]
    value = float(size)
    for unit in units:
        if value < 1000 or unit == units[-1]:
            return f"{format_decimal(round(value, 1))} {unit}"
        value /= 1000
    return str(size)


def page_url(**changes: object) -> str:
    """This listing's URL with ``changes`` to its query (any change but the page itself
    returns to page 1)."""
    args = [(key, value) for key, value in request.args.items(multi=True)
            if key not in changes and key != "page"]
    args += [(key, str(value)) for key, value in changes.items() if value is not None]
    return own_path() + "?" + urlencode(args)


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(highlight=highlight, term_label=term_label, term_code=term_code,
                                 file_size=file_size, date=format_date, hyphenate=hyphenate,
                                 number=format_decimal)
    app.jinja_env.globals.update(hit_url=hit_url, page_url=page_url, kind_label=kind_label,
                                 THEMES=voc.THEMES,
                                 ruian_label=voc.ruian_label,
                                 place_known=lambda name: place_coordinates(name) is not None)
