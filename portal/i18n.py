"""Languages of the portal: locale selection (``?lang=``, then a cookie, then Accept-Language)
and multilingual record text shown in the visitor's language with a marked fallback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, g, request
from flask_babel import Babel, get_locale

from portal.state import state

LOCALES = ("cs", "en", "de", "pl")
COOKIE = "lang"
FALLBACK_ORDER = ("cs", "en", "de", "pl")
# Where a record lacks the visitor's language: German and Polish visitors more often read
# English than Czech; English visitors get the Czech original.
FALLBACKS = {"cs": ("en", "de", "pl"), "en": ("cs", "de", "pl"),
             "de": ("en", "cs", "pl"), "pl": ("en", "cs", "de")}
# Each language named in itself, for the switch.
# The region's wall-clock time: departures, event times (entered and stored without a zone).
REGION_TIME = ZoneInfo("Europe/Prague")
LANGUAGE_NAMES = {"cs": "Česky", "en": "English", "de": "Deutsch", "pl": "Polski"}


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LOCALES:
        g.set_lang_cookie = asked
        return asked
    cookie = request.cookies.get(COOKIE)
    if cookie in LOCALES:
        return cookie
    best = request.accept_languages.best_match(LOCALES)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_locale(response: Response) -> Response:
    """Keep an explicit ``?lang=`` choice in a cookie (where cookies work)."""
    chosen = g.pop("set_lang_cookie", None)
    if chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    return response


@dataclass(frozen=True)
class LocalText:
    """A record's text in one language; ``lang`` differs from the page's when it fell back."""

    value: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)


def local_text(mapping: Mapping[str, str] | None) -> LocalText:
    """The text of ``mapping`` in the current locale, else in the first language present."""
    locale = str(get_locale() or "cs")
    mapping = mapping or {}
    if mapping.get(locale):
        return LocalText(mapping[locale], locale, False)
    for lang in FALLBACKS.get(locale, FALLBACK_ORDER):
        if mapping.get(lang):
            return LocalText(mapping[lang], lang, True)
    return LocalText("", locale, False)


def local_list(mapping: Mapping[str, list[str]] | None) -> list[str]:
    """Keywords in the current locale, else Czech."""
    locale = str(get_locale() or "cs")
    mapping = mapping or {}
    return list(mapping.get(locale) or mapping.get("cs") or [])


def lang_url(lang: str) -> str:
    """This page's path and query with ``lang`` set (built from the path, not from url_for, so
    no query parameter can steer URL building)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return own_path() + "?" + urlencode([*args, ("lang", lang)])


def alternate_url(lang: str | None) -> str:
    """The absolute address of this page in ``lang`` (None: without a language, for
    ``hreflang="x-default"``), on the configured base URL, never the request's host."""
    base = state().settings.base_url
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    if lang:
        args.append(("lang", lang))
    return base + own_path() + ("?" + urlencode(args) if args else "")


def own_path() -> str:
    """This request's path as a link that can only stay on this site: one leading slash, and
    backslashes encoded (browsers read "/\\host" as "//host", another site)."""
    return "/" + quote(request.path.lstrip("/\\"), safe="/")


def init_i18n(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.after_request(remember_locale)
    app.jinja_env.globals.update(local_text=local_text, local_list=local_list, LOCALES=LOCALES,
                                 LANGUAGE_NAMES=LANGUAGE_NAMES, alternate_url=alternate_url,
                                 lang_url=lang_url, own_path=own_path,
                                 get_locale=get_locale)
