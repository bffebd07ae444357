"""Tables of accounts: users, OpenID Connect identities, memberships, audit events and failed
sign-in attempts (for the rate limit)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class Role(enum.StrEnum):
    """A member's role on an organisation: publishers have admins and editors, institutions
    (museums) have curators."""

    ADMIN = "admin"
    EDITOR = "editor"
    CURATOR = "curator"


class User(SQLModel, table=True):
    """A person who signs in: with a local password, an OpenID Connect provider, or both."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), unique=True, nullable=False))
    display_name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=200)
    verified: bool = Field(default=False)
    sysadmin: bool = Field(default=False)
    locale: str | None = Field(default=None, max_length=5)
    active: bool = Field(default=True)
    created_at: datetime = timestamp_field()
    last_login_at: datetime | None = Field(default=None, sa_column=Column(DateTime))


class Identity(SQLModel, table=True):
    """An OpenID Connect identity (issuer + subject) linked to a user."""

    __tablename__ = "user_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    provider: str = Field(max_length=40)
    issuer: str = Field(max_length=500)
    subject: str = Field(max_length=255)
    created_at: datetime = timestamp_field()


class Membership(SQLModel, table=True):
    """A user's role on an organisation (a catalog Agent)."""

    __table_args__ = (UniqueConstraint("user_id", "agent_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    role: str = Field(max_length=20)
    created_at: datetime = timestamp_field()


class AuditEvent(SQLModel, table=True):
    """Who did what security-relevant thing and when: sign-ins, role changes, deletions."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field()
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=60)
    target_kind: str | None = Field(default=None, max_length=40)
    target_id: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in, keyed by a keyed hash of the e-mail or the client address (never the
    raw address), kept only as long as the rate-limit window."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    at: datetime = timestamp_field()
