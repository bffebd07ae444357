"""Administration pages: the audit log for site administrators, members for organisation
administrators."""

from __future__ import annotations

from flask import Flask

from catalog.accounts.models import Role
from catalog.accounts.services import principal, user_by_email
from catalog.db import transaction
from tests.accounts import PASSWORD, login, make_user, post_form
from tests.records import PUBLISHER


def test_the_audit_log_shows_sign_ins_to_site_administrators_only(app: Flask) -> None:
    root = make_user(app, "root@example.test", sysadmin=True)
    editor = make_user(app, "ed@example.test", role=Role.EDITOR, org=PUBLISHER)
    client = app.test_client()
    post_form(client, "/account/login", {"email": "ed@example.test", "password": PASSWORD})
    assert client.get("/admin/audit").status_code == 403
    login(client, root)
    html = client.get("/admin/audit").get_data(True)
    assert "ed@example.test" in html and "<code>login</code>" in html
    assert editor.id is not None


def test_an_organisation_admin_manages_its_members(app: Flask) -> None:
    admin = make_user(app, "admin@example.test", role=Role.ADMIN, org=PUBLISHER)
    make_user(app, "new@example.test")
    client = app.test_client()
    login(client, admin)
    url = "/admin/organisations/liberecky-kraj/members"
    added = post_form(client, url, {"email": "new@example.test", "role": "editor"})
    assert added.status_code == 302
    unknown = post_form(client, url, {"email": "nobody@example.test", "role": "editor"})
    assert unknown.status_code == 400
    curator = post_form(client, url, {"email": "new@example.test", "role": "curator"})
    assert curator.status_code == 400  # a publisher has no curators
    with transaction(app.extensions["portal"].engine) as session:
        user = user_by_email(session, "new@example.test")
        assert user is not None
        assert list(principal(session, user).roles.values()) == [Role.EDITOR]
    editor_client = app.test_client()
    login(editor_client, user)
    assert editor_client.get(url).status_code == 403
    assert post_form(client, url, {"email": "new@example.test", "role": "editor",
                                   "remove": "1"}).status_code == 302
    with transaction(app.extensions["portal"].engine) as session:
        assert principal(session, user).roles == {}
