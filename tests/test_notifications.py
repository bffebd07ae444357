"""Notifications with a real SMTP server: one mail per incident (a failed harvest, a broken link
found by the link checker), follows and digests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from catalog.accounts.models import Role
from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.editor import services as editor
from catalog.models import Agent, RecordState, utcnow
from catalog.notifications import services
from catalog.notifications.services import Failure
from catalog.quality.models import LinkCheck
from harvesters.models import HarvestJob, HarvestSource, JobStatus
from portal.app import create_app
from portal.cli import cli
from portal.notifications import failure_mail
from tests.accounts import Inbox, login, make_user, post_form, smtp_server  # noqa: F401
from tests.conftest import BASE_URL, make_settings
from tests.records import PUBLISHER, dataset


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
        # Published only with a distribution (what the national catalog requires).
        editor.add_distribution(session, actor, "odjezdy-vlaku",
                                dataset()["distributions"][0], base_url=BASE_URL)
        editor.set_state(session, actor, "odjezdy-vlaku", RecordState.PUBLISHED)


def _check(app: Flask, url: str, ok: bool) -> None:
    """What the link checker (catalog.quality.links) leaves for ``url``."""
    with transaction(app.extensions["portal"].engine) as session:
        row = session.exec(select(LinkCheck).where(LinkCheck.url == url)).first() \
            or LinkCheck(url=url, checked_at=utcnow())
        row.ok, row.status, row.checked_at = ok, 200 if ok else 404, utcnow()
        session.add(row)


def test_a_broken_link_mails_the_owner_once_per_incident(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    _publish(app)
    with transaction(app.extensions["portal"].engine) as session:
        actor = principal(session, make_user(app, "admin@kraj.example"))
        for name in ("ok.csv", "gone.csv"):
            editor.add_distribution(session, actor, "odjezdy-vlaku", {
                "access_url": f"https://data.kraj.example/{name}"}, base_url=BASE_URL)
    _check(app, "https://data.kraj.example/ok.csv", ok=True)
    _check(app, "https://data.kraj.example/gone.csv", ok=False)
    runner = app.test_cli_runner()
    first = runner.invoke(cli, ["notifications", "notify"])
    assert first.exit_code == 0 and "1 new, 0 ongoing, 0 resolved" in first.output
    assert "0 new, 1 ongoing" in runner.invoke(cli, ["notifications", "notify"]).output
    mails = [m for m in inbox.messages if m["To"] == "admin@kraj.example"]
    assert len(mails) == 1 and "gone.csv: HTTP 404" in mails[0].get_payload(decode=True).decode()
    _check(app, "https://data.kraj.example/gone.csv", ok=True)
    assert "1 resolved" in runner.invoke(cli, ["notifications", "notify"]).output


def test_a_failed_harvest_mails_the_publisher_once(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    make_user(app, "admin@kraj.example", role=Role.ADMIN, org=PUBLISHER)
    with transaction(app.extensions["portal"].engine) as session:
        source = HarvestSource(name="datalk", type="dcat-us", url="https://datalk.example/data.json",
                               publisher="liberecky-kraj")
        session.add(source)
        session.flush()
        session.add(HarvestJob(source_id=source.id or 0, status=JobStatus.FAILED,
                               finished_at=utcnow(), error="HTTP 500"))
    runner = app.test_cli_runner()
    for _ in range(2):
        assert runner.invoke(cli, ["notifications", "notify"]).exit_code == 0
    [mail] = [m for m in inbox.messages if m["To"] == "admin@kraj.example"]
    assert "datalk" in mail.get_payload(decode=True).decode()


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
