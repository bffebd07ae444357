"""OpenID Connect sign-in through the real redirect flow against a real provider (authlib's
server side on a local port): discovery, authorize, token, JWKS-verified ID token."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from catalog.accounts.models import Identity, User
from catalog.db import transaction
from portal.app import create_app
from tests.accounts import make_user, oidc_provider  # noqa: F401 - fixture
from tests.conftest import BASE_URL, make_settings
from tests.oidc_provider import OidcTestProvider, Person


@pytest.fixture
def oidc_app(tmp_path: Path, sqlite_template: Path,
             oidc_provider: OidcTestProvider) -> Flask:  # noqa: F811
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    return create_app(make_settings(instance, **oidc_provider.env()))


def sign_in(client: FlaskClient, provider: OidcTestProvider, next_url: str = "/account") -> str:
    """Follow the redirects portal → provider → portal; the portal's final redirect."""
    start = client.get(f"/account/login/region?next={next_url}")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(provider.issuer + "/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"]
    back = requests.get(authorize, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = back.headers["Location"]
    assert callback.startswith(BASE_URL + "/account/oidc/region/callback?")
    done = client.get(callback.removeprefix(BASE_URL))
    assert done.status_code == 302, done.get_data(True)
    return done.headers["Location"]


def test_sign_in_through_the_provider_creates_a_verified_account(
        oidc_app: Flask, oidc_provider: OidcTestProvider) -> None:  # noqa: F811
    oidc_provider.person = Person("staff-1", "staff@kraj.example", "Jan Novák")
    client = oidc_app.test_client()
    assert "Test IdP" in client.get("/account/login").get_data(True)
    assert sign_in(client, oidc_provider) == "/account"
    page = client.get("/account").get_data(True)
    assert "Jan Novák" in page and "staff@kraj.example" in page
    with transaction(oidc_app.extensions["portal"].engine) as session:
        user = session.exec(select(User).where(User.email == "staff@kraj.example")).one()
        identity = session.exec(select(Identity)).one()
    assert user.verified and user.password_hash is None
    assert (identity.issuer, identity.subject) == (oidc_provider.issuer, "staff-1")
    # A second sign-in finds the same account by issuer and subject.
    second = oidc_app.test_client()
    sign_in(second, oidc_provider)
    with transaction(oidc_app.extensions["portal"].engine) as session:
        assert len(session.exec(select(User)).all()) == 1


def test_provider_vouching_for_an_address_links_the_local_account(
        oidc_app: Flask, oidc_provider: OidcTestProvider) -> None:  # noqa: F811
    local = make_user(oidc_app, "dev@example.test", verified=False)
    oidc_provider.person = Person("dev-9", "dev@example.test", "Dev")
    sign_in(oidc_app.test_client(), oidc_provider)
    with transaction(oidc_app.extensions["portal"].engine) as session:
        identity = session.exec(select(Identity)).one()
        user = session.get(User, local.id)
    assert identity.user_id == local.id and user is not None and user.verified


def test_an_unverified_address_does_not_take_over_an_account(
        oidc_app: Flask, oidc_provider: OidcTestProvider) -> None:  # noqa: F811
    make_user(oidc_app, "victim@example.test")
    oidc_provider.person = Person("x-1", "victim@example.test", "X", email_verified=False)
    client = oidc_app.test_client()
    start = client.get("/account/login/region")
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    refused = client.get(back.headers["Location"].removeprefix(BASE_URL))
    assert refused.status_code == 400
    with transaction(oidc_app.extensions["portal"].engine) as session:
        assert session.exec(select(Identity)).all() == []


def test_a_forged_callback_state_is_refused(oidc_app: Flask,
                                            oidc_provider: OidcTestProvider) -> None:  # noqa: F811
    client = oidc_app.test_client()
    client.get("/account/login/region")
    response = client.get("/account/oidc/region/callback?code=abc&state=forged")
    assert response.status_code == 400
    assert client.get("/account").status_code == 302  # not signed in


def test_an_unknown_provider_is_a_404(oidc_app: Flask) -> None:
    assert oidc_app.test_client().get("/account/login/nope").status_code == 404
