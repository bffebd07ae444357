"""The Wi-Fi pages: location list, splash page per location, gateway arrivals, Connect (grant),
the landing page, RFC 8908 capport JSON, the notices' Atom feed, the simulated gateway."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from markupsafe import escape
from werkzeug.wrappers import Response as WerkzeugResponse

from captive_portal import tokens
from captive_portal.announcements import current
from captive_portal.authmon import authmon_reply
from captive_portal.controllers.base import Arrival, GrantKind, RawQuery
from captive_portal.controllers.simulated import simulated_token
from captive_portal.errors import ArrivalRefused, TokenRefused
from captive_portal.flow import arrive, connect, grant_origin
from captive_portal.locations import get_location, list_locations
from captive_portal.publishing import DEMO_FEED, connections_csv
from captive_portal.terms import TERMS, TERMS_VERSION
from captive_portal.timetable import zip_folder
from catalog.db import transaction
from portal.accounts import csrf_exempt
from portal.i18n import LOCALES
from portal.state import db_session, state
from portal.wifi_runtime import KEY, build_runtime, runtime

bp = Blueprint("wifi", __name__)
WIFI_LOCALES = LOCALES
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.record_once
def _setup(setup_state: object) -> None:
    app: Flask = setup_state.app  # type: ignore[attr-defined]
    app.extensions[KEY] = build_runtime(state(app).settings)
    babel = app.extensions["babel"]
    portal_selector = babel.locale_selector

    def select_locale() -> str | None:
        """Splash pages speak cs, en, de and pl, chosen by ``?lang=`` or Accept-Language
        (captive-portal browsers keep no cookies, so none is read or set here)."""
        if not (request.path.startswith("/wifi") or request.path.startswith("/guest/")):
            return portal_selector()  # type: ignore[no-any-return]
        try:
            asked = request.args.get("lang")
        except UnicodeDecodeError:  # raw non-UTF-8 bytes from a gateway: refused later
            asked = None
        if asked in WIFI_LOCALES:
            return asked
        best = request.accept_languages.best_match(WIFI_LOCALES)
        return best or app.config["BABEL_DEFAULT_LOCALE"]

    babel.locale_selector = select_locale


def _lang() -> str:
    return str(get_locale() or "cs")


def _landing_url(slug: str) -> str:
    return f"{state().settings.base_url}/wifi/{slug}/"


TOKEN_MARK = "ARRIVALTOKENPLACEHOLDER7f3a"  # unreserved characters: unchanged by URL encoding
ORIGINAL_MARK = "ORIGINALURLPLACEHOLDER7f3a"


def _splash(status: int = 200, *, slug: str | None, token: str | None = None,
            arrival: Arrival | None = None, connected: bool = False,
            form_origin: str | None = None) -> Response:
    """The splash page. Its HTML is rendered once per place, language and shape every
    ``CONTENT_SECONDS`` and the arrival's token and original URL are filled in per request
    (a train's worth of arrivals then costs a string replace each)."""
    wifi = runtime()
    original = arrival.original_url if arrival and not connected else None
    key = (slug, _lang(), connected, token is not None, original is not None)
    html = wifi.page(key, lambda: _render_splash(slug, token is not None, connected,
                                                 original is not None))
    if token is not None:
        html = html.replace(TOKEN_MARK, token)
    if original is not None:
        html = html.replace(ORIGINAL_MARK, str(escape(original)))
    response = Response(html, status, headers=NO_STORE)
    sources = "'self'" + (f" {form_origin}" if form_origin else "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        f"form-action {sources}; base-uri 'none'; frame-ancestors 'none'")
    return response


def _render_splash(slug: str | None, with_token: bool, connected: bool,
                   with_original: bool) -> str:
    wifi = runtime()
    session = db_session()
    content = wifi.content(session, slug, gettext("Map of the surroundings")) if slug else None
    places = list_locations(session) if content is None else []
    news = content.news if content else current(session, None, now=_naive_now())
    base = url_for("wifi.location", location=slug) if slug else url_for("wifi.index")
    token = TOKEN_MARK if with_token else None
    switch = {lang: base + "?" + urlencode({"lang": lang, **({"arrival": token} if token
                                                               else {})})
              for lang in WIFI_LOCALES}
    return render_template("wifi/splash.html", content=content, places=places, news=news,
                           token=token, original=ORIGINAL_MARK if with_original else None,
                           connected=connected, switch=switch,
                           terms=TERMS.get(_lang()) or TERMS["cs"], terms_version=TERMS_VERSION,
                           lang=_lang(), locales=WIFI_LOCALES)


def _naive_now() -> datetime:
    return datetime.fromtimestamp(runtime().clock(), UTC).replace(tzinfo=None)


@bp.get("/wifi/")
def index() -> str:
    return render_template("wifi/index.html", locations=list_locations(db_session()))


@bp.get("/wifi/<slug:location>")
def location(location: str) -> Response:
    """The splash page of a place; with ``?arrival=`` (a token from an arrival, kept across the
    language switch) it offers Connect."""
    get_location(db_session(), location)
    token = request.args.get("arrival")
    origin = None
    if token is not None:
        wifi = runtime()
        verified = tokens.verify(token, wifi.config.key, now=wifi.clock())
        if verified.location != location:
            raise TokenRefused("the arrival token belongs to another location", 403)
        origin = grant_origin(verified.controller, verified.handle)
    return _splash(slug=location, token=token, form_origin=origin)


@bp.get("/wifi/<slug:location>/")
def landing(location: str) -> Response:
    """After the grant (and the RFC 8908 venue-info-url): our own page for the place."""
    get_location(db_session(), location)
    return _splash(slug=location, connected=True)


@bp.route("/wifi/arrive/<controller>", methods=["GET", "POST"])
@csrf_exempt  # gateways post here (authmon) without a session
def arrival(controller: str) -> Response:
    wifi = runtime()
    adapter = wifi.controllers.get(controller)
    if adapter is None:
        abort(404)
    if request.method == "POST":
        if controller != "opennds":
            abort(405)
        return _authmon()
    query = RawQuery.parse(request.query_string)
    return _arrive(controller, query)


@bp.get("/guest/s/<site>/")
def unifi_arrival(site: str) -> Response:
    """UniFi sends guests to ``/guest/s/<site>/`` on the external portal server."""
    query = RawQuery.parse(request.query_string)
    params = dict(query.params)
    params["site"] = site
    return _arrive("unifi", RawQuery(raw=query.raw, params=params))


def _arrive(controller: str, query: RawQuery) -> Response:
    wifi = runtime()
    session = db_session()
    found, token = arrive(wifi.controllers[controller], query, wifi.directory(session),
                          wifi.limiter, wifi.config, now=wifi.clock())
    if found.gateway is None:
        return _splash(slug=None, arrival=found)
    if found.already:
        return _splash(slug=found.gateway.location_slug, arrival=found, connected=True)
    return _splash(slug=found.gateway.location_slug, token=token, arrival=found,
                   form_origin=grant_origin(controller, found.handle))


def _authmon() -> Response:
    wifi = runtime()
    if wifi.settings.env == "production" and not request.is_secure:
        raise ArrivalRefused("authmon polls are accepted over HTTPS only", 403)
    form = request.form
    if not wifi.limiter.allow("a:" + form.get("gatewayhash", "")[:64], 120, 60, wifi.clock()):
        abort(429)
    with transaction(state().engine) as session:
        reply = authmon_reply(session, auth_get=form.get("auth_get", ""),
                              gatewayhash=form.get("gatewayhash", ""),
                              payload=form.get("payload", ""), now=_naive_now())
    return Response(reply, headers={**NO_STORE, "Content-Type": "text/plain; charset=utf-8"})


@bp.post("/wifi/connect")
@csrf_exempt  # no cookies in captive browsers: the signed arrival token is the forgery guard
def connect_view() -> WerkzeugResponse:
    wifi = runtime()
    with transaction(state().engine) as session:
        token, grant = connect(session, request.form.get("arrival", ""),
                               controllers=wifi.controllers,
                               directory=wifi.directory(session), limiter=wifi.limiter,
                               config=wifi.config, landing_url=_landing_url, http=wifi.http,
                               now=wifi.clock())
    if grant.kind is GrantKind.POLL:
        html = render_template("wifi/connecting.html", landing=grant.url)
        return Response(html, 200, headers=NO_STORE)
    return redirect(grant.url, 303, Response=Response)


@bp.get("/wifi/<slug:location>/capport")
def capport(location: str) -> Response:
    """RFC 8908 for controllers that do not answer it themselves."""
    get_location(db_session(), location)
    base = state().settings.base_url
    body = {"captive": True, "user-portal-url": f"{base}/wifi/{location}",
            "venue-info-url": f"{base}/wifi/{location}/"}
    return Response(json.dumps(body), headers={"Content-Type": "application/captive+json",
                                               "Cache-Control": "private, no-store"})


@bp.get("/wifi/<slug:location>/news.atom")
def news_feed(location: str) -> Response:
    session = db_session()
    place = get_location(session, location)
    items = current(session, place, now=_naive_now(), limit=50)
    xml = render_template("wifi/news.atom", location=place, items=items,
                          base_url=state().settings.base_url, updated=_naive_now())
    return Response(xml, headers={"Content-Type": "application/atom+xml; charset=utf-8"})


@bp.get("/wifi/terms")
def terms() -> Response:
    return _page("wifi/terms.html", terms=TERMS.get(_lang()) or TERMS["cs"],
                 terms_version=TERMS_VERSION)


def _page(template: str, **context: object) -> Response:
    return Response(render_template(template, lang=_lang(), locales=WIFI_LOCALES, **context))


@bp.get("/wifi/connections.csv")
def connections() -> Response:
    session = db_session()
    return Response(connections_csv(session), headers={"Content-Type": "text/csv; charset=utf-8"})


@bp.get("/wifi/timetable/demo-gtfs.zip")
def demo_timetable() -> Response:
    return Response(zip_folder(DEMO_FEED), headers={"Content-Type": "application/zip"})


@bp.get("/wifi/simulated/<gateway>/")
def simulated_join(gateway: str) -> WerkzeugResponse:
    """A phone joins the simulated gateway's network: it is sent to the splash page."""
    query = urlencode({"gateway": gateway, "client": secrets.token_hex(16),
                       "url": "http://example.com/"})
    return redirect(url_for("wifi.arrival", controller="simulated") + "?" + query, 302)


@bp.get("/wifi/simulated/<gateway>/auth")
def simulated_auth(gateway: str) -> WerkzeugResponse:
    """The simulated gateway opens the network when the token is the one its key makes."""
    wifi = runtime()
    record = wifi.directory(db_session()).find("simulated", gateway)
    client, tok = request.args.get("client", ""), request.args.get("tok", "")
    redir = request.args.get("redir", "")
    controller = wifi.controllers["simulated"]
    if record is None or not tok or tok != simulated_token(controller.key(record),  # type: ignore[attr-defined]
                                                           client):
        raise TokenRefused("the simulated gateway refused the token", 403)
    base = state().settings.base_url
    if not redir.startswith(base + "/wifi/") or urlsplit(redir).netloc != urlsplit(base).netloc:
        raise ArrivalRefused("the simulated gateway only returns to the portal", 400)
    return redirect(redir, 302)
