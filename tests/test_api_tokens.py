"""API tokens: created by signed-in users (shown once, stored hashed), scoped, expiring,
revocable; accepted as ckanapi and other clients send them; the write actions through ckanapi
honour the portal's roles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import ckanapi
import pytest
from flask import Flask
from sqlmodel import select

from catalog.accounts.models import Role, User
from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.models import Agent, utcnow
from catalog.tokens.models import ApiToken
from catalog.tokens.services import create_token
from portal.state import state
from tests.accounts import login, make_org, make_user, post_form
from tests.records import PUBLISHER
from tests.servers import serving

OTHER = {"slug": "mesto-turnov", "name": {"cs": "Město Turnov"}}
PACKAGE = {
    "name": "parkoviste-turnov", "title": "Parkoviště v Turnově", "notes": "Obsazenost parkovišť.",
    "owner_org": "liberecky-kraj", "tags": [{"name": "parkování"}], "groups": [{"name": "tran"}],
    "license_id": "CC-BY-4.0",
    "resources": [{"name": "Parkoviště (CSV)", "url": "https://data.example.test/parking.csv",
                   "format": "CSV", "mimetype": "text/csv"}],
}


def _token(app: Flask, user: User, scope: str, publishers: list[dict[str, Any]],
           days: int = 30) -> str:
    with transaction(state(app).engine) as session:
        agents = [session.exec(select(Agent).where(Agent.slug == p["slug"])).one()
                  for p in publishers]
        issued = create_token(session, principal(session, user), name=f"{scope} token",
                              scope=scope, days=days, publishers=agents)
        return issued.secret


@pytest.fixture
def site(app: Flask) -> Iterator[tuple[Flask, str]]:
    make_org(app, OTHER)
    with serving(app) as url:
        yield app, url


def test_editor_writes_through_ckanapi(site: tuple[Flask, str]) -> None:
    app, url = site
    editor = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    remote = ckanapi.RemoteCKAN(url, apikey=_token(app, editor, "write", [PUBLISHER]))
    created = remote.action.package_create(**PACKAGE)
    assert created["name"] == "parkoviste-turnov" and created["state"] == "active"
    assert created["resources"][0]["format"] == "CSV"
    assert created["groups"][0]["name"] == "tran" and created["license_id"] == "CC-BY-4.0"
    anonymous = ckanapi.RemoteCKAN(url)
    assert anonymous.action.package_show(id="parkoviste-turnov")["title"] == PACKAGE["title"]
    assert anonymous.action.package_search(q="parkoviště")["count"] == 1
    updated = remote.action.package_update(**{**created, "title": "Parkoviště Turnov"})
    assert updated["title"] == "Parkoviště Turnov" and updated["notes"] == PACKAGE["notes"]
    patched = remote.action.package_patch(id=created["id"], notes="Nový popis.")
    assert patched["notes"] == "Nový popis." and patched["title"] == "Parkoviště Turnov"
    assert len(patched["resources"]) == 1
    with pytest.raises(ckanapi.ValidationError) as invalid:
        remote.action.package_patch(id=created["id"], colour="blue")
    assert "colour" in invalid.value.error_dict
    with pytest.raises(ckanapi.NotAuthorized):  # deleting needs the admin role
        remote.action.package_delete(id="parkoviste-turnov")
    admin = make_user(app, "admin@example.test", role=Role.ADMIN, org=PUBLISHER)
    ckanapi.RemoteCKAN(url, apikey=_token(app, admin, "write", [PUBLISHER])).action \
        .package_delete(id="parkoviste-turnov")
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id="parkoviste-turnov")


def test_tokens_are_scoped(site: tuple[Flask, str]) -> None:
    app, url = site
    editor = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    make_user(app, "editor@example.test", role=Role.EDITOR, org=OTHER)
    read = ckanapi.RemoteCKAN(url, apikey=_token(app, editor, "read", []))
    assert read.action.package_search()["count"] == 0  # a read token reads
    with pytest.raises(ckanapi.NotAuthorized):
        read.action.package_create(**PACKAGE)
    only_region = ckanapi.RemoteCKAN(url, apikey=_token(app, editor, "write", [PUBLISHER]))
    with pytest.raises(ckanapi.NotAuthorized):  # a member of Turnov, but not with this token
        only_region.action.package_create(**{**PACKAGE, "owner_org": "mesto-turnov"})
    with pytest.raises(ckanapi.NotAuthorized):
        ckanapi.RemoteCKAN(url).action.package_create(**PACKAGE)


def test_bad_expired_and_revoked_tokens_are_refused(site: tuple[Flask, str]) -> None:
    app, url = site
    editor = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    secret = _token(app, editor, "write", [PUBLISHER])
    with pytest.raises(ckanapi.NotAuthorized):
        ckanapi.RemoteCKAN(url, apikey="lkod_not-a-real-token").action.site_read()
    with transaction(state(app).engine) as session:
        token = session.exec(select(ApiToken)).one()
        assert token.token_hash != secret and secret not in repr(token.model_dump())
        token.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(ckanapi.NotAuthorized):
        ckanapi.RemoteCKAN(url, apikey=secret).action.site_read()


def test_token_headers_as_clients_send_them(app: Flask) -> None:
    editor = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    secret = _token(app, editor, "write", [PUBLISHER])
    client = app.test_client()
    for headers in ({"Authorization": secret}, {"Authorization": f"Bearer {secret}"},
                    {"X-CKAN-API-Key": secret}):
        response = client.post("/api/3/action/package_create", headers=headers,
                               json={**PACKAGE, "name": "p-" + str(len(str(headers)))})
        assert response.status_code == 200, response.get_json()
    bad = client.get("/api/3/action/site_read", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 403
    assert bad.get_json()["error"]["__type"] == "Authorization Error"


def test_users_create_see_once_and_revoke_tokens(app: Flask) -> None:
    editor = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    client = app.test_client()
    assert client.get("/account/tokens").status_code == 302  # sign in first
    login(client, editor)
    with transaction(state(app).engine) as session:
        region = session.exec(select(Agent).where(Agent.slug == PUBLISHER["slug"])).one()
    created = post_form(client, "/account/tokens", {"name": "my app", "scope": "write",
                                                     "days": "30", "publishers": str(region.id)})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    html = created.get_data(as_text=True)
    secret = html.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("lkod_")
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in listing and secret[:12] in listing
    use = app.test_client().post("/api/3/action/package_create", json=PACKAGE,
                                 headers={"Authorization": secret})
    assert use.status_code == 200
    with transaction(state(app).engine) as session:
        token_id = session.exec(select(ApiToken.id)).one()
    revoked = post_form(client, f"/account/tokens/{token_id}/revoke")
    assert revoked.status_code == 303
    again = app.test_client().get("/api/3/action/site_read", headers={"Authorization": secret})
    assert again.status_code == 403
    invalid = post_form(client, "/account/tokens", {"name": "", "scope": "read", "days": "30"})
    assert invalid.status_code == 400
