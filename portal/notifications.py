"""Notifications in the web app: following a dataset, and the ``portal notifications``
commands (digest, notify) with the mails in the portal's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask import Blueprint, Flask, abort, flash, redirect, url_for
from flask.cli import with_appcontext
from flask_babel import force_locale, gettext
from sqlmodel import Session
from werkzeug.wrappers import Response

from catalog.accounts.models import User
from catalog.db import transaction
from catalog.editor.services import dataset_by_slug
from catalog.errors import NotFound
from catalog.mail import Mail
from catalog.models import RecordState
from catalog.notifications import services
from catalog.notifications.services import DigestItem, Failure
from catalog.notifications.watch import apply, link_observations
from harvesters.notify import harvest_observations
from portal.accounts.session import get_current_user, login_required
from portal.accounts.state import accounts
from portal.i18n import local_text
from portal.state import db_session, state

bp = Blueprint("notifications", __name__)


def _published(slug: str) -> object:
    try:
        found = dataset_by_slug(db_session(), slug)
    except NotFound:
        abort(404)
    if found.state != RecordState.PUBLISHED:
        abort(404)
    return found


@bp.post("/datasets/<slug:slug>/follow")
@login_required
def follow(slug: str) -> Response:
    return _following(slug, services.follow,
                      gettext("You will get a digest when this dataset changes."))


@bp.post("/datasets/<slug:slug>/unfollow")
@login_required
def unfollow(slug: str) -> Response:
    return _following(slug, services.unfollow, gettext("You no longer follow this dataset."))


def _following(slug: str, change: Callable[[Session, Any, Any], None],
               message: str) -> Response:
    """Follow or unfollow (``change``) the published dataset ``slug`` as the signed-in user."""
    dataset = _published(slug)
    user = get_current_user()
    assert user is not None
    with transaction(state().engine) as session:
        change(session, user, dataset)
    flash(message)
    return redirect(url_for("datasets.detail", slug=slug))


def is_following(dataset_id: int) -> bool:
    user = get_current_user()
    return user is not None and services.is_following(db_session(), user.id, dataset_id)


def failure_mail(failure: Failure, address: str) -> Mail:
    """The owner's mail about a new incident (in the portal's default language)."""
    with force_locale(state().settings.default_locale):
        return Mail(address, gettext("Problem with your data on the Liberec Region portal"),
                    gettext("A problem started that needs your attention:") + "\n\n"
                    + failure.message + "\n\n"
                    + gettext("You get this message once; we write again only if the problem "
                              "returns after it was fixed."))


def digest_mail(user: User, items: list[DigestItem]) -> Mail:
    base = state().settings.base_url
    with force_locale(user.locale or state().settings.default_locale):
        lines = [f"- {local_text(i.dataset.title).value} ({i.changes}): "
                 f"{base}/datasets/{i.dataset.slug}" for i in items]
        return Mail(user.email, gettext("Changes in the datasets you follow"),
                    gettext("These datasets changed since the last digest:") + "\n\n"
                    + "\n".join(lines) + "\n")


@click.group("notifications")
def notifications_cli() -> None:
    """E-mail digests and the link checker."""


@notifications_cli.command("digest")
@with_appcontext
def digest() -> None:
    """Mail every follower the changes since their last digest (run it daily)."""
    portal = state()
    with transaction(portal.engine) as session:
        user_ids = services.followers(session)
    sent = 0
    for user_id in user_ids:
        with transaction(portal.engine) as session:
            sent += services.send_digest(session, accounts().mailer, user_id, digest_mail)
    click.echo(f"{sent} digests sent to {len(user_ids)} followers")


@notifications_cli.command("notify")
@with_appcontext
def notify() -> None:
    """Mail owners about new failures: broken links (from the last link check) and failed
    harvests (each source's last job); once per incident. Run after those jobs."""
    portal = state()
    with Session(portal.engine) as session:
        observations = [*link_observations(session), *harvest_observations(session)]
    report = apply(portal.engine, observations, accounts().mailer, failure_mail)
    click.echo(f"incidents: {report.opened} new, {report.ongoing} ongoing, "
               f"{report.resolved} resolved")


def init_notifications(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(is_following=is_following)
