"""Use cases of accounts: local registration, e-mail verification, sign-in with a rate limit,
password reset, OpenID Connect sign-in, memberships and the audit log. The caller commits."""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from catalog.accounts import passwords
from catalog.accounts.links import (
    LinkProblem,
    LinkRefused,
    Purpose,
    check_unused,
    make_link_token,
    read_link_token,
)
from catalog.accounts.models import AuditEvent, Identity, LoginAttempt, Membership, Role, User
from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, AgentKind, utcnow
from catalog.permissions import Action, Principal, require
from catalog.vocabularies import N_

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20
ROLES_BY_KIND = {AgentKind.PUBLISHER: (Role.ADMIN, Role.EDITOR),
                 AgentKind.INSTITUTION: (Role.CURATOR,)}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def audit(session: Session, action: str, *, actor_id: int | None = None,
          target_kind: str | None = None, target_id: int | None = None,
          **detail: Any) -> None:
    """Record a security-relevant event in the caller's transaction."""
    session.add(AuditEvent(actor_id=actor_id, action=action, target_kind=target_kind,
                           target_id=target_id, detail=detail))


def actor_id(actor: Principal | None) -> int | None:
    """The user id to audit for ``actor`` (None for the system)."""
    return actor.id if actor is not None and actor.id else None


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


NO_ACCOUNT = N_("no account uses this e-mail address")


def _check_password(password: str) -> None:
    if len(password) < passwords.MIN_LENGTH:
        raise ValidationError("password",
                              N_("is too short: use at least 10 characters"))
    if len(password) > passwords.MAX_LENGTH:
        raise ValidationError("password", N_("is too long: use at most 256 characters"))


def register_local(session: Session, email: str, display_name: str, password: str) -> User:
    """Create an unverified local account."""
    email = normalise_email(email)
    display_name = display_name.strip()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationError("email", N_("must be an e-mail address"))
    if not display_name or len(display_name) > 200:
        raise ValidationError("display_name", N_("must be 1 to 200 characters"))
    _check_password(password)
    if user_by_email(session, email) is not None:
        raise ValidationError("email", N_("an account with this e-mail address already exists"))
    user = User(email=email, display_name=display_name,
                password_hash=passwords.hash_password(password))
    session.add(user)
    session.flush()
    audit(session, "account.register", actor_id=user.id, target_kind="user", target_id=user.id)
    return user


def link_token(secret: str, user: User, purpose: Purpose) -> str:
    """A signed token for a verification or reset link to ``user``."""
    return make_link_token(secret, user, purpose)


def _user_from_link(session: Session, secret: str, token: str, purpose: Purpose) -> User:
    user = session.get(User, read_link_token(secret, token, purpose))
    if user is None or not user.active:
        raise LinkRefused(LinkProblem.INVALID)
    check_unused(secret, token, purpose, user)
    return user


def verify_email(session: Session, secret: str, token: str) -> User:
    """Mark the account of a verification link verified (``LinkRefused`` if not valid)."""
    user = _user_from_link(session, secret, token, Purpose.VERIFY)
    user.verified = True
    audit(session, "account.verify", actor_id=user.id, target_kind="user", target_id=user.id)
    session.flush()
    return user


def reset_password(session: Session, secret: str, token: str, password: str) -> User:
    """Set a new password through a reset link; the link then stops working."""
    user = _user_from_link(session, secret, token, Purpose.RESET)
    _check_password(password)
    user.password_hash = passwords.hash_password(password)
    # The mail reached the owner of the address: that verifies it too.
    user.verified = True
    audit(session, "account.password_reset", actor_id=user.id, target_kind="user",
          target_id=user.id)
    session.flush()
    return user


class LoginProblem(enum.StrEnum):
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    problem: LoginProblem | None = None


def _attempt_key(secret: str, kind: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _failures(session: Session, key: str, since: datetime) -> int:
    return session.exec(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.key == key, col(LoginAttempt.at) >= since)).one()


def authenticate(session: Session, secret: str, email: str, password: str, client: str,
                 now: datetime | None = None) -> LoginOutcome:
    """Check a local sign-in. Failures are counted per e-mail address and per client (both as
    keyed hashes); past the limit every attempt is refused until the window has passed. Returns
    an outcome instead of raising so that the caller commits the counted failure."""
    now = now or utcnow()
    email = normalise_email(email)
    keys = (_attempt_key(secret, "email", email), _attempt_key(secret, "client", client))
    since = now - LOGIN_WINDOW
    if (_failures(session, keys[0], since) >= MAX_FAILURES_PER_EMAIL
            or _failures(session, keys[1], since) >= MAX_FAILURES_PER_CLIENT):
        audit(session, "login.rate_limited", email=email)
        return LoginOutcome(None, LoginProblem.RATE_LIMITED)
    user = user_by_email(session, email)
    if user is None or not passwords.verify_password(user.password_hash, password):
        session.exec(delete(LoginAttempt).where(  # type: ignore[call-overload]
            col(LoginAttempt.at) < since))
        session.add_all([LoginAttempt(key=key, at=now) for key in keys])
        audit(session, "login.failed", actor_id=user.id if user else None, email=email)
        return LoginOutcome(None, LoginProblem.INVALID)
    if not user.active:
        return LoginOutcome(None, LoginProblem.INACTIVE)
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    session.exec(delete(LoginAttempt).where(  # type: ignore[call-overload]
        col(LoginAttempt.key) == keys[0]))
    record_login(session, user, "password", now)
    return LoginOutcome(user)


def record_login(session: Session, user: User, method: str, now: datetime | None = None) -> None:
    user.last_login_at = now or utcnow()
    audit(session, "login", actor_id=user.id, target_kind="user", target_id=user.id,
          method=method)
    session.flush()


@dataclass(frozen=True)
class OidcClaims:
    """What the portal takes from a provider's verified ID token and userinfo."""

    provider: str
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


def oidc_login(session: Session, claims: OidcClaims) -> User:
    """The user of an OpenID Connect identity: known by issuer and subject; else the account
    with the same address when the provider vouches for it; else a new account."""
    identity = session.exec(select(Identity).where(Identity.issuer == claims.issuer,
                                                   Identity.subject == claims.subject)).first()
    if identity is not None:
        user = session.get(User, identity.user_id)
        assert user is not None  # a foreign key guarantees it
    else:
        email = normalise_email(claims.email or "")
        if not EMAIL_RE.match(email):
            raise ValidationError("email", N_("the identity provider sent no e-mail address"))
        user = user_by_email(session, email) if claims.email_verified else None
        if user is None:
            if user_by_email(session, email) is not None:
                raise ValidationError("email", N_(
                    "an account with this e-mail address exists; sign in with it first"))
            user = User(email=email, display_name=(claims.name or email)[:200],
                        verified=claims.email_verified)
            session.add(user)
            session.flush()
            audit(session, "account.register", actor_id=user.id, target_kind="user",
                  target_id=user.id, provider=claims.provider)
        session.add(Identity(user_id=user.id or 0, provider=claims.provider,
                             issuer=claims.issuer, subject=claims.subject))
    if not user.active:
        raise ValidationError("email", N_("this account is disabled"))
    if claims.email_verified and not user.verified and \
            normalise_email(claims.email or "") == user.email:
        user.verified = True
    record_login(session, user, f"oidc:{claims.provider}")
    return user


def principal(session: Session, user: User) -> Principal:
    """The user with their roles, as ``catalog.permissions`` checks them."""
    rows = session.exec(select(Membership, Agent.kind).join(
        Agent, col(Agent.id) == Membership.agent_id).where(Membership.user_id == user.id)).all()
    return Principal(id=user.id or 0, email=user.email, display_name=user.display_name,
                     verified=user.verified, sysadmin=user.sysadmin,
                     roles={m.agent_id: Role(m.role) for m, _ in rows},
                     org_kinds={m.agent_id: kind for m, kind in rows})


def set_membership(session: Session, actor: Principal | None, user_id: int, agent: Agent,
                   role: Role) -> Membership:
    """Give ``user_id`` ``role`` on ``agent`` (replacing any other role there)."""
    require(actor, Action.ORG_MANAGE_MEMBERS, agent)
    if role not in ROLES_BY_KIND[AgentKind(agent.kind)]:
        raise ValidationError("role", f"a {agent.kind} has no role {role.value!r}")
    if session.get(User, user_id) is None:
        raise NotFound("user", user_id)
    membership = session.exec(select(Membership).where(
        Membership.user_id == user_id, Membership.agent_id == agent.id)).first()
    if membership is None:
        membership = Membership(user_id=user_id, agent_id=agent.id or 0, role=role)
        session.add(membership)
    else:
        membership.role = role
    audit(session, "role.grant", actor_id=actor_id(actor), target_kind="user",
          target_id=user_id, agent=agent.slug, role=role.value)
    session.flush()
    return membership


def remove_membership(session: Session, actor: Principal | None, user_id: int,
                      agent: Agent) -> None:
    require(actor, Action.ORG_MANAGE_MEMBERS, agent)
    membership = session.exec(select(Membership).where(
        Membership.user_id == user_id, Membership.agent_id == agent.id)).first()
    if membership is None:
        raise NotFound("membership", (user_id, agent.slug))
    session.delete(membership)
    audit(session, "role.revoke", actor_id=actor_id(actor), target_kind="user",
          target_id=user_id, agent=agent.slug, role=membership.role)
    session.flush()


def set_sysadmin(session: Session, actor: Principal, user: User, value: bool) -> None:
    """Grant or withdraw site administration (``actor``: ``SYSTEM`` for the command line)."""
    require(actor, Action.SITE_ADMIN)
    user.sysadmin = value
    audit(session, "role.sysadmin", actor_id=actor_id(actor), target_kind="user",
          target_id=user.id, value=value)
    session.flush()
