"""Editorial content in the web app: public pages, news, events and flagship projects with Atom
feeds, and their editor under /editor/content."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from captive_portal.models import WifiLocation
from catalog.db import transaction
from catalog.editorial import services
from catalog.editorial.atom import FeedEntry, feed
from catalog.editorial.markdown import to_html
from catalog.editorial.models import EditorialItem, ItemKind, ProjectStatus
from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, AgentKind, RecordState, utcnow
from catalog.permissions import Action
from portal.accounts.session import authorize, get_current_user, login_required
from portal.editor.forms import message
from portal.i18n import local_text
from portal.multilingual_fields import read_texts, text_inputs
from portal.state import db_session, state

bp = Blueprint("editorial", __name__)
SECTIONS = {ItemKind.NEWS: "news", ItemKind.EVENT: "events", ItemKind.PROJECT: "projects",
            ItemKind.PAGE: "pages"}
KIND_NAMES = {ItemKind.NEWS: _l("News"), ItemKind.EVENT: _l("Events"),
              ItemKind.PROJECT: _l("Smarter Region projects"),
              ItemKind.PAGE: _l("Pages")}
STATUS_NAMES = {ProjectStatus.PLANNED: _l("planned"),
                ProjectStatus.RUNNING: _l("running"),
                ProjectStatus.DONE: _l("done")}


def markdown(mapping: dict[str, str] | None) -> Markup:
    """The item's Markdown in the visitor's language as sanitized HTML."""
    return Markup(to_html(local_text(mapping).value))  # noqa: S704 - sanitized by nh3


def _kind(section: str) -> ItemKind:
    for kind, name in SECTIONS.items():
        if name == section:
            return kind
    abort(404)


@bp.get("/<any(news,events,projects,pages):section>/")
def listing(section: str) -> str:
    kind = _kind(section)
    return render_template("editorial/list.html", kind=kind, section=section,
                           title=KIND_NAMES[kind],
                           items=services.published(db_session(), kind))


@bp.get("/<any(news,events,projects,pages):section>/<slug:slug>")
def detail(section: str, slug: str) -> str:
    kind = _kind(section)
    session = db_session()
    found = services.published_item(session, kind, slug)
    location = session.get(WifiLocation, found.wifi_location_id) \
        if found.wifi_location_id else None
    return render_template("editorial/detail.html", item=found, section=section,
                           kind_name=KIND_NAMES[kind], location=location,
                           datasets=services.linked_datasets(session, found),
                           status_names=STATUS_NAMES)


@bp.get("/<any(news,events,projects,pages):section>/feed.atom")
def atom(section: str) -> Response:
    kind = _kind(section)
    base = state().settings.base_url
    items = services.published(db_session(), kind)
    lang = str(get_locale() or "cs")
    entries = [FeedEntry(id=f"{base}/{section}/{i.slug}",
                         title=local_text(i.title).value,
                         link=f"{base}/{section}/{i.slug}",
                         updated=i.updated_at, summary=local_text(i.summary).value,
                         content_html=to_html(local_text(i.body).value)) for i in items]
    updated = max((i.updated_at for i in items), default=utcnow())
    body = feed(feed_id=f"{base}/{section}/feed.atom", title=f"{KIND_NAMES[kind]} · "
                + gettext("Liberec Region open data"), link=f"{base}/{section}/",
                self_link=f"{base}/{section}/feed.atom", lang=lang, entries=entries,
                updated=updated)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/editor/content/")
@login_required
def content_index() -> str:
    user = get_current_user()
    assert user is not None
    return render_template("editorial/editor_index.html",
                           items=services.editable_items(db_session(), user),
                           kinds=KIND_NAMES, sections=SECTIONS)


def _form_record(form: MultiDict[str, str], kind: ItemKind) -> dict[str, Any]:
    def optional(name: str) -> str | None:
        return (form.get(name) or "").strip() or None

    return {
        "kind": kind, "slug": form.get("slug", "").strip(),
        "organisation": optional("organisation"), "title": read_texts(form, "title"),
        "summary": read_texts(form, "summary"), "body": read_texts(form, "body"),
        "event_start": optional("event_start"), "event_end": optional("event_end"),
        "event_place": optional("event_place"), "wifi_location": optional("wifi_location"),
        "project_status": optional("project_status"), "goals": read_texts(form, "goals"),
        "indicators": [line.strip() for line in form.get("indicators", "").splitlines()
                       if line.strip()],
        "datasets": [s.strip() for s in form.get("datasets", "").replace(",", " ").split()
                     if s.strip()],
    }


def _item_form(found: EditorialItem, session: Any) -> MultiDict[str, str]:
    form: MultiDict[str, str] = MultiDict({"slug": found.slug})
    for name in ("title", "summary", "body", "goals"):
        form.update(text_inputs(name, getattr(found, name)))
    agent = session.get(Agent, found.agent_id) if found.agent_id else None
    form["organisation"] = agent.slug if agent else ""
    for name in ("event_start", "event_end"):
        value = getattr(found, name)
        form[name] = value.strftime("%Y-%m-%dT%H:%M") if value else ""
    form["event_place"] = found.event_place or ""
    location = session.get(WifiLocation, found.wifi_location_id) \
        if found.wifi_location_id else None
    form["wifi_location"] = location.slug if location else ""
    form["project_status"] = found.project_status or ""
    form["indicators"] = "\n".join(found.indicators)
    form["datasets"] = " ".join(d.slug for d in services.linked_datasets(session, found))
    return form


@bp.route("/editor/content/<any(news,events,projects,pages):section>/new",
          methods=["GET", "POST"])
@bp.route("/editor/content/<any(news,events,projects,pages):section>/<slug:slug>",
          methods=["GET", "POST"])
@login_required
def edit(section: str, slug: str | None = None) -> Response | tuple[str, int]:
    kind = _kind(section)
    session = db_session()
    user = get_current_user()
    assert user is not None
    found = None
    if slug is not None:
        try:
            found = services.item(session, kind, slug)
        except NotFound:
            abort(404)
        authorize(Action.EDITORIAL_EDIT, session.get(Agent, found.agent_id)
                  if found.agent_id else None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        record = _form_record(form, kind)
        if found is not None:
            record["slug"] = found.slug
        locations = {loc.slug: loc.id or 0 for loc in session.exec(select(WifiLocation))}
        try:
            with transaction(state().engine) as db:
                saved = services.save_item(db, user, record, location_ids=locations)
        except ValidationError as exc:
            field = exc.field.split(".")[0]
            errors[f"{field}_cs" if field in ("title", "summary", "body", "goals")
                   else field] = message(exc.message)
        else:
            flash(gettext("Saved."))
            return redirect(url_for("editorial.edit", section=section, slug=saved.slug))
    else:
        form = _item_form(found, session) if found else MultiDict()
    organisations = [a for a in session.exec(select(Agent).where(
        Agent.kind == AgentKind.PUBLISHER)) if user.sysadmin or a.id in user.roles]
    locations_list = session.exec(select(WifiLocation).order_by(WifiLocation.slug)).all()
    return render_template("editorial/edit.html", kind=kind, section=section, item=found,
                           form=form, errors=errors, organisations=organisations,
                           locations=locations_list, kind_name=KIND_NAMES[kind],
                           status_names=STATUS_NAMES), 400 if errors else 200


@bp.post("/editor/content/<any(news,events,projects,pages):section>/<slug:slug>/state")
@login_required
def change_state(section: str, slug: str) -> Response:
    kind = _kind(section)
    user = get_current_user()
    assert user is not None
    wanted = {"published": RecordState.PUBLISHED, "draft": RecordState.DRAFT,
              "archived": RecordState.ARCHIVED}.get(request.form.get("state", ""))
    if wanted is None:
        abort(400)
    try:
        with transaction(state().engine) as db:
            services.set_state(db, user, kind, slug, wanted)
    except NotFound:
        abort(404)
    flash(gettext("Saved."))
    return redirect(url_for("editorial.content_index"))


def init_editorial(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(markdown=markdown)
