"""The configured mailer: SMTP, or the log in development when no SMTP server is set."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from catalog.mail import Mail, Mailer, SmtpMailer
from portal.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogMailer:
    """Development without an SMTP server: the mail (with its links) goes to the log."""

    def send(self, mail: Mail) -> None:
        log.warning("PORTAL_SMTP_HOST is not set; mail to %s not sent:\n%s\n%s", mail.to,
                    mail.subject, mail.body)


def build_mailer(settings: Settings) -> Mailer:
    if not settings.smtp_host:
        return LogMailer()
    return SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from,
                      settings.smtp_user, settings.smtp_password,
                      settings.smtp_starttls == "true")
