"""The curators' harvest pages: upload a LIDO file that the museum's LIDO source harvests in the
background worker (the same run as ``portal harvest run``), wait for it, and read the result of
a harvest job (counts, errors grouped by message)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from catalog.db import transaction
from catalog.errors import CatalogError
from harvesters import queries as harvest_queries
from harvesters import uploads as harvest_uploads
from harvesters.models import JobStatus
from harvesters.runner import SourceBusy, get_source, run_source
from portal.accounts import Action, authorize, login_required
from portal.harvesting import harvest_settings, http_client
from portal.state import db_session, state
from portal.web.curator import cap_upload, institution, runner, sync_datasets

log = logging.getLogger(__name__)
bp = Blueprint("museum_harvest", __name__)
PROGRESS_WAIT = 8.0  # seconds the progress page waits for a run before offering a reload

cap_upload(bp, "museum_harvest.lido", "harvest_upload_max_bytes")


def _refusal(exc: harvest_uploads.UploadRefused) -> str:
    if exc.problem is harvest_uploads.UploadProblem.TOO_LARGE:
        return gettext("The file is larger than %(size)s MB. Nothing was changed.",
                       size=f"{round(exc.limit / 1048576, 1):g}")
    if exc.problem is harvest_uploads.UploadProblem.EMPTY:
        return gettext("The file is empty. Nothing was changed.")
    return gettext("The file is not XML: upload a LIDO XML document (lido:lidoWrap or "
                   "lido:lido). Nothing was changed.")


@bp.post("/curator/<slug:slug>/harvest/lido")
@login_required
def lido(slug: str) -> BaseResponse:
    """Harvest an uploaded LIDO file into the museum's collection in the background (the same
    run as ``portal harvest run``; records already harvested are updated, not duplicated)."""
    museum = institution(slug)
    authorize(Action.ORG_MANAGE_HARVEST, museum)
    portal = state()
    back = redirect(url_for("curator.collection", slug=slug))
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash(gettext("Choose a file to upload."))
        return back
    folder = portal.settings.upload_dir / "harvest"
    try:
        upload = harvest_uploads.save_upload(
            sent.stream, folder, max_bytes=portal.settings.harvest_upload_max_bytes)
    except harvest_uploads.UploadRefused as exc:
        flash(_refusal(exc))
        return back
    try:
        with transaction(portal.engine) as session:
            source = harvest_uploads.lido_upload_source(session, museum.slug, folder)
            name = source.name
            after = harvest_queries.newest_job_id(session, source)
    except CatalogError as exc:
        upload.unlink(missing_ok=True)
        flash(str(exc))
        return back
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    runner(app).call(_harvest, app, name, upload, folder)
    return redirect(url_for("museum_harvest.progress", slug=slug, name=name, after=after))


def _harvest(app: Flask, name: str, upload: Path, folder: Path) -> None:
    """The run of an uploaded file (in the curators' background worker): the upload becomes
    the source's document only if the run did not fail."""
    portal = state(app)
    try:
        report = run_source(portal.engine, name, http=http_client(portal.settings),
                            settings=harvest_settings(portal.settings), index=portal.search,
                            full=True, document=str(upload))
        if report.status is not JobStatus.FAILED:
            with transaction(portal.engine) as session:
                source = get_source(session, name)
                harvest_uploads.adopt_upload(session, source, upload, folder)
            with app.app_context():
                sync_datasets()
    except SourceBusy:
        pass  # the job says so; nothing was changed
    except Exception:  # a bug must not kill the worker; a started job is reaped as stale
        log.exception("harvest of the uploaded file for %s failed", name)
    finally:
        upload.unlink(missing_ok=True)


@bp.get("/curator/<slug:slug>/harvest/sources/<slug:name>")
@login_required
def progress(slug: str, name: str) -> Any:
    """Waits for the run of an upload, then shows its job."""
    museum = institution(slug)
    authorize(Action.ORG_MANAGE_HARVEST, museum)
    after = request.args.get("after", "0")
    source = get_source(db_session(), name)
    if source.publisher != slug or not after.isdigit() or len(after) > 10:
        abort(404)
    # No timed refresh (WCAG 2.2.1): the request waits a little for the run instead, then
    # offers a reload link.
    deadline = time.monotonic() + PROGRESS_WAIT
    while True:
        newest = harvest_queries.newest_job_id(db_session(), source, finished=True)
        if newest > int(after):
            return redirect(url_for("museum_harvest.job", slug=slug, job_id=newest))
        if time.monotonic() >= deadline:
            return render_template("curator/harvest_progress.html", museum=museum,
                                   source=source)
        db_session().rollback()  # see the worker's commits
        time.sleep(0.25)


@bp.get("/curator/<slug:slug>/harvest/jobs/<int(min=1, max=2147483647):job_id>")
@login_required
def job(slug: str, job_id: int) -> str:
    """One harvest job of the museum's sources: status, counts, errors grouped by message."""
    museum = institution(slug)
    authorize(Action.ORG_MANAGE_HARVEST, museum)
    found = harvest_queries.job(db_session(), job_id)
    if found is None or found[0].publisher != slug:
        abort(404)
    source, view = found
    return render_template("curator/harvest_job.html", museum=museum, source=source, job=view,
                           issues=harvest_queries.other_issues(view.issues))
