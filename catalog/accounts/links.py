"""Signed, expiring, single-use links (e-mail verification, password reset).

A link carries the user id and a fingerprint of the state it changes (the verified flag and
address, or the password hash): once used, that state differs and the link no longer matches, so
no table of used links is needed.
"""

from __future__ import annotations

import enum
import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from catalog.accounts.models import User


class Purpose(enum.StrEnum):
    VERIFY = "verify"
    RESET = "reset"


class LinkProblem(enum.StrEnum):
    """Why a link was refused."""

    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"


class LinkRefused(Exception):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


MAX_AGE = {Purpose.VERIFY: 3 * 24 * 3600, Purpose.RESET: 3600}


def _fingerprint(user: User, purpose: Purpose) -> str:
    state = f"{user.email}|{user.verified}" if purpose is Purpose.VERIFY else \
        f"{user.email}|{user.password_hash or ''}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def _serializer(secret: str, purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"portal-account-{purpose.value}")


def make_link_token(secret: str, user: User, purpose: Purpose) -> str:
    return _serializer(secret, purpose).dumps([user.id, _fingerprint(user, purpose)])


def read_link_token(secret: str, token: str, purpose: Purpose) -> int:
    """The user id a token names; ``LinkRefused`` if forged or expired. Whether it was already
    used is checked by ``check_unused`` once the user is loaded."""
    try:
        user_id, _ = _serializer(secret, purpose).loads(token, max_age=MAX_AGE[purpose])
    except SignatureExpired:
        raise LinkRefused(LinkProblem.EXPIRED) from None
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused(LinkProblem.INVALID) from None
    if not isinstance(user_id, int):
        raise LinkRefused(LinkProblem.INVALID)
    return user_id


def check_unused(secret: str, token: str, purpose: Purpose, user: User) -> None:
    _, fingerprint = _serializer(secret, purpose).loads(token)
    if fingerprint != _fingerprint(user, purpose):
        raise LinkRefused(LinkProblem.USED)
