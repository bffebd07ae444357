"""The reuse pages (one blueprint): list, feed, a reuse, the submit and edit forms, withdrawal,
the submitter's own reuses, the moderation queue and its decisions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from sqlmodel import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from catalog import queries as catalog_queries
from catalog.db import transaction
from catalog.editorial.atom import FeedEntry, feed
from catalog.errors import NotFound, ValidationError
from catalog.models import AgentKind, Dataset, utcnow
from catalog.permissions import Action
from catalog.reuses import editing, queries, services
from catalog.reuses.models import Reuse, ReuseStatus, ReuseType
from portal.accounts.session import authorize, get_current_user, login_required
from portal.accounts.state import accounts
from portal.i18n import LANGUAGE_NAMES, LOCALES
from portal.reuses.display import type_label
from portal.reuses.forms import form_errors, form_record, message
from portal.reuses.mails import outcome_mail, publisher_mail, waiting_mail
from portal.state import db_session, state
from portal.web.errors import render_error

T = TypeVar("T")

bp = Blueprint("reuses", __name__)
log = logging.getLogger(__name__)
PAGE = 24
MAX_PAGE = 1000
FEED_SIZE = 50


def _type_arg() -> ReuseType | None:
    value = request.args.get("type")
    if not value:
        return None
    if value not in set(ReuseType):
        abort(400, gettext("Unknown type of reuse."))
    return ReuseType(value)


@bp.get("/reuses/")
def listing() -> str:
    type_ = _type_arg()
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(400, gettext("The page number is out of range."))
    session = db_session()
    used = None
    if request.args.get("dataset"):
        dataset_id = queries.published_dataset_id(session, request.args["dataset"])
        if dataset_id is None:
            raise NotFound("dataset", request.args["dataset"][:200])
        used = session.get(Dataset, dataset_id)
    publisher = None
    if request.args.get("publisher") and used is None:
        publisher = catalog_queries.agent(
            session, request.args["publisher"][:200], AgentKind.PUBLISHER
        )
    scope = {
        "dataset_id": used.id if used else None,
        "publisher_id": publisher.id if publisher else None,
    }
    found = queries.published_page(session, PAGE, type_=type_, offset=(page - 1) * PAGE, **scope)
    return render_template(
        "reuses/list.html",
        used=used,
        publisher=publisher,
        reuses=found.items,
        total=found.total,
        page=page,
        more=found.next_key is not None,
        type_=type_,
        counts=queries.type_counts(session, **scope),
        datasets=queries.datasets_of(session, [r.id or 0 for r in found.items]),
    )


@bp.get("/reuses/feed.atom")
def atom() -> Response:
    type_ = _type_arg()
    base = state().settings.base_url
    reuses = queries.published_page(db_session(), FEED_SIZE, type_=type_, count=False).items
    suffix = f"?type={type_.value}" if type_ else ""
    entries = [
        FeedEntry(
            id=f"{base}/reuses/{r.id}",
            title=r.title,
            link=f"{base}/reuses/{r.id}",
            updated=r.updated_at,
            summary=f"{type_label(r.type)}: {r.description}",
            content_html="",
        )
        for r in reuses
    ]
    title = gettext("Reuses of the data") + (f" · {type_label(type_)}" if type_ else "")
    body = feed(
        feed_id=f"{base}/reuses/feed.atom{suffix}",
        title=f"{title} · " + gettext("Liberec Region open data"),
        link=f"{base}/reuses/{suffix}",
        self_link=f"{base}/reuses/feed.atom{suffix}",
        lang=str(get_locale() or "cs"),
        entries=entries,
        updated=max((r.updated_at for r in reuses), default=utcnow()),
    )
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=600"
    return response


@bp.get("/reuses/<int(min=1, max=2147483647):reuse_id>")
def detail(reuse_id: int) -> str:
    session = db_session()
    reuse = queries.visible_reuse(session, get_current_user(), reuse_id)
    return render_template(
        "reuses/detail.html",
        reuse=reuse,
        datasets=queries.datasets_of(session, [reuse_id])[reuse_id],
    )


@bp.route("/reuses/new", methods=["GET", "POST"])
@login_required
def submit() -> str | Response | tuple[str | Response, int]:
    me = get_current_user()
    if me is not None and not me.verified and not me.sysadmin:
        return render_error(
            403,
            gettext("Confirm your e-mail address first"),
            gettext(
                "Reuses can be submitted from accounts with a confirmed e-mail address. Open "
                "the link we sent you, or send it again from your account page."
            ),
        )
    user = authorize(Action.REUSE_SUBMIT)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form: MultiDict[str, str] = request.form
        reuse, errors = _save(form, lambda session, record: services.submit(session, user, record))
        if reuse is not None:
            flash(
                gettext("Thank you. Your reuse will appear once an administrator has approved it.")
            )
            _tell_moderators(reuse)
            return redirect(url_for("reuses.detail", reuse_id=reuse.id))
    else:
        form = MultiDict(
            {
                "language": str(get_locale() or "cs"),
                "datasets": request.args.get("dataset", "")[:200],
            }
        )
    return _form_page("reuses/submit.html", form, errors)


def _save(
    form: MultiDict[str, str], change: Callable[[Session, dict[str, Any]], T]
) -> tuple[T | None, dict[str, str]]:
    """The form's record checked, then ``change`` applied in one transaction: its result, or
    the problems per field in the visitor's language."""
    record = form_record(form)
    errors = form_errors(record)
    if errors:
        return None, errors
    try:
        with transaction(state().engine) as session:
            return change(session, record), {}
    except ValidationError as exc:
        return None, {exc.field.split(".")[0]: message(exc.message)}


def _form_page(
    template: str, form: MultiDict[str, str], errors: dict[str, str], **context: object
) -> tuple[str, int]:
    return render_template(
        template,
        form=form,
        errors=errors,
        types=[(t.value, type_label(t)) for t in ReuseType],
        languages=[(lang, LANGUAGE_NAMES[lang]) for lang in LOCALES],
        **context,
    ), 400 if errors else 200


def _editable(reuse_id: int) -> tuple[Reuse, list[Dataset]]:
    """The reuse the signed-in user may change (404: not theirs to see, or withdrawn; 403:
    visible but not theirs to change) and its datasets."""
    session = db_session()
    reuse = queries.visible_reuse(session, get_current_user(), reuse_id)
    if reuse.status == ReuseStatus.WITHDRAWN:
        raise NotFound("reuse", reuse_id)
    authorize(Action.REUSE_EDIT, reuse)
    return reuse, queries.datasets_of(session, [reuse_id])[reuse_id]


@bp.route("/reuses/<int(min=1, max=2147483647):reuse_id>/edit", methods=["GET", "POST"])
@login_required
def edit(reuse_id: int) -> Response | tuple[str, int]:
    reuse, datasets = _editable(reuse_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form: MultiDict[str, str] = request.form
        edited, errors = _save(
            form,
            lambda session, record: editing.edit(session, get_current_user(), reuse_id, record),
        )
        if edited is not None:
            if not edited.changed:
                flash(gettext("Nothing was changed."))
            elif edited.resubmitted:
                flash(
                    gettext(
                        "Saved. The reuse will appear again once an administrator has "
                        "approved the changes."
                    )
                )
                _tell_moderators(edited.reuse)
            else:
                flash(gettext("Saved."))
            return redirect(url_for("reuses.detail", reuse_id=reuse_id))
    else:
        form = MultiDict(
            {
                "type": reuse.type,
                "title": reuse.title,
                "description": reuse.description,
                "url": reuse.url,
                "author_name": reuse.author_name or "",
                "language": reuse.language,
                "datasets": "\n".join(d.slug for d in datasets),
            }
        )
    return _form_page("reuses/edit.html", form, errors, reuse=reuse)


@bp.post("/reuses/<int(min=1, max=2147483647):reuse_id>/withdraw")
@login_required
def withdraw(reuse_id: int) -> Response:
    _editable(reuse_id)
    with transaction(state().engine) as session:
        editing.withdraw(session, get_current_user(), reuse_id)
    flash(gettext("The reuse was withdrawn: it is no longer shown on the portal."))
    return redirect(url_for("reuses.mine"))


def _tell_moderators(reuse: Reuse) -> None:
    try:
        with transaction(state().engine) as session:
            services.tell_moderators(session, accounts().mailer, reuse, waiting_mail)
    except OSError:  # smtplib's errors: the submission stands, the moderators see the queue
        log.warning("mail about the new reuse %s not sent", reuse.id, exc_info=True)


@bp.get("/reuses/mine")
@login_required
def mine() -> str:
    user = get_current_user()
    assert user is not None
    return render_template("reuses/mine.html", reuses=queries.submitted_by(db_session(), user.id))


@bp.get("/admin/reuses")
@login_required
def moderation() -> str:
    authorize(Action.REUSE_MODERATE)
    wanted = request.args.get("status", ReuseStatus.PENDING.value)
    if wanted not in set(ReuseStatus):
        abort(400, gettext("Unknown status."))
    session = db_session()
    reuses = queries.queue(session, ReuseStatus(wanted))
    return render_template(
        "reuses/moderation.html",
        reuses=reuses,
        status=wanted,
        counts=queries.status_counts(session),
        datasets=queries.datasets_of(session, [r.id or 0 for r in reuses]),
        submitters=queries.users(session, {r.submitter_id for r in reuses if r.submitter_id}),
    )


@bp.post("/admin/reuses/<int(min=1, max=2147483647):reuse_id>")
@login_required
def moderate(reuse_id: int) -> Response | tuple[str, int]:
    user = authorize(Action.REUSE_MODERATE)
    back = request.form.get("back", "")
    back_url = url_for("reuses.moderation", status=back if back in set(ReuseStatus) else None)
    data = {
        "decision": request.form.get("decision", ""),
        "note": request.form.get("note", "").strip(),
    }
    try:
        with transaction(state().engine) as session:
            reuse = services.moderate(session, user, reuse_id, data)
    except NotFound:
        abort(404)
    except ValidationError as exc:
        flash(message(exc.message))
        return redirect(back_url)
    flash(gettext("Published.") if reuse.status == ReuseStatus.PUBLISHED else gettext("Rejected."))
    try:
        with transaction(state().engine) as session:
            services.tell_submitter(session, accounts().mailer, reuse, outcome_mail)
            if services.first_publication(reuse):
                services.tell_publishers(session, accounts().mailer, reuse, publisher_mail)
    except OSError:  # smtplib's errors: the decision stands, the mail is lost
        log.warning("mail about reuse %s not sent", reuse_id, exc_info=True)
        flash(gettext("The submitter or the data's publishers could not be told by e-mail."))
    return redirect(back_url)
