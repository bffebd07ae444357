"""Notifications with a real SMTP server: one mail per incident (harvest or broken link, the
links probed on a local HTTP server), follows and digests."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from catalog.accounts.models import Role
from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.editor import services as editor
from catalog.models import Agent, RecordState
from catalog.notifications import services
from catalog.notifications.models import Incident
from catalog.notifications.services import Failure
from portal.app import create_app
from portal.cli import cli
from portal.notifications import failure_mail
from tests.accounts import Inbox, login, make_user, post_form, smtp_server  # noqa: F401
from tests.conftest import BASE_URL, make_settings
from tests.records import PUBLISHER, dataset


class Links(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response(200 if self.path == "/ok.csv" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def link_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Links)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def mail_app(tmp_path: Path, sqlite_template: Path,
             smtp_server: tuple[Inbox, dict[str, str]]) -> tuple[Flask, Inbox]:  # noqa: F811
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    inbox, env = smtp_server
    return create_app(make_settings(instance, **env)), inbox


def _publish(app: Flask, **changes: object) -> None:
    admin = make_user(app, "admin@kraj.example", role=Role.ADMIN, org=PUBLISHER)
    with transaction(app.extensions["portal"].engine) as session:
        actor = principal(session, admin)
        region = editor.publisher_for(session, "liberecky-kraj")
        record = dataset(distributions=[], **changes)
        editor.create_dataset(session, actor, region, record, base_url=BASE_URL)
        editor.set_state(session, actor, "odjezdy-vlaku", RecordState.PUBLISHED)


def test_a_broken_link_mails_the_owner_once_per_incident(mail_app: tuple[Flask, Inbox],
                                                          link_server: str) -> None:
    app, inbox = mail_app
    _publish(app)
    with transaction(app.extensions["portal"].engine) as session:
        actor = principal(session, make_user(app, "admin@kraj.example"))
        for name in ("ok.csv", "gone.csv"):
            editor.add_distribution(session, actor, "odjezdy-vlaku", {
                "access_url": f"{link_server}/{name}"}, base_url=BASE_URL)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(cli, ["notifications", "check-links", "--timeout", "5"])
        assert result.exit_code == 0 and "2 links checked, 1 broken" in result.output
    mails = [m for m in inbox.messages if m["To"] == "admin@kraj.example"]
    assert len(mails) == 1 and "gone.csv: HTTP 404" in mails[0].get_payload(decode=True).decode()
    with transaction(app.extensions["portal"].engine) as session:
        [incident] = session.exec(select(Incident)).all()
        assert incident.resolved_at is None and incident.notified == 1


def test_a_resolved_incident_that_returns_mails_again(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    make_user(app, "admin@kraj.example", role=Role.ADMIN, org=PUBLISHER)
    engine = app.extensions["portal"].engine
    with app.app_context():
        with transaction(engine) as session:
            agent_id = session.exec(select(Agent.id)).one()
        failure = Failure("harvest:datalk", "fetch failed: HTTP 500", agent_id=agent_id)
        mailer = app.extensions["accounts"].mailer
        for step in ("fail", "fail", "ok", "fail"):
            with transaction(engine) as session:
                if step == "fail":
                    services.report_failure(session, mailer, failure, failure_mail)
                else:
                    assert services.report_success(session, "harvest:datalk")
    assert len([m for m in inbox.messages if m["To"] == "admin@kraj.example"]) == 2


def test_followers_get_one_digest_of_changes(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    _publish(app)
    reader = make_user(app, "reader@example.test")
    client = app.test_client()
    login(client, reader)
    assert "Sledovat změny" in client.get("/datasets/odjezdy-vlaku").get_data(True)
    assert post_form(client, "/datasets/odjezdy-vlaku/follow").status_code == 302
    assert "Přestat sledovat" in client.get("/datasets/odjezdy-vlaku").get_data(True)
    runner = app.test_cli_runner()
    assert "0 digests sent" in runner.invoke(cli, ["notifications", "digest"]).output
    with transaction(app.extensions["portal"].engine) as session:
        admin = principal(session, make_user(app, "admin@kraj.example"))
        editor.update_dataset(session, admin, "odjezdy-vlaku",
                              dataset(title={"cs": "Nové odjezdy"}), base_url=BASE_URL)
    assert "1 digests sent" in runner.invoke(cli, ["notifications", "digest"]).output
    assert "0 digests sent" in runner.invoke(cli, ["notifications", "digest"]).output
    [mail] = [m for m in inbox.messages if m["To"] == "reader@example.test"]
    assert "Nové odjezdy (1)" in mail.get_payload(decode=True).decode()
    assert post_form(client, "/datasets/odjezdy-vlaku/unfollow").status_code == 302
    with transaction(app.extensions["portal"].engine) as session:
        assert services.followers(session) == []
