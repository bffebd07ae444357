"""The reuse mails: to the moderators about a new submission, to the submitter about the
decision, to the data's publishers when their data is used."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from catalog.accounts.models import User
from catalog.mail import Mail
from catalog.models import Dataset
from catalog.reuses.models import Reuse, ReuseStatus
from portal.i18n import local_text
from portal.reuses.display import type_label
from portal.state import state


def waiting_mail(user: User, reuse: Reuse) -> Mail:
    """A moderator's mail about a new submission, in their language."""
    base = state().settings.base_url
    with force_locale(user.locale or state().settings.default_locale):
        return Mail(
            user.email,
            gettext("A reuse waits for approval: %(title)s", title=reuse.title),
            f"{reuse.title} ({type_label(reuse.type)})\n{reuse.url}\n\n"
            + gettext("Publish or reject it: %(url)s", url=f"{base}/admin/reuses")
            + "\n",
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
