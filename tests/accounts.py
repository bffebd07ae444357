"""Test helpers for accounts, for every feature's tests: create a user with a role on an
organisation, sign a Flask test client in, read a page's CSRF token; fixtures for a real SMTP
server (aiosmtpd) and a real OpenID Connect provider (``tests.oidc_provider``).

    user = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    login(client, user)
    client.post(url, data={**form, "csrf_token": csrf_token(client)})
"""

from __future__ import annotations

import functools
import re
import socket
from collections.abc import Iterator, Mapping
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import select

from catalog.accounts import passwords
from catalog.accounts.models import Membership, Role, User
from catalog.db import transaction
from catalog.models import Agent, AgentKind
from catalog.services import upsert_agent
from portal.accounts.session import STAMP_KEY, USER_KEY, _stamp
from portal.state import state
from tests.conftest import BASE_URL
from tests.oidc_provider import OidcTestProvider

PASSWORD = "correct horse battery"


@functools.cache
def _hash(password: str) -> str:
    """One real Argon2 hash per password for the whole run (hashing costs ~0.3 s)."""
    return passwords.hash_password(password)


def _engine(app_or_engine: Flask | Engine) -> Engine:
    return state(app_or_engine).engine if isinstance(app_or_engine, Flask) else app_or_engine


def make_org(app_or_engine: Flask | Engine, record: Mapping[str, Any],
             kind: AgentKind = AgentKind.PUBLISHER) -> Agent:
    """The organisation ``record`` (an ``AgentInput`` mapping), created if missing."""
    with transaction(_engine(app_or_engine)) as session:
        return upsert_agent(session, record, kind=kind, base_url=BASE_URL)


def make_user(app_or_engine: Flask | Engine, email: str = "user@example.test", *,
              role: Role | None = None, org: Mapping[str, Any] | Agent | None = None,
              kind: AgentKind | None = None, sysadmin: bool = False, verified: bool = True,
              password: str = PASSWORD, display_name: str | None = None) -> User:
    """A user (with ``password``), optionally with ``role`` on ``org`` (an Agent, or an
    ``AgentInput`` mapping created as a publisher, or an institution for curators)."""
    engine = _engine(app_or_engine)
    agent = None
    if org is not None:
        if isinstance(org, Agent):
            agent = org
        else:
            kind = kind or (AgentKind.INSTITUTION if role is Role.CURATOR
                            else AgentKind.PUBLISHER)
            agent = make_org(engine, org, kind)
    with transaction(engine) as session:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = User(email=email, display_name=display_name or email.split("@")[0],
                        password_hash=_hash(password), verified=verified,
                        sysadmin=sysadmin)
            session.add(user)
            session.flush()
        if role is not None and agent is not None:
            session.add(Membership(user_id=user.id or 0, agent_id=agent.id or 0, role=role))
    return user


def login(client: FlaskClient, user: User) -> None:
    """Sign ``client`` in as ``user`` (the session the sign-in page would create)."""
    with client.session_transaction() as session:
        session.clear()
        session[USER_KEY] = user.id
        session[STAMP_KEY] = _stamp(user)


def csrf_token(client: FlaskClient, url: str = "/account/login") -> str:
    """The CSRF token of ``client``'s session, read from a form page."""
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def post_form(client: FlaskClient, url: str, data: Mapping[str, Any] | None = None,
              **kwargs: Any) -> Any:
    """POST ``data`` to ``url`` with the session's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


class Inbox:
    """Messages received by the test SMTP server."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def links(self, to: str) -> list[str]:
        """The links in the messages sent to ``to``, oldest first."""
        found = []
        for message in self.messages:
            if message["To"] == to:
                body = message.get_payload(decode=True)
                assert isinstance(body, bytes)
                found += re.findall(r"https?://\S+", body.decode())
        return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, dict[str, str]]]:
    """A real SMTP server on a local port and the settings that send mail to it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, {"PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(controller.port),
                  "PORTAL_MAIL_FROM": "portal@kraj.example"}
    controller.stop()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcTestProvider]:
    """A real OpenID Connect provider on a local port (one per test process)."""
    provider = OidcTestProvider().start()
    yield provider
    provider.stop()
