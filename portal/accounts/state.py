"""Per-app state of accounts (mailer, OpenID Connect clients, CSRF) in ``app.extensions``."""

from __future__ import annotations

from dataclasses import dataclass

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect

from catalog.mail import Mailer

KEY = "accounts"


@dataclass
class AccountsState:
    mailer: Mailer
    oauth: OAuth
    csrf: CSRFProtect


def accounts(app: Flask | None = None) -> AccountsState:
    found: AccountsState = (app or current_app).extensions[KEY]
    return found
