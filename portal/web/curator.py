"""The curators' pages: a museum's collection (upload LIDO, CSV or a zip; watch the check; review
its report; publish all or only the valid records; discard), publish and withdraw objects, edit
one. Only curators of the museum (and site administrators) get past ``authorize``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from sqlmodel import select
from werkzeug.wrappers import Response as BaseResponse

from catalog import queries
from catalog import vocabularies as voc
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, AgentKind, RecordState
from catalog.museum import curation, imports
from catalog.museum.csv_import import COLUMNS, template
from catalog.museum.datasets import sync_collection_datasets
from catalog.museum.models import ImportStatus
from catalog.museum.uploads import Limits
from harvesters import queries as harvest_queries
from harvesters import services as harvest_services
from harvesters.models import HarvestSource, RecordKind, Schedule, SourceType
from portal.accounts import Action, authorize, login_required
from portal.accounts.session import get_current_user
from portal.multilingual_fields import read_texts, text_inputs
from portal.state import db_session, state

log = logging.getLogger(__name__)
bp = Blueprint("curator", __name__)
RUNNER_KEY = "museum_imports"
PAGE = 50
FORM_OVERHEAD = 256 * 1024  # multipart boundaries and the CSRF field around the file


def cap_upload(blueprint: Blueprint, endpoint: str, setting: str) -> None:
    """Let requests to ``endpoint`` exceed the app's request limit (MAX_CONTENT_LENGTH) up to
    the upload cap in ``setting``: set before anything (the CSRF check) reads the form, which
    werkzeug streams to a temporary file; a larger request is refused with a 413 naming the
    cap (``g.upload_cap``)."""

    @blueprint.record_once
    def _register(setup_state: Any) -> None:
        def limit() -> None:
            if request.endpoint == endpoint:
                g.upload_cap = getattr(state().settings, setting)
                request.max_content_length = g.upload_cap + FORM_OVERHEAD

        setup_state.app.before_request_funcs.setdefault(None, []).insert(0, limit)


class ImportRunner:
    """Reads uploads (imports, LIDO files to harvest) in a background thread, one at a time,
    so the curator's browser gets the progress page at once."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="museum-import")
        self._futures: list[Future[None]] = []
        self._lock = threading.Lock()

    def submit(self, app: Flask, import_id: int, path: Path) -> None:
        self.call(_process, app, import_id, path)

    def call(self, task: Callable[..., None], *args: Any) -> None:
        """Run ``task(*args)`` after the uploads submitted before it."""
        with self._lock:
            self._futures.append(self._pool.submit(task, *args))

    def wait(self) -> None:
        """Block until every submitted upload is read (tests, shutdown)."""
        with self._lock:
            futures, self._futures = self._futures, []
        for future in futures:
            future.result()


def _process(app: Flask, import_id: int, path: Path) -> None:
    portal = state(app)
    try:
        imports.process_import(portal.engine, import_id, path,
                               limits=Limits(max_bytes=portal.settings.museum_unpacked_max_bytes))
    except Exception:  # a bug must not kill the worker; the import stays "processing"
        log.exception("museum import %s failed", import_id)
    finally:
        path.unlink(missing_ok=True)


def runner(app: Flask) -> ImportRunner:
    found = app.extensions.get(RUNNER_KEY)
    if found is None:
        found = app.extensions[RUNNER_KEY] = ImportRunner()
    return found  # type: ignore[no-any-return]


def sync_datasets() -> None:
    """Keep each museum's collection dataset in the catalog (a museum publishing its first
    records gets one). Without the configured publisher the catalog is left as it is."""
    portal = state()
    try:
        queries.agent(db_session(), portal.settings.museum_dataset_publisher,
                      AgentKind.PUBLISHER)
    except NotFound:
        log.warning("no publisher %r for the collection datasets (PORTAL_MUSEUM_DATASET_"
                    "PUBLISHER)", portal.settings.museum_dataset_publisher)
        return
    with transaction(portal.engine) as session:
        for _ in sync_collection_datasets(session, base_url=portal.settings.base_url,
                                          publisher=portal.settings.museum_dataset_publisher):
            pass


def institution(slug: str) -> Agent:
    return queries.agent(db_session(), slug, AgentKind.INSTITUTION)


@bp.get("/curator")
@login_required
def index() -> str:
    user = get_current_user()
    assert user is not None
    query = select(Agent).where(Agent.kind == AgentKind.INSTITUTION)
    museums = [a for a in db_session().exec(query.order_by(Agent.slug))
               if user.sysadmin or a.id in user.organisations(AgentKind.INSTITUTION)]
    return render_template("curator/index.html", museums=museums)


@bp.get("/curator/<slug:slug>")
@login_required
def collection(slug: str) -> str:
    museum = institution(slug)
    authorize(Action.OBJECT_EDIT, museum)
    wanted = request.args.get("state") or None
    if wanted not in (None, *RecordState):
        abort(400, gettext("Unknown state."))
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    rows, total = curation.museum_objects(db_session(), museum.id or 0, state=wanted,
                                          offset=(number - 1) * PAGE, limit=PAGE)
    sources = db_session().exec(select(HarvestSource).where(
        HarvestSource.publisher == slug).order_by(HarvestSource.name)).all()
    harvest_cap = state().settings.harvest_upload_max_bytes
    return render_template("curator/collection.html", museum=museum, objects=rows,
                           managed=harvest_queries.managing_sources(
                               db_session(), RecordKind.OBJECT, [o.id or 0 for o in rows]),
                           total=total, page=number, pages=max(1, -(-total // PAGE)),
                           state=wanted, imports=curation.recent_imports(db_session(),
                                                                         museum.id or 0),
                           max_mb=state().settings.museum_upload_max_bytes // (1024 * 1024),
                           sources=sources, schedules=[s.value for s in Schedule],
                           source_jobs={s.id: harvest_queries.last_jobs(db_session(), s, 3)
                                        for s in sources},
                           harvest_max_mb=f"{harvest_cap / 1048576:.3g}")


cap_upload(bp, "curator.upload", "museum_upload_max_bytes")


@bp.post("/curator/<slug:slug>/imports")
@login_required
def upload(slug: str) -> BaseResponse:
    museum = institution(slug)
    user = authorize(Action.OBJECT_CREATE, museum)
    settings = state().settings
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash(gettext("Choose a file to upload."))
        return redirect(url_for("curator.collection", slug=slug))
    with transaction(state().engine) as session:
        job = imports.start_import(session, institution=museum, filename=sent.filename,
                                   created_by=user.email)
        import_id = job.id or 0
    folder = settings.upload_dir / "museum"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{import_id}.upload"
    sent.save(path)
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    runner(app).submit(app, import_id, path)
    return redirect(url_for("curator.import_page", import_id=import_id))


def _owned_import(import_id: int, action: Action) -> tuple[Any, Agent]:
    job = imports.get_import(db_session(), import_id)
    museum = db_session().get(Agent, job.institution_id)
    assert museum is not None
    authorize(action, museum)
    return job, museum


@bp.get("/curator/imports/<int(min=1, max=2147483647):import_id>")
@login_required
def import_page(import_id: int) -> str:
    job, museum = _owned_import(import_id, Action.OBJECT_CREATE)
    running = job.status in (ImportStatus.RECEIVED, ImportStatus.PROCESSING)
    rows = [] if running else imports.report(db_session(), import_id, limit=500)
    return render_template("curator/import.html", job=job, museum=museum, rows=rows,
                           running=running)


@bp.post("/curator/imports/<int(min=1, max=2147483647):import_id>/publish")
@login_required
def import_publish(import_id: int) -> BaseResponse:
    _job, museum = _owned_import(import_id, Action.OBJECT_PUBLISH)
    valid_only = request.form.get("mode") == "valid"
    portal = state()
    try:
        done = imports.publish_import(portal.engine, import_id, valid_only=valid_only,
                                      base_url=portal.settings.base_url)
    except ValidationError as exc:
        flash(exc.message)
        return redirect(url_for("curator.import_page", import_id=import_id))
    sync_datasets()
    portal.drain()
    flash(gettext("%(count)d records were published.", count=done.imported))
    return redirect(url_for("curator.collection", slug=museum.slug))


@bp.post("/curator/imports/<int(min=1, max=2147483647):import_id>/discard")
@login_required
def import_discard(import_id: int) -> BaseResponse:
    _job, museum = _owned_import(import_id, Action.OBJECT_CREATE)
    with transaction(state().engine) as session:
        imports.discard_import(session, import_id)
    flash(gettext("The upload was discarded; nothing of it was published."))
    return redirect(url_for("curator.collection", slug=museum.slug))


def _owned_object(object_id: int, action: Action) -> Any:
    obj = curation.get_object(db_session(), object_id)
    authorize(action, obj)
    return obj


@bp.post("/curator/objects/<int(min=1, max=2147483647):object_id>/state")
@login_required
def object_state(object_id: int) -> BaseResponse:
    obj = _owned_object(object_id, Action.OBJECT_PUBLISH)
    action = request.form.get("action")
    if action not in ("publish", "withdraw"):
        abort(400, gettext("Unknown action."))
    portal = state()
    with transaction(portal.engine) as session:
        harvest_services.ensure_editable(session, RecordKind.OBJECT, object_id)
        (curation.publish if action == "publish" else curation.withdraw)(session, object_id)
    sync_datasets()
    portal.drain()
    museum = db_session().get(Agent, obj.institution_id)
    assert museum is not None
    flash(gettext("Published.") if action == "publish" else gettext("Withdrawn from the public "
                                                                    "register."))
    return redirect(request.form.get("next") or url_for("curator.collection", slug=museum.slug))


CURATOR_LANGS = ("cs", "en")  # the register's objects are described in Czech and English
EDIT_FIELDS = ("title_cs", "title_en", "object_type", "inventory_number", "accession_number",
               "collection", "description_cs", "description_en", "materials", "techniques",
               "maker", "date", "earliest_year", "latest_year", "place", "acquisition",
               "rights", "esbirky_url", "europeana_url")


def _form_values(obj: Any) -> dict[str, str]:
    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        **text_inputs("title", obj.title, CURATOR_LANGS),
        "object_type": obj.object_type, "inventory_number": obj.inventory_number,
        "accession_number": text(obj.accession_number), "collection": text(obj.collection),
        **text_inputs("description", obj.description, CURATOR_LANGS),
        "materials": "; ".join(obj.materials), "techniques": "; ".join(obj.techniques),
        "maker": text(obj.maker), "date": text(obj.production_date),
        "earliest_year": text(obj.earliest_year), "latest_year": text(obj.latest_year),
        "place": text(obj.production_place), "acquisition": text(obj.acquisition),
        "rights": text(obj.rights), "esbirky_url": text(obj.esbirky_url),
        "europeana_url": text(obj.europeana_url),
    }


def _changes(form: dict[str, str]) -> dict[str, Any]:
    def optional(name: str) -> str | None:
        return form.get(name, "").strip() or None

    def year(name: str) -> Any:
        value = form.get(name, "").strip()
        return int(value) if value.lstrip("-").isdigit() and len(value) < 9 else (value or None)

    def split(name: str) -> list[str]:
        return [part.strip() for part in form.get(name, "").split(";") if part.strip()]

    return {
        "title": read_texts(form, "title", CURATOR_LANGS),
        "object_type": form.get("object_type", ""),
        "inventory_number": form.get("inventory_number", ""),
        "accession_number": optional("accession_number"), "collection": optional("collection"),
        "description": read_texts(form, "description", CURATOR_LANGS),
        "materials": split("materials"), "techniques": split("techniques"),
        "production": {"maker": optional("maker"), "date": optional("date"),
                       "earliest_year": year("earliest_year"), "latest_year": year("latest_year"),
                       "place": optional("place")},
        "acquisition": optional("acquisition"), "rights": optional("rights"),
        "esbirky_url": optional("esbirky_url"), "europeana_url": optional("europeana_url"),
    }


_ERROR_FIELDS = {"title": "title_cs", "description": "description_cs", "production": "date",
                 "production.earliest_year": "earliest_year",
                 "production.latest_year": "latest_year", "production.maker": "maker",
                 "production.place": "place", "production.date": "date"}


@bp.route("/curator/objects/<int(min=1, max=2147483647):object_id>/edit",
          methods=["GET", "POST"])
@login_required
def edit(object_id: int) -> Any:
    obj = _owned_object(object_id, Action.OBJECT_EDIT)
    museum = db_session().get(Agent, obj.institution_id)
    errors: dict[str, str] = {}
    values = _form_values(obj)
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in EDIT_FIELDS}
        portal = state()
        try:
            with transaction(portal.engine) as session:
                harvest_services.ensure_editable(session, RecordKind.OBJECT, object_id)
                curation.edit_object(session, object_id, _changes(values))
        except ValidationError as exc:
            errors[_ERROR_FIELDS.get(exc.field, exc.field)] = exc.message
        else:
            portal.drain()
            flash(gettext("Saved."))
            return redirect(url_for("curator.edit", object_id=object_id))
    body = render_template("curator/edit.html", obj=obj, museum=museum, values=values,
                           errors=errors, rights=voc.RIGHTS,
                           managed=harvest_services.managing_source(
                               db_session(), RecordKind.OBJECT, object_id))
    return (body, 400) if errors else body


@bp.post("/curator/objects/<int(min=1, max=2147483647):object_id>/detach")
@login_required
def detach(object_id: int) -> BaseResponse:
    """Take a harvested object over from its source (the source stops updating it)."""
    actor = authorize(Action.OBJECT_EDIT, curation.get_object(db_session(), object_id))
    with transaction(state().engine) as session:
        source = harvest_services.detach_object(session, actor,
                                                curation.get_object(session, object_id))
    if source is not None:
        flash(gettext("The record was detached from the harvest source %(source)s: you can "
                      "edit it now, and the source no longer updates it.", source=source))
    return redirect(url_for("curator.edit", object_id=object_id))


@bp.post("/curator/<slug:slug>/sources")
@login_required
def add_source(slug: str) -> BaseResponse:
    """Register the museum's own OAI-PMH endpoint for scheduled harvest (the harvest runner
    reads it into this museum's collection)."""
    museum = institution(slug)
    authorize(Action.ORG_MANAGE_HARVEST, museum)
    taken = {s.name for s in harvest_services.list_sources(db_session())}
    name = next(f"{slug}-oai" + (f"-{n}" if n else "") for n in range(len(taken) + 1)
                if f"{slug}-oai" + (f"-{n}" if n else "") not in taken)
    try:
        with transaction(state().engine) as session:
            harvest_services.add_source(
                session, name=name[:120], type=SourceType.OAI_PMH,
                url=request.form.get("url", "").strip(), publisher=slug,
                metadata_prefix=request.form.get("metadata_prefix") or "lido",
                set_spec=request.form.get("set_spec", "").strip() or None,
                schedule=request.form.get("schedule") or Schedule.DAILY)
    except ValidationError as exc:
        flash(f"{exc.field}: {exc.message}")
    else:
        flash(gettext("The OAI-PMH source was registered; it is harvested on its schedule."))
    return redirect(url_for("curator.collection", slug=slug))


@bp.get("/museum/csv")
def csv_help() -> str:
    return render_template("curator/csv_help.html", columns=COLUMNS)


@bp.get("/museum/csv-template.csv")
def csv_template() -> Response:
    response = Response(template().encode("utf-8-sig"), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="sbirkove-predmety.csv"'
    return response


@bp.app_template_global()
def import_status(status: str) -> str:
    labels = {ImportStatus.RECEIVED: gettext("Waiting to be checked"),
              ImportStatus.PROCESSING: gettext("Being checked"),
              ImportStatus.VALIDATED: gettext("Checked"),
              ImportStatus.FAILED: gettext("Refused"),
              ImportStatus.PUBLISHED: gettext("Published"),
              ImportStatus.DISCARDED: gettext("Discarded")}
    return labels.get(ImportStatus(status), status) if status in set(ImportStatus) else status


@bp.app_template_global()
def object_status(record_state: str) -> str:
    labels = {RecordState.PUBLISHED: gettext("Published"), RecordState.DRAFT: gettext("Draft"),
              RecordState.ARCHIVED: gettext("Withdrawn")}
    return labels.get(RecordState(record_state), record_state) \
        if record_state in set(RecordState) else record_state
