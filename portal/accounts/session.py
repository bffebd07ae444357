"""The signed-in user of a request: ``current_user`` (a ``Principal`` or None), sign-in and
sign-out of the signed session cookie, and the ``login_required`` decorator."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import g, redirect, request, session, url_for
from werkzeug.local import LocalProxy

from catalog.accounts.models import User
from catalog.accounts.services import principal
from catalog.permissions import Action, Principal, require
from portal.state import db_session

F = TypeVar("F", bound=Callable[..., Any])
USER_KEY = "uid"
STAMP_KEY = "auth"
# Paths served to API clients: they authenticate with tokens, never with the session cookie
# (so they need no CSRF token either).
TOKEN_ONLY_PREFIXES = ("/api/",)


def _stamp(user: User) -> str:
    """Changes when the password changes or the account is disabled: other sessions of the user
    end then."""
    return hashlib.sha256(f"{user.password_hash}|{user.active}".encode()).hexdigest()[:16]


def login_user(user: User) -> None:
    """Start a fresh session for ``user`` (a new session, so no fixation)."""
    session.clear()
    session[USER_KEY] = user.id
    session[STAMP_KEY] = _stamp(user)
    session.permanent = True
    g.pop("principal", None)


def logout_user() -> None:
    session.clear()
    g.pop("principal", None)


def _load() -> Principal | None:
    if "principal" in g:
        found: Principal | None = g.principal
        return found
    g.principal = None
    user_id = session.get(USER_KEY)
    if isinstance(user_id, int) and not request.path.startswith(TOKEN_ONLY_PREFIXES):
        user = db_session().get(User, user_id)
        if user is not None and user.active and session.get(STAMP_KEY) == _stamp(user):
            g.principal = principal(db_session(), user)
        else:
            session.clear()
    return cast("Principal | None", g.principal)


current_user: Principal | None = cast("Principal | None", LocalProxy(_load))
"""The signed-in user of this request (None when nobody is; always None under /api/)."""


def get_current_user() -> Principal | None:
    """``current_user`` as a plain value (not a proxy), for ``is None`` checks."""
    return _load()


def login_required(view: F) -> F:
    """Send visitors who are not signed in to the sign-in page, then back here."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if _load() is None:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def authorize(action: Action, target: Any = None) -> Principal:
    """The signed-in user if they may do ``action`` on ``target``; else ``NotAuthorized``
    (a 403 page)."""
    user = _load()
    require(user, action, target)
    assert user is not None
    return user
