"""The curators' harvest pages: upload a LIDO file that the museum's LIDO source harvests at
once (the same run as ``portal harvest run``), and the result of a harvest job (counts, errors
grouped by message)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from catalog.db import transaction
from catalog.errors import CatalogError
from harvesters import queries as harvest_queries
from harvesters import uploads as harvest_uploads
from harvesters.errors import HarvestError
from harvesters.models import HarvestSource, JobStatus
from harvesters.runner import SourceBusy, run_source
from portal.accounts import Action, authorize, login_required
from portal.harvesting import harvest_settings, http_client
from portal.state import db_session, state
from portal.web.curator import institution, sync_datasets

bp = Blueprint("museum_harvest", __name__)

FORM_OVERHEAD = 256 * 1024  # multipart boundaries and the CSRF field around the file


@bp.record_once
def _harvest_upload_limit(setup_state: Any) -> None:
    def limit() -> None:
        """A LIDO upload may exceed the app's request limit, up to its own cap; set before the
        CSRF check reads the form (a larger request is refused with a 413 naming the cap)."""
        if request.endpoint == "museum_harvest.lido":
            g.upload_cap = state().settings.harvest_upload_max_bytes
            request.max_content_length = g.upload_cap + FORM_OVERHEAD

    setup_state.app.before_request_funcs.setdefault(None, []).insert(0, limit)


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
    """Harvest an uploaded LIDO file into the museum's collection now (the same run as
    ``portal harvest run``; records already harvested are updated, not duplicated)."""
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
            source_id, name = source.id, source.name
        report = run_source(portal.engine, name, http=http_client(portal.settings),
                            settings=harvest_settings(portal.settings), index=portal.search,
                            full=True, document=str(upload))
    except SourceBusy:
        upload.unlink(missing_ok=True)
        flash(gettext("Another harvest of this museum's LIDO source is running; try again when "
                      "it has finished. Nothing was changed."))
        return back
    except (CatalogError, HarvestError) as exc:
        upload.unlink(missing_ok=True)
        flash(str(exc))
        return back
    if report.status is JobStatus.FAILED:
        upload.unlink(missing_ok=True)
    else:
        with transaction(portal.engine) as session:
            source = session.get(HarvestSource, source_id)
            assert source is not None
            harvest_uploads.adopt_upload(session, source, upload, folder)
        sync_datasets()
    return redirect(url_for("museum_harvest.job", slug=slug, job_id=report.job_id))


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
