"""Test helpers that publish as a real publisher does: sign in, fill the web editor's forms
(portal/editor), publish. For the tests of what the editor's catalog looks like outside
(conformance, the SPARQL store).

    editor = editor_client(app, "editor@kraj.example", PUBLISHER)
    assert create_dataset(editor, "liberecky-kraj", MINIMAL).status_code == 302
    add_distribution(editor, MINIMAL["slug"], LINKED_CSV)
    set_state(editor, MINIMAL["slug"], "published")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from catalog.accounts.models import Role
from tests.accounts import csrf_token, login, make_user

THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCIES = "http://publications.europa.eu/resource/authority/frequency/"


def editor_client(
    app: Flask, email: str, org: Mapping[str, Any], role: Role = Role.ADMIN
) -> FlaskClient:
    """A client signed in as a member of ``org`` (admin by default: it may publish)."""
    client = app.test_client()
    login(client, make_user(app, email, role=role, org=org))
    return client


def submit(client: FlaskClient, url: str, data: Mapping[str, Any], **kwargs: Any) -> Any:
    """POST an editor form with the session's CSRF token."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/editor/")}, **kwargs)


def create_dataset(client: FlaskClient, publisher: str, form: Mapping[str, Any]) -> Any:
    return submit(client, f"/editor/new?publisher={publisher}", form)


def edit_dataset(client: FlaskClient, slug: str, form: Mapping[str, Any]) -> Any:
    return submit(client, f"/editor/datasets/{slug}/edit", form)


def add_distribution(client: FlaskClient, slug: str, form: Mapping[str, Any]) -> Any:
    return submit(
        client,
        f"/editor/datasets/{slug}/distributions/new",
        form,
        content_type="multipart/form-data",
    )


def set_state(client: FlaskClient, slug: str, state: str) -> Any:
    return submit(client, f"/editor/datasets/{slug}/state", {"state": state})
