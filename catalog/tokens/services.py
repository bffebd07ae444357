"""Create, list, revoke and authenticate API tokens. A token is 256 random bits: a SHA-256 of
it is enough to store (no slow password hash is needed for a secret nobody chose), and the
lookup is one indexed equality."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from catalog.accounts.models import Role, User
from catalog.accounts.services import audit, principal
from catalog.errors import CatalogError, NotFound, ValidationError
from catalog.models import Agent, AgentKind, utcnow
from catalog.permissions import Action, Principal, can, require
from catalog.tokens.models import ApiToken

TOKEN_PREFIX = "lkod_"
MAX_DAYS = 366
MAX_TOKENS_PER_USER = 50
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often


class Scope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


class InvalidToken(CatalogError):
    """The presented token is unknown, expired, revoked or its account is disabled."""


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``secret`` is shown to its owner once and never stored."""

    token: ApiToken
    secret: str


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, actor: Principal, *, name: str, scope: Scope | str,
                 days: int, publishers: list[Agent], now: datetime | None = None
                 ) -> IssuedToken:
    """A token for ``actor`` themselves. A write token names the publishers it may write to,
    each one on which the actor may create datasets."""
    require(actor, Action.API_TOKEN_CREATE)
    now = now or utcnow()
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValidationError("name", "give the token a name of 1 to 100 characters")
    try:
        scope = Scope(scope)
    except ValueError:
        raise ValidationError("scope", "must be read or write") from None
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError("days", f"a token lives 1 to {MAX_DAYS} days")
    if scope is Scope.WRITE:
        if not publishers:
            raise ValidationError("publishers", "a write token needs at least one publisher")
        for agent in publishers:
            if agent.kind != AgentKind.PUBLISHER:
                raise ValidationError("publishers", f"{agent.slug!r} is not a publisher")
            require(actor, Action.DATASET_CREATE, agent)
    elif publishers:
        raise ValidationError("publishers", "a read token names no publishers")
    existing = session.exec(select(ApiToken.id).where(
        ApiToken.user_id == actor.id, col(ApiToken.revoked_at).is_(None))).all()
    if len(existing) >= MAX_TOKENS_PER_USER:
        raise ValidationError("name", f"at most {MAX_TOKENS_PER_USER} tokens per account; "
                              "revoke one first")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, prefix=secret[:12],
                     token_hash=token_hash(secret), scope=scope.value,
                     publisher_ids=sorted(a.id or 0 for a in publishers), created_at=now,
                     expires_at=now + timedelta(days=days))
    session.add(token)
    session.flush()
    audit(session, "api_token.create", actor_id=actor.id, target_kind="api_token",
          target_id=token.id, scope=scope.value, days=days)
    return IssuedToken(token, secret)


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first (revoked ones too, marked)."""
    return list(session.exec(select(ApiToken).where(ApiToken.user_id == user_id)
                             .order_by(col(ApiToken.id).desc())))


def revoke_token(session: Session, actor: Principal, token_id: int,
                 now: datetime | None = None) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("api_token", token_id)
    require(actor, Action.API_TOKEN_REVOKE, token)
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        audit(session, "api_token.revoke", actor_id=actor.id, target_kind="api_token",
              target_id=token.id)
    session.flush()
    return token


@dataclass(frozen=True)
class TokenUse:
    """Who acts with a token: the owner's principal narrowed to the token's scope."""

    token_id: int
    principal: Principal
    scope: Scope
    # Publishers whose unpublished datasets the token may read: those on which its user (for a
    # write token, as narrowed to its publishers) may see drafts as a member.
    draft_publishers: frozenset[int] = frozenset()


def authenticate(session: Session, secret: str, now: datetime | None = None) -> TokenUse:
    """The principal a presented token acts as; ``InvalidToken`` otherwise."""
    now = now or utcnow()
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise InvalidToken("not an API token of this portal")
    token = session.exec(select(ApiToken).where(
        ApiToken.token_hash == token_hash(secret))).first()
    if token is None or token.revoked_at is not None:
        raise InvalidToken("the API token is unknown or revoked")
    if token.expires_at <= now:
        raise InvalidToken("the API token has expired")
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        raise InvalidToken("the account of the API token is disabled")
    owner = principal(session, user)
    scope = Scope(token.scope)
    if scope is Scope.READ:
        acting = replace(owner, sysadmin=False, roles={}, org_kinds={})
    else:
        allowed = set(token.publisher_ids)
        # A site administrator's write token acts as an admin of its publishers only.
        roles = {k: Role.ADMIN for k in allowed} if owner.sysadmin else {
            k: v for k, v in owner.roles.items() if k in allowed}
        acting = replace(owner, sysadmin=False, roles=roles,
                         org_kinds={k: AgentKind.PUBLISHER.value for k in roles})
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
    member = replace(owner if scope is Scope.READ else acting, sysadmin=False)
    drafts = frozenset(agent_id for agent_id in member.organisations(AgentKind.PUBLISHER)
                       if can(member, Action.DATASET_VIEW_DRAFT,
                              Agent(id=agent_id, slug="", iri="", kind=AgentKind.PUBLISHER)))
    return TokenUse(token.id or 0, acting, scope, drafts)
