"""Rate limits: per anonymous client and per API token, 429 with Retry-After; in memory by
default and in Redis when configured."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest
from flask import Flask

from catalog.accounts.models import Role
from portal.app import create_app
from tests.accounts import make_user
from tests.conftest import make_settings
from tests.records import PUBLISHER
from tests.test_api_tokens import _token


def _limited_app(tmp_path: Path, sqlite_template: Path, **env: str) -> Flask:
    import shutil

    instance = tmp_path / "instance"
    instance.mkdir(parents=True)
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    return create_app(make_settings(instance, PORTAL_API_RATE_LIMIT="3/minute",
                                    PORTAL_API_TOKEN_RATE_LIMIT="5/minute", **env))


def _exhaust(app: Flask, headers: dict[str, str] | None = None) -> list[int]:
    client = app.test_client()
    return [client.get("/api/3/action/site_read", headers=headers or {}).status_code
            for _ in range(6)]


def test_anonymous_clients_and_tokens_have_their_own_budgets(tmp_path: Path,
                                                             sqlite_template: Path) -> None:
    app = _limited_app(tmp_path, sqlite_template)
    assert _exhaust(app) == [200, 200, 200, 429, 429, 429]
    response = app.test_client().get("/api/v1/themes")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.content_type == "application/problem+json"
    editor = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    secret = _token(app, editor, "read", [])
    assert _exhaust(app, {"Authorization": secret}) == [200, 200, 200, 200, 200, 429]


def test_counters_can_live_in_redis(tmp_path: Path, sqlite_template: Path) -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    # A unique base URL gives this run its own key prefix in the shared server.
    base = f"https://limits-{uuid.uuid4().hex[:12]}.example.test"
    first = _limited_app(tmp_path / "a", sqlite_template, PORTAL_BASE_URL=base,
                         PORTAL_RATELIMIT_STORAGE_URL="redis://127.0.0.1:6379/15")
    second = _limited_app(tmp_path / "b", sqlite_template, PORTAL_BASE_URL=base,
                          PORTAL_RATELIMIT_STORAGE_URL="redis://127.0.0.1:6379/15")
    client_a, client_b = first.test_client(), second.test_client()
    statuses = [client_a.get("/api/3/action/site_read").status_code,
                client_b.get("/api/3/action/site_read").status_code,
                client_a.get("/api/3/action/site_read").status_code,
                client_b.get("/api/3/action/site_read").status_code]
    assert statuses == [200, 200, 200, 429]  # two "workers", one shared budget
