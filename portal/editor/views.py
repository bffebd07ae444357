"""The dataset editor's pages (server-rendered forms, no JavaScript needed) and the download
of uploaded files."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from sqlmodel import col, select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from catalog import queries
from catalog.accounts.queries import users_by_id
from catalog.db import transaction
from catalog.editor import services
from catalog.editor.records import dataset_record
from catalog.editor.uploads import UploadProblem, UploadRefused, path_of, store
from catalog.errors import NotFound, NotPublishable, ValidationError
from catalog.models import Agent, ContactPoint, Distribution, RecordState
from catalog.permissions import Action, can
from harvesters import services as harvest_services
from harvesters.models import RecordKind
from portal.accounts import authorize, get_current_user, login_required
from portal.editor import forms
from portal.state import db_session, state

log = logging.getLogger(__name__)
bp = Blueprint("editor", __name__, url_prefix="/editor")
files_bp = Blueprint("files", __name__)


def _principal() -> Any:
    user = get_current_user()
    assert user is not None  # login_required ran first
    return user


def _reindex() -> None:
    """Apply the write's outbox rows now if no other process is doing it (they wait for the
    next drain otherwise: nothing is lost)."""
    try:
        state().drain(wait=False)
    except Exception:  # the index is derived: a failure here must not fail the saved change
        log.exception("applying index changes after an edit failed")


def _managed(dataset: Any) -> str | None:
    """The harvest source that owns the dataset (None: editors may change it)."""
    return harvest_services.managing_source(db_session(), RecordKind.DATASET, dataset.id or 0)


def _ensure_editable(db: Any, dataset: Any) -> None:
    """Refuse (409, ``ManagedBySource``) a change to a dataset a harvest source owns; called in
    the change's transaction."""
    harvest_services.ensure_editable(db, RecordKind.DATASET, dataset.id or 0)


def _render_form(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, choices=forms.choices(), **context), status


@bp.get("/")
@login_required
def index() -> str:
    return render_template("editor/index.html",
                           groups=services.editable_datasets(db_session(), _principal()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Response | tuple[str, int]:
    session = db_session()
    slug = request.values.get("publisher", "")
    try:
        publisher = services.publisher_for(session, slug)
    except NotFound:
        abort(404)
    authorize(Action.DATASET_CREATE, publisher)
    form: MultiDict[str, str] = request.form if request.method == "POST" else MultiDict()
    errors: dict[str, str] = {}
    if request.method == "POST":
        record, errors = forms.dataset_record(form)
        record["publisher"] = publisher.slug
        errors = {**forms.dataset_errors(record), **errors}
        if not errors:
            try:
                with transaction(state().engine) as db:
                    dataset = services.create_dataset(db, _principal(), publisher, record,
                                                      base_url=state().settings.base_url)
            except ValidationError as exc:
                errors[forms.field_name(tuple(exc.field.split(".")))] = \
                    forms.message(exc.message)
            else:
                flash(gettext("The dataset was saved as a draft."))
                return redirect(url_for("editor.dataset", slug=dataset.slug))
    return _render_form("editor/dataset_form.html", 400 if errors else 200, form=form,
                        errors=errors, publisher=publisher, dataset=None)


def _editable(slug: str, action: Action = Action.DATASET_EDIT) -> Any:
    try:
        dataset = services.dataset_by_slug(db_session(), slug)
    except NotFound:
        abort(404)
    authorize(action, dataset)
    return dataset


@bp.get("/datasets/<slug:slug>")
@login_required
def dataset(slug: str) -> str:
    return _dataset_page(_editable(slug, Action.DATASET_VIEW_DRAFT))[0]


def _dataset_page(found: Any, status: int = 200, problems: list[str] | None = None
                  ) -> tuple[str, int]:
    session = db_session()
    return render_template("editor/dataset.html", dataset=found,
                           publisher=session.get(Agent, found.publisher_id),
                           record=dataset_record(session, found), managed=_managed(found),
                           problems=problems), status


@bp.route("/datasets/<slug:slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> Response | tuple[str, int]:
    found = _editable(slug)
    session = db_session()
    publisher = session.get(Agent, found.publisher_id)
    errors: dict[str, str] = {}
    form: MultiDict[str, str]
    if request.method == "POST":
        form = request.form
        record, errors = forms.dataset_record(form)
        record["slug"] = slug
        record["publisher"] = record["publisher"] or (publisher.slug if publisher else "")
        errors = {**forms.dataset_errors(record), **errors}
        if not errors:
            try:
                with transaction(state().engine) as db:
                    _ensure_editable(db, found)
                    services.update_dataset(db, _principal(), slug, record,
                                            base_url=state().settings.base_url)
            except ValidationError as exc:
                errors[forms.field_name(tuple(exc.field.split(".")))] = \
                    forms.message(exc.message)
            else:
                _reindex()
                flash(gettext("Your changes were saved."))
                return redirect(url_for("editor.dataset", slug=slug))
    else:
        form = forms.dataset_form(dataset_record(session, found))
    return _render_form("editor/dataset_form.html", 400 if errors else 200, form=form,
                        errors=errors, publisher=publisher, dataset=found,
                        managed=_managed(found))


def _upload_error(exc: UploadRefused) -> str:
    if exc.problem is UploadProblem.TOO_LARGE:
        return gettext("The file is larger than %(size)s MB.",
                       size=f"{round(int(exc.detail) / 1048576, 1):g}")
    if exc.problem is UploadProblem.TYPE_MISMATCH:
        claimed, actual = exc.detail.split(":")
        return gettext("The file's content (%(actual)s) is not %(claimed)s: check the file or "
                       "the chosen format.", actual=actual.upper(), claimed=claimed)
    if exc.problem is UploadProblem.EMPTY:
        return gettext("The file is empty.")
    return gettext("This kind of file is not accepted.")


@bp.route("/datasets/<slug:slug>/distributions/new", methods=["GET", "POST"])
@login_required
def new_distribution(slug: str) -> Response | tuple[str, int]:
    found = _editable(slug)
    if (source := _managed(found)) is not None:  # before an upload is stored
        raise harvest_services.ManagedBySource(source)
    settings = state().settings
    errors: dict[str, str] = {}
    form: MultiDict[str, str] = (request.form if request.method == "POST"
                                 else MultiDict({"kind": "upload"}))
    if request.method == "POST":
        kind = form.get("kind", "url")
        record = forms.distribution_record(form)
        upload = None
        if kind == "upload":
            file = request.files.get("file")
            if file is None or not file.filename:
                errors["file"] = gettext("Choose a file to upload.")
            else:
                try:
                    upload = store(file.stream, file.filename, settings.upload_dir,
                                   max_bytes=settings.upload_max_bytes,
                                   declared_format=record["format"])
                except UploadRefused as exc:
                    errors["file"] = _upload_error(exc)
                else:
                    url = f"{settings.base_url}/files/0/{upload.filename}"
                    record.update(access_url=url, download_url=url, format=upload.format)
        errors = {**forms.distribution_errors(record), **errors} if not errors else errors
        if not errors:
            try:
                with transaction(state().engine) as db:
                    _ensure_editable(db, found)
                    services.add_distribution(
                        db, _principal(), slug, record, base_url=settings.base_url,
                        upload=upload,
                        api_documentation=(form.get("api_documentation") or "").strip()
                        if kind == "api" else None)
            except ValidationError as exc:
                errors[forms.field_name(tuple(exc.field.split(".")))] = \
                    forms.message(exc.message)
                if upload is not None and upload.created:
                    upload.path.unlink(missing_ok=True)  # nothing half-saved
            else:
                _reindex()
                flash(gettext("The distribution was added."))
                return redirect(url_for("editor.dataset", slug=slug))
    return _render_form("editor/distribution_form.html", 400 if errors else 200, form=form,
                        errors=errors, dataset=found)


@bp.post("/datasets/<slug:slug>/distributions/<int:position>/remove")
@login_required
def remove_distribution(slug: str, position: int) -> Response:
    found = _editable(slug)
    with transaction(state().engine) as db:
        _ensure_editable(db, found)
        services.remove_distribution(db, _principal(), slug, position,
                                     base_url=state().settings.base_url)
    _reindex()
    flash(gettext("The distribution was removed."))
    return redirect(url_for("editor.dataset", slug=slug))


STATES = {"published": RecordState.PUBLISHED, "draft": RecordState.DRAFT,
          "archived": RecordState.ARCHIVED}


@bp.post("/datasets/<slug:slug>/state")
@login_required
def change_state(slug: str) -> Response | tuple[str, int]:
    found = _editable(slug, Action.DATASET_VIEW_DRAFT)
    wanted = STATES.get(request.form.get("state", ""))
    if wanted is None:
        abort(400, gettext("Unknown state."))
    try:
        with transaction(state().engine) as db:
            _ensure_editable(db, found)
            services.set_state(db, _principal(), slug, wanted)
    except NotPublishable as exc:
        return _dataset_page(_editable(slug, Action.DATASET_VIEW_DRAFT), 400,
                             forms.publishing_messages(exc.problems))
    _reindex()
    flash({RecordState.PUBLISHED: gettext("The dataset is published."),
           RecordState.DRAFT: gettext("The dataset is a draft again (not public)."),
           RecordState.ARCHIVED: gettext("The dataset was deleted. An administrator can "
                                         "publish it again.")}[wanted])
    return redirect(url_for("editor.dataset", slug=slug))


@bp.get("/datasets/<slug:slug>/preview")
@login_required
def preview(slug: str) -> str:
    found = _editable(slug, Action.DATASET_VIEW_DRAFT)
    session = db_session()
    publisher = session.get(Agent, found.publisher_id)
    contact = session.get(ContactPoint, found.contact_point_id) if found.contact_point_id \
        else None
    view = queries.DatasetView(found, publisher, _distributions(found), contact,  # type: ignore[arg-type]
                               None)
    return render_template("editor/preview.html", view=view, dataset=found)


def _distributions(dataset: Any) -> list[Any]:
    return list(db_session().exec(select(Distribution).where(
        Distribution.dataset_id == dataset.id).order_by(col(Distribution.position))))


@bp.get("/datasets/<slug:slug>/history")
@login_required
def history(slug: str) -> str:
    return _history_page(_editable(slug, Action.DATASET_VIEW_DRAFT))[0]


def _history_page(found: Any, status: int = 200, problems: list[str] | None = None
                  ) -> tuple[str, int]:
    session = db_session()
    revisions = services.revisions(session, found)
    users = users_by_id(session, (r.user_id for r in revisions))
    return render_template("editor/history.html", dataset=found, revisions=revisions,
                           users=users, can_restore=can(get_current_user(),
                                                        Action.DATASET_RESTORE, found),
                           problems=problems), status


@bp.post("/datasets/<slug:slug>/history/<int:number>/restore")
@login_required
def restore(slug: str, number: int) -> Response | tuple[str, int]:
    found = _editable(slug, Action.DATASET_RESTORE)
    try:
        with transaction(state().engine) as db:
            _ensure_editable(db, found)
            services.restore(db, _principal(), slug, number,
                             base_url=state().settings.base_url)
    except NotPublishable as exc:  # the dataset is published; that version could not be
        return _history_page(_editable(slug, Action.DATASET_VIEW_DRAFT), 400,
                             forms.publishing_messages(exc.problems))
    _reindex()
    flash(gettext("Version %(number)s was restored.", number=number))
    return redirect(url_for("editor.history", slug=slug))


@bp.post("/datasets/<slug:slug>/detach")
@login_required
def detach(slug: str) -> Response:
    """Take the dataset over from its harvest source (the source stops updating it)."""
    _editable(slug)
    with transaction(state().engine) as db:
        source = harvest_services.detach_dataset(db, _principal(),
                                                 services.dataset_by_slug(db, slug))
    if source is not None:
        flash(gettext("The dataset was detached from the harvest source %(source)s: you can "
                      "edit it now, and the source no longer updates it.", source=source))
    return redirect(url_for("editor.dataset", slug=slug))


@files_bp.get("/files/<int:file_id>/<name>")
def download(file_id: int, name: str) -> Response:
    """An uploaded file: public once its dataset is published, else for its editors."""
    session = db_session()
    try:
        stored, owner = services.stored_file(session, file_id)
    except NotFound:
        abort(404)
    if name != stored.filename:
        abort(404)
    if owner.state != RecordState.PUBLISHED and not can(get_current_user(),
                                                        Action.DATASET_VIEW_DRAFT, owner):
        abort(404)
    path = path_of(state().settings.upload_dir, stored.sha256)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=stored.media_type, as_attachment=True,
                         download_name=stored.filename, etag=stored.sha256,
                         max_age=3600 if owner.state == RecordState.PUBLISHED else 0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
