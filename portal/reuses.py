"""Reuses in the web app: the public list (by type) with its Atom feed, a reuse's page, the
submit form for signed-in users, their own submissions, and the moderation queue of the site
administrators; the dataset page lists a dataset's published reuses."""

from __future__ import annotations

import logging
import re
from typing import Any

import pydantic
from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from catalog.accounts.models import User
from catalog.db import transaction
from catalog.editorial.atom import FeedEntry, feed
from catalog.errors import NotFound, ValidationError
from catalog.mail import Mail
from catalog.models import Dataset, utcnow
from catalog.permissions import Action
from catalog.reuses import queries, services
from catalog.reuses.models import STATUS_LABELS, TYPE_LABELS, Reuse, ReuseStatus, ReuseType
from catalog.reuses.services import ReuseInput
from portal.accounts.session import authorize, get_current_user, login_required
from portal.accounts.state import accounts
from portal.editor.forms import message
from portal.i18n import LANGUAGE_NAMES, LOCALES, local_text
from portal.state import db_session, state
from portal.web.errors import render_error

bp = Blueprint("reuses", __name__)
log = logging.getLogger(__name__)
PAGE = 24
MAX_PAGE = 1000
FEED_SIZE = 50
DATASET_PATH = re.compile(r"/datasets/([a-z0-9-]+)")
# Pydantic's error types on the submit form, in the visitor's language.
FORM_MESSAGES = {
    "missing": _l("This field is required."),
    "string_too_short": _l("This field is required."),
    "string_too_long": _l("The text is too long."),
    "too_short": _l("Name at least one dataset of the portal."),
    "too_long": _l("Name at most 20 datasets."),
    "enum": _l("Choose a type from the list."),
    "literal_error": _l("Choose a language from the list."),
}
TEXT_MESSAGES = {
    "must not contain control characters": _l("Remove the control characters from the text."),
    "a rejection needs a note for the submitter": _l(
        "Write a note for the submitter: why the reuse is not published."
    ),
}


def type_label(value: str) -> str:
    return gettext(TYPE_LABELS[ReuseType(value)]) if value in set(ReuseType) else value


def status_label(value: str) -> str:
    return gettext(STATUS_LABELS[ReuseStatus(value)]) if value in set(ReuseStatus) else value


def paragraphs(text: str) -> Markup:
    """Plain text as escaped paragraphs (the text is never read as HTML)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


def dataset_reuses(dataset_id: int | None) -> list[Reuse]:
    """The published reuses of a dataset (the dataset page's section)."""
    return queries.for_dataset(db_session(), dataset_id) if dataset_id else []


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
    found = queries.published_page(
        session, PAGE, type_=type_, dataset_id=used.id if used else None, offset=(page - 1) * PAGE
    )
    return render_template(
        "reuses/list.html",
        used=used,
        reuses=found.items,
        total=found.total,
        page=page,
        more=found.next_key is not None,
        type_=type_,
        counts=queries.type_counts(session, used.id if used else None),
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


# -- submitting ---------------------------------------------------------------------------------


def dataset_slugs(text: str) -> list[str]:
    """Dataset slugs from what a visitor typed: slugs or the datasets' page addresses,
    separated by spaces, commas or lines."""
    slugs = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        found = DATASET_PATH.search(token)
        slugs.append(found.group(1) if found else token.strip("/"))
    return list(dict.fromkeys(slugs))


def _record(form: MultiDict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {
        name: form.get(name, "").strip()
        for name in ("type", "title", "description", "url", "author_name", "language")
    }
    record["author_name"] = record["author_name"] or None
    record["datasets"] = dataset_slugs(form.get("datasets", ""))
    return record


def _message(text: str, error_type: str | None = None) -> str:
    if text in TEXT_MESSAGES:
        return str(TEXT_MESSAGES[text])
    if text.startswith("unknown dataset"):
        return gettext(
            "No published dataset of the portal has the address %(slug)s.",
            slug=text.removeprefix("unknown dataset ").strip("'\""),
        )
    if text.startswith("at most"):
        return gettext(
            "You have too many submissions waiting for approval; wait until they are reviewed."
        )
    if text.startswith("the reuse is already"):
        return gettext("The reuse already has this status.")
    if error_type in FORM_MESSAGES:
        return str(FORM_MESSAGES[error_type])
    return message(text, error_type)


def form_errors(record: dict[str, Any]) -> dict[str, str]:
    """Every problem of the submitted form, first per field, in the visitor's language."""
    try:
        ReuseInput.model_validate(record)
    except pydantic.ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            text = str(error["msg"]).removeprefix("Value error, ")
            errors.setdefault(name, _message(text, error["type"]))
        return errors
    return {}


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
        record = _record(form)
        errors = form_errors(record)
        if not errors:
            try:
                with transaction(state().engine) as session:
                    reuse = services.submit(session, user, record)
            except ValidationError as exc:
                errors[exc.field.split(".")[0]] = _message(exc.message)
            else:
                flash(
                    gettext(
                        "Thank you. Your reuse will appear once an administrator has approved it."
                    )
                )
                return redirect(url_for("reuses.detail", reuse_id=reuse.id))
    else:
        form = MultiDict(
            {
                "language": str(get_locale() or "cs"),
                "datasets": request.args.get("dataset", "")[:200],
            }
        )
    return render_template(
        "reuses/submit.html",
        form=form,
        errors=errors,
        types=[(t.value, type_label(t)) for t in ReuseType],
        languages=[(lang, LANGUAGE_NAMES[lang]) for lang in LOCALES],
    ), 400 if errors else 200


@bp.get("/reuses/mine")
@login_required
def mine() -> str:
    user = get_current_user()
    assert user is not None
    return render_template("reuses/mine.html", reuses=queries.submitted_by(db_session(), user.id))


# -- moderation ---------------------------------------------------------------------------------


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
        errors={},
    )


def outcome_mail(user: User, reuse: Reuse) -> Mail:
    """The submitter's mail about the decision, in their language."""
    base = state().settings.base_url
    with force_locale(user.locale or state().settings.default_locale):
        if reuse.status == ReuseStatus.PUBLISHED:
            subject = gettext("Your reuse is published on the Liberec Region portal")
            text = gettext("Your reuse \u201c%(title)s\u201d is now published:", title=reuse.title)
        else:
            subject = gettext("Your reuse was not published on the Liberec Region portal")
            text = gettext("Your reuse \u201c%(title)s\u201d was not published.", title=reuse.title)
        note = (
            ("\n\n" + gettext("Note from the administrator:") + "\n" + reuse.moderation_note)
            if reuse.moderation_note
            else ""
        )
        return Mail(
            user.email,
            subject,
            f"{text}\n{base}/reuses/{reuse.id}{note}\n\n"
            + gettext("Your submissions: %(url)s", url=f"{base}/reuses/mine")
            + "\n",
        )


def publisher_mail(address: str, reuse: Reuse, datasets: list[Dataset]) -> Mail:
    """The publisher's mail that its data is used (in the portal's default language)."""
    base = state().settings.base_url
    with force_locale(state().settings.default_locale):
        lines = "\n".join(
            f"- {local_text(d.title).value}: {base}/datasets/{d.slug}" for d in datasets
        )
        return Mail(
            address,
            gettext("Your data is used: %(title)s", title=reuse.title),
            gettext("A reuse of your datasets was published on the Liberec Region portal:")
            + f"\n{reuse.title} ({type_label(reuse.type)})\n{base}/reuses/{reuse.id}\n\n"
            + gettext("It uses these datasets of yours:")
            + f"\n{lines}\n",
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
        flash(_message(exc.message))
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


def init_reuses(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        dataset_reuses=dataset_reuses,
        reuse_type_label=type_label,
        reuse_status_label=status_label,
        ReuseType=ReuseType,
    )
    app.jinja_env.filters.update(paragraphs=paragraphs)
