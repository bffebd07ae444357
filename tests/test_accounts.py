"""Local accounts: services on SQLite and PostgreSQL; the pages with a real SMTP server."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import select

from catalog.accounts import services
from catalog.accounts.links import LinkProblem, LinkRefused, Purpose
from catalog.accounts.models import AuditEvent, Role, User
from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.models import AgentKind, utcnow
from catalog.permissions import NotAuthorized
from portal.app import create_app
from tests.accounts import (
    PASSWORD,
    Inbox,
    csrf_token,
    login,
    make_org,
    make_user,
    oidc_provider,  # noqa: F401 - fixture
    post_form,
    smtp_server,  # noqa: F401 - fixture
)
from tests.conftest import make_settings
from tests.records import MUSEUM, PUBLISHER

SECRET = "test-secret-key-that-is-long-enough-000"


def actions(engine: Engine) -> list[str]:
    with transaction(engine) as session:
        return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_register_verify_and_the_link_is_single_use(engine: Engine) -> None:
    with transaction(engine) as session:
        user = services.register_local(session, " Jana@Example.test ", "Jana", PASSWORD)
        token = services.link_token(SECRET, user, Purpose.VERIFY)
    assert user.email == "jana@example.test" and not user.verified
    with transaction(engine) as session:
        assert services.verify_email(session, SECRET, token).verified
    with pytest.raises(LinkRefused) as refused, transaction(engine) as session:
        services.verify_email(session, SECRET, token)
    assert refused.value.problem is LinkProblem.USED
    assert actions(engine) == ["account.register", "account.verify"]


def test_forged_and_expired_links_are_refused(engine: Engine,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with transaction(engine) as session:
        user = services.register_local(session, "a@example.test", "A", PASSWORD)
        token = services.link_token(SECRET, user, Purpose.VERIFY)
    with pytest.raises(LinkRefused) as forged, transaction(engine) as session:
        services.verify_email(session, SECRET, token[:-2] + "xx")
    assert forged.value.problem is LinkProblem.INVALID
    with pytest.raises(LinkRefused) as wrong_purpose, transaction(engine) as session:
        services.reset_password(session, SECRET, token, "another password")
    assert wrong_purpose.value.problem is LinkProblem.INVALID
    later = time.time() + 4 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(LinkRefused) as expired, transaction(engine) as session:
        services.verify_email(session, SECRET, token)
    assert expired.value.problem is LinkProblem.EXPIRED


@pytest.mark.parametrize(("email", "name", "password", "field"), [
    ("not-an-address", "A", PASSWORD, "email"),
    ("a@example.test", "", PASSWORD, "display_name"),
    ("a@example.test", "A", "short", "password"),
])
def test_registration_names_the_faulty_field(sqlite_engine: Engine, email: str, name: str,
                                             password: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused, transaction(sqlite_engine) as session:
        services.register_local(session, email, name, password)
    assert refused.value.field == field
    with transaction(sqlite_engine) as session:
        assert session.exec(select(User)).all() == []


def test_sign_in_is_rate_limited_per_address(engine: Engine) -> None:
    make_user(engine, "b@example.test")
    now = utcnow()
    for _ in range(services.MAX_FAILURES_PER_EMAIL):
        with transaction(engine) as session:
            outcome = services.authenticate(session, SECRET, "b@example.test", "wrong", "c1",
                                            now)
        assert outcome.problem is services.LoginProblem.INVALID
    with transaction(engine) as session:
        blocked = services.authenticate(session, SECRET, "b@example.test", PASSWORD, "c2", now)
    assert blocked.problem is services.LoginProblem.RATE_LIMITED
    with transaction(engine) as session:
        after = services.authenticate(session, SECRET, "b@example.test", PASSWORD, "c2",
                                      now + services.LOGIN_WINDOW + timedelta(seconds=1))
    assert after.user is not None and after.user.last_login_at is not None
    assert "login.rate_limited" in actions(engine) and actions(engine)[-1] == "login"


def test_memberships_follow_the_organisation_kind_and_are_audited(engine: Engine) -> None:
    region = make_org(engine, PUBLISHER)
    museum = make_org(engine, MUSEUM, AgentKind.INSTITUTION)
    admin = make_user(engine, "admin@example.test", sysadmin=True)
    editor = make_user(engine, "editor@example.test")
    with transaction(engine) as session:
        actor = services.principal(session, admin)
        services.set_membership(session, actor, editor.id or 0, region, Role.EDITOR)
    with pytest.raises(ValidationError, match="no role 'editor'"), \
            transaction(engine) as session:
        services.set_membership(session, actor, editor.id or 0, museum, Role.EDITOR)
    with transaction(engine) as session:
        as_editor = services.principal(session, editor)
    assert as_editor.roles == {region.id: Role.EDITOR}
    with pytest.raises(NotAuthorized), transaction(engine) as session:
        services.set_membership(session, as_editor, editor.id or 0, region, Role.ADMIN)
    with transaction(engine) as session:
        services.remove_membership(session, actor, editor.id or 0, region)
        assert services.principal(session, editor).roles == {}
    assert actions(engine)[-2:] == ["role.grant", "role.revoke"]


@pytest.fixture
def mail_app(tmp_path: Path, sqlite_template: Path,
             smtp_server: tuple[Inbox, dict[str, str]]) -> tuple[Flask, Inbox]:  # noqa: F811
    import shutil

    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    inbox, env = smtp_server
    return create_app(make_settings(instance, **env)), inbox


def test_register_confirm_by_mail_and_sign_in(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    client = app.test_client()
    response = post_form(client, "/account/register", {
        "email": "petr@example.test", "display_name": "Petr", "password": PASSWORD})
    assert response.status_code == 200 and "petr@example.test" in response.get_data(True)
    [link] = inbox.links("petr@example.test")
    path = link.removeprefix("https://data.example-kraj.test")
    assert client.get(path).status_code == 200
    again = client.get(path)
    assert again.status_code == 400
    signed_in = post_form(client, "/account/login", {
        "email": "petr@example.test", "password": PASSWORD, "next": "/account"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/account"
    page = client.get("/account").get_data(True)
    assert "petr@example.test" in page and "Petr" in page


def test_password_reset_by_mail(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    make_user(app, "eva@example.test", verified=False)
    client = app.test_client()
    answer = post_form(client, "/account/reset", {"email": "eva@example.test"})
    unknown = post_form(client, "/account/reset", {"email": "nobody@example.test"})
    assert answer.get_data(True) == unknown.get_data(True)  # no account enumeration
    [link] = inbox.links("eva@example.test")
    path = link.removeprefix("https://data.example-kraj.test")
    short = post_form(client, path, {"password": "short"})
    assert short.status_code == 400 and 'aria-invalid="true"' in short.get_data(True)
    done = post_form(client, path, {"password": "a brand new password"})
    assert done.status_code == 302
    assert post_form(client, path, {"password": "yet another one!"}).status_code == 400
    fresh = app.test_client()
    assert post_form(fresh, "/account/login", {"email": "eva@example.test",
                                               "password": "a brand new password"}).status_code \
        == 302


def test_a_failing_mail_server_saves_no_account(app: Flask, tmp_path: Path) -> None:
    settings = app.extensions["portal"].settings.with_overrides(smtp_host="127.0.0.1",
                                                                 smtp_port=1)
    broken = create_app(settings)
    client = broken.test_client()
    response = post_form(client, "/account/register", {
        "email": "x@example.test", "display_name": "X", "password": PASSWORD})
    assert response.status_code == 400
    with transaction(broken.extensions["portal"].engine) as session:
        assert session.exec(select(User)).all() == []


def test_forged_or_missing_csrf_token_is_refused(app: Flask) -> None:
    make_user(app, "c@example.test")
    client = app.test_client()
    csrf_token(client)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/account/login", data={"email": "c@example.test",
                                                       "password": PASSWORD, **data})
        assert response.status_code == 400
        assert "uid" not in (client.get_cookie("session") and _session(client) or {})
    other = app.test_client()
    stolen = csrf_token(other)  # a valid token of another session
    response = client.post("/account/login", data={"email": "c@example.test",
                                                   "password": PASSWORD, "csrf_token": stolen})
    assert response.status_code == 400


def _session(client: FlaskClient) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_login_page_rate_limits_with_429(app: Flask) -> None:
    make_user(app, "d@example.test")
    client = app.test_client()
    statuses = [post_form(client, "/account/login", {"email": "d@example.test",
                                                     "password": "wrong"}).status_code
                for _ in range(services.MAX_FAILURES_PER_EMAIL + 1)]
    assert statuses == [400] * services.MAX_FAILURES_PER_EMAIL + [429]


def test_session_cookie_flags_and_sign_out(app: Flask) -> None:
    make_user(app, "f@example.test")
    client = app.test_client()
    response = post_form(client, "/account/login", {"email": "f@example.test",
                                                    "password": PASSWORD})
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")][-1]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "f@example.test" not in client.get("/").get_data(True)  # the name is shown
    assert 'action="/account/logout"' in client.get("/").get_data(True)
    assert post_form(client, "/account/logout").status_code == 302
    assert 'action="/account/logout"' not in client.get("/").get_data(True)


def test_cookie_secure_can_be_switched_off_for_plain_http(tmp_path: Path,
                                                          sqlite_template: Path) -> None:
    import shutil

    instance = tmp_path / "i"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    app = create_app(make_settings(instance, PORTAL_COOKIE_SECURE="false"))
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_open_redirect_after_sign_in_is_refused(app: Flask) -> None:
    make_user(app, "g@example.test")
    client = app.test_client()
    response = post_form(client, "/account/login", {
        "email": "g@example.test", "password": PASSWORD, "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_login_required_sends_to_sign_in_and_a_password_change_ends_sessions(
        app: Flask) -> None:
    user = make_user(app, "h@example.test")
    client = app.test_client()
    assert client.get("/account").headers["Location"].startswith("/account/login?next=")
    login(client, user)
    assert client.get("/account").status_code == 200
    with transaction(app.extensions["portal"].engine) as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.password_hash = "changed elsewhere"
    assert client.get("/account").status_code == 302


def test_html_in_a_display_name_is_shown_as_text(app: Flask) -> None:
    user = make_user(app, "i@example.test", display_name="<script>alert(1)</script>")
    client = app.test_client()
    login(client, user)
    html = client.get("/account").get_data(True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_verification_mail_is_in_the_visitors_language(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    client = app.test_client()
    client.get("/account/register?lang=en")
    post_form(client, "/account/register", {"email": "en@example.test", "display_name": "E",
                                            "password": PASSWORD})
    [message] = [m for m in inbox.messages if m["To"] == "en@example.test"]
    assert re.search("confirm your", message["Subject"], re.IGNORECASE)


def test_cli_creates_an_administrator_and_grants_roles(app: Flask) -> None:
    from portal.cli import cli

    make_org(app, PUBLISHER)
    runner = app.test_cli_runner()
    created = runner.invoke(cli, ["accounts", "create", "root@example.test", "--sysadmin"],
                            env={"PORTAL_NEW_ACCOUNT_PASSWORD": PASSWORD})
    assert created.exit_code == 0, created.output
    make_user(app, "ed@example.test")
    granted = runner.invoke(cli, ["accounts", "grant", "ed@example.test", "liberecky-kraj",
                                  "editor"])
    assert granted.exit_code == 0, granted.output
    wrong = runner.invoke(cli, ["accounts", "grant", "ed@example.test", "liberecky-kraj",
                                "curator"])
    assert wrong.exit_code == 1
    with transaction(app.extensions["portal"].engine) as session:
        root = services.user_by_email(session, "root@example.test")
        editor = services.user_by_email(session, "ed@example.test")
        assert root is not None and root.sysadmin and root.verified
        assert editor is not None
        assert list(services.principal(session, editor).roles.values()) == [Role.EDITOR]
