"""Reuses (the showcase): submitting, moderating, who may do what, what the public sees, the
pages, the dataset page's section, the submitter's mail and the Atom feed; hostile input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree, html
from sqlalchemy import Engine

from catalog.accounts.models import Role, User
from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from catalog.models import RecordState
from catalog.permissions import NotAuthorized, Principal
from catalog.reuses import queries, services
from catalog.reuses.models import ReuseStatus, ReuseType
from catalog.services import set_dataset_state, upsert_agent, upsert_dataset
from portal.app import create_app
from portal.state import state
from tests.accounts import Inbox, login, make_user, post_form, smtp_server  # noqa: F401
from tests.conftest import BASE_URL, make_settings
from tests.records import PUBLISHER, dataset

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def reuse(**changes: Any) -> dict[str, Any]:
    return {
        "type": "application",
        "title": "Odjezdy na displeji",
        "description": "Ukazuje odjezdy vlaků.\n\nPro čekárny.",
        "url": "https://odjezdy.example/",
        "author_name": "Tým 42",
        "language": "cs",
        "datasets": ["odjezdy-vlaku"],
        **changes,
    }


def catalog_with_dataset(engine: Engine) -> None:
    with transaction(engine) as session:
        upsert_agent(session, PUBLISHER, kind="publisher", base_url=BASE_URL)
        upsert_dataset(session, "test:odjezdy", dataset(), base_url=BASE_URL)
        upsert_dataset(
            session,
            "test:zastavky",
            dataset("zastavky", title={"cs": "Zastávky"}),
            base_url=BASE_URL,
        )


def actor(engine: Engine, user: User) -> Principal:
    with transaction(engine) as session:
        return principal(session, user)


@pytest.fixture
def people(engine: Engine) -> dict[str, Principal]:
    catalog_with_dataset(engine)
    return {
        "user": actor(engine, make_user(engine, "dev@example.test")),
        "other": actor(engine, make_user(engine, "other@example.test")),
        "unverified": actor(engine, make_user(engine, "new@example.test", verified=False)),
        "admin": actor(engine, make_user(engine, "root@kraj.example", sysadmin=True)),
    }


# -- the domain ---------------------------------------------------------------------------------


def test_a_submission_waits_until_an_administrator_publishes_it(
    engine: Engine, people: dict[str, Principal]
) -> None:
    with transaction(engine) as session:
        submitted = services.submit(
            session, people["user"], reuse(datasets=["odjezdy-vlaku", "zastavky"])
        )
    assert submitted.status == ReuseStatus.PENDING and submitted.published_at is None
    with transaction(engine) as session:
        assert queries.published_page(session, 10).total == 0
        with pytest.raises(NotFound):
            queries.published_reuse(session, submitted.id or 0)
        assert queries.may_see(people["user"], submitted)
        assert queries.may_see(people["admin"], submitted)
        assert not queries.may_see(people["other"], submitted)
        assert not queries.may_see(None, submitted)
        services.moderate(session, people["admin"], submitted.id or 0, {"decision": "published"})
    with transaction(engine) as session:
        page = queries.published_page(session, 10)
        assert [r.id for r in page.items] == [submitted.id] and page.total == 1
        linked = queries.datasets_of(session, [submitted.id or 0])[submitted.id or 0]
        assert [d.slug for d in linked] == ["odjezdy-vlaku", "zastavky"]
        dataset_id = linked[0].id or 0
        assert [r.id for r in queries.for_dataset(session, dataset_id)] == [submitted.id]
        assert queries.published_reuse(session, submitted.id or 0).published_at is not None


def test_moderation_transitions_and_the_note_a_rejection_needs(
    engine: Engine, people: dict[str, Principal]
) -> None:
    with transaction(engine) as session:
        reuse_id = services.submit(session, people["user"], reuse()).id or 0
    with transaction(engine) as session, pytest.raises(ValidationError) as no_note:
        services.moderate(session, people["admin"], reuse_id, {"decision": "rejected"})
    assert no_note.value.field == "note"
    with transaction(engine) as session:
        rejected = services.moderate(
            session, people["admin"], reuse_id, {"decision": "rejected", "note": "Odkaz nefunguje."}
        )
        assert rejected.status == ReuseStatus.REJECTED
        assert rejected.moderation_note == "Odkaz nefunguje."
        with pytest.raises(ValidationError, match="already rejected"):
            services.moderate(
                session, people["admin"], reuse_id, {"decision": "rejected", "note": "znovu"}
            )
        with pytest.raises(ValidationError):
            services.moderate(session, people["admin"], reuse_id, {"decision": "pending"})
    with transaction(engine) as session:
        published = services.moderate(session, people["admin"], reuse_id, {"decision": "published"})
        assert published.status == ReuseStatus.PUBLISHED and published.moderation_note is None
        first_published = published.published_at
    with transaction(engine) as session:  # withdrawn later: hidden again
        services.moderate(
            session,
            people["admin"],
            reuse_id,
            {"decision": "rejected", "note": "Aplikace skončila."},
        )
        assert queries.published_page(session, 10).total == 0
        assert queries.queue(session, ReuseStatus.REJECTED)[0].published_at == first_published
    with transaction(engine) as session, pytest.raises(NotFound):
        services.moderate(session, people["admin"], 999_999, {"decision": "published"})


def test_who_may_submit_and_moderate(engine: Engine, people: dict[str, Principal]) -> None:
    with transaction(engine) as session:
        for who in (None, people["unverified"]):
            with pytest.raises(NotAuthorized):
                services.submit(session, who, reuse())
        reuse_id = services.submit(session, people["user"], reuse()).id or 0
        for who in (None, people["user"], people["other"]):
            with pytest.raises(NotAuthorized):
                services.moderate(session, who, reuse_id, {"decision": "published"})


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"url": "javascript:alert(1)"}, "url", "http(s) URL"),
        ({"url": "data:text/html,<script>alert(1)</script>"}, "url", "http(s) URL"),
        ({"url": "https://x.example/" + "a" * 500}, "url", "at most 500"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"description": "x" * 4001}, "description", "at most 4000"),
        ({"description": "nul \x00 byte"}, "description", "control characters"),
        ({"title": ""}, "title", "at least 1"),
        ({"type": "malware"}, "type", "Input should be"),
        ({"datasets": []}, "datasets", "at least 1"),
        ({"datasets": ["neexistuje"]}, "datasets", "unknown dataset 'neexistuje'"),
        ({"datasets": ["BAD SLUG"]}, "datasets.0", "lowercase"),
    ],
)
def test_invalid_submissions_are_refused_naming_the_field(
    engine: Engine, people: dict[str, Principal], changes: dict[str, Any], field: str, text: str
) -> None:
    with transaction(engine) as session, pytest.raises(ValidationError) as refused:
        services.submit(session, people["user"], reuse(**changes))
    assert refused.value.field == field and text in refused.value.message


def test_a_draft_dataset_cannot_be_linked_and_an_archived_one_drops_out(
    engine: Engine, people: dict[str, Principal]
) -> None:
    with transaction(engine) as session:
        reuse_id = (
            services.submit(
                session, people["user"], reuse(datasets=["odjezdy-vlaku", "zastavky"])
            ).id
            or 0
        )
        services.moderate(session, people["admin"], reuse_id, {"decision": "published"})
        set_dataset_state(session, "zastavky", RecordState.ARCHIVED)
    with transaction(engine) as session:
        linked = queries.datasets_of(session, [reuse_id])[reuse_id]
        assert [d.slug for d in linked] == ["odjezdy-vlaku"]
        with pytest.raises(ValidationError, match="unknown dataset 'zastavky'"):
            services.submit(session, people["user"], reuse(datasets=["zastavky"]))


def test_too_many_waiting_submissions_are_refused(
    engine: Engine, people: dict[str, Principal]
) -> None:
    with transaction(engine) as session:
        for n in range(services.MAX_PENDING):
            services.submit(session, people["user"], reuse(title=f"Aplikace {n}"))
        with pytest.raises(ValidationError, match="wait for approval"):
            services.submit(session, people["user"], reuse())
        services.submit(session, people["other"], reuse())  # others are not held back


def test_keyset_pages_cover_every_published_reuse_once(
    engine: Engine, people: dict[str, Principal]
) -> None:
    with transaction(engine) as session:
        for n in range(5):
            created = services.submit(
                session, people["user"], reuse(title=f"R{n}", type="idea" if n % 2 else "article")
            )
            services.moderate(session, people["admin"], created.id or 0, {"decision": "published"})
    seen: list[int] = []
    key = None
    with transaction(engine) as session:
        while True:
            page = queries.published_page(session, 2, after=key)
            seen += [r.id or 0 for r in page.items]
            if page.next_key is None:
                break
            key = page.next_key
        assert len(seen) == len(set(seen)) == 5
        assert queries.published_page(session, 10, type_=ReuseType.IDEA).total == 2


# -- the web ------------------------------------------------------------------------------------


@pytest.fixture
def web(app: Flask) -> Flask:
    catalog_with_dataset(state(app).engine)
    return app


def submit_form(client: FlaskClient, **changes: str) -> Any:
    form = {**reuse(), "datasets": f"{BASE_URL}/datasets/odjezdy-vlaku\nzastavky", **changes}
    return post_form(client, "/reuses/new", form)


def test_anonymous_visitors_are_sent_to_sign_in_and_unverified_are_refused(
    web: Flask, client: FlaskClient
) -> None:
    response = client.get("/reuses/new?dataset=odjezdy-vlaku")
    assert response.status_code == 302 and "/account/login" in response.location
    assert client.post("/reuses/new", data=reuse()).status_code in (302, 400)
    login(client, make_user(web, "new@example.test", verified=False))
    refused = client.get("/reuses/new?lang=en")
    assert refused.status_code == 403
    assert "Confirm your e-mail address first" in refused.get_data(as_text=True)
    assert submit_form(client).status_code == 403
    with transaction(state(web).engine) as session:
        assert queries.status_counts(session)[ReuseStatus.PENDING] == 0


def test_the_form_needs_the_csrf_token(web: Flask, client: FlaskClient) -> None:
    login(client, make_user(web))
    assert (
        client.post("/reuses/new", data={**reuse(), "datasets": "odjezdy-vlaku"}).status_code == 400
    )


def test_submit_moderate_and_show_on_the_dataset_page(web: Flask, client: FlaskClient) -> None:
    submitter = make_user(web, "dev@example.test")
    login(client, submitter)
    form = client.get("/reuses/new?dataset=odjezdy-vlaku").get_data(as_text=True)
    assert ">odjezdy-vlaku</textarea>" in form
    response = submit_form(client, title="Displej odjezdů")
    assert response.status_code == 302
    reuse_url = response.location
    page = client.get(reuse_url).get_data(as_text=True)
    assert "Displej odjezdů" in page and "čeká na schválení" in page
    assert "Displej odjezdů" in client.get("/reuses/mine").get_data(as_text=True)
    anonymous = web.test_client()
    assert anonymous.get(reuse_url).status_code == 404
    assert "Displej odjezdů" not in anonymous.get("/reuses/").get_data(as_text=True)
    assert client.get("/admin/reuses").status_code == 403  # not a moderator

    admin = web.test_client()
    login(admin, make_user(web, "root@kraj.example", sysadmin=True))
    queue = admin.get("/admin/reuses").get_data(as_text=True)
    assert "Displej odjezdů" in queue and "dev@example.test" in queue
    reuse_id = int(reuse_url.rsplit("/", 1)[1])
    refused = post_form(admin, f"/admin/reuses/{reuse_id}", {"decision": "rejected"})
    assert refused.status_code == 302
    assert "Napište poznámku" in admin.get("/admin/reuses").get_data(as_text=True)
    assert (
        post_form(admin, f"/admin/reuses/{reuse_id}", {"decision": "published"}).status_code == 302
    )
    assert (
        post_form(
            client, f"/admin/reuses/{reuse_id}", {"decision": "rejected", "note": "x"}
        ).status_code
        == 403
    )

    listing = anonymous.get("/reuses/").get_data(as_text=True)
    assert "Displej odjezdů" in listing
    assert 'type="application/atom+xml"' in listing and "/reuses/feed.atom" in listing
    assert "Displej odjezdů" in anonymous.get("/reuses/?type=application").get_data(as_text=True)
    assert "Displej odjezdů" not in anonymous.get("/reuses/?type=idea").get_data(as_text=True)
    assert anonymous.get("/reuses/?type=malware").status_code == 400
    assert anonymous.get("/reuses/?page=0").status_code == 400
    of_dataset = anonymous.get("/reuses/?dataset=zastavky").get_data(as_text=True)
    assert "Displej odjezdů" in of_dataset and "/datasets/zastavky" in of_dataset
    assert anonymous.get("/reuses/?dataset=neexistuje").status_code == 404
    dataset_page = anonymous.get("/datasets/odjezdy-vlaku").get_data(as_text=True)
    assert "Displej odjezdů" in dataset_page
    assert "/reuses/new?dataset=odjezdy-vlaku" in dataset_page
    mine = client.get("/reuses/mine").get_data(as_text=True)
    assert "zveřejněno" in mine
    assert "/reuses/mine" in client.get("/account").get_data(as_text=True)
    assert "/admin/reuses" in admin.get("/account").get_data(as_text=True)


def test_form_errors_are_shown_per_field_in_the_visitors_language(
    web: Flask, client: FlaskClient
) -> None:
    login(client, make_user(web))
    response = submit_form(client, url="javascript:alert(1)", title="", datasets="neexistuje")
    assert response.status_code == 400
    page = html.fromstring(response.get_data(as_text=True))
    errors = {e.get("id"): e.text_content() for e in page.xpath("//p[@class='error']")}
    assert set(errors) == {"e-url", "e-title"}  # datasets are checked once the rest is valid
    assert page.xpath("//input[@id='f-url']/@aria-invalid") == ["true"]
    assert page.xpath("//input[@id='f-url']/@value") == ["javascript:alert(1)"]  # kept
    response = submit_form(client, datasets="neexistuje")
    assert "neexistuje" in html.fromstring(response.get_data(as_text=True)).xpath(
        "string(//p[@id='e-datasets'])"
    )
    german = client.post(
        "/reuses/new?lang=de", data={**reuse(), "datasets": "", "csrf_token": _token(client)}
    )
    assert "Datensatz" in german.get_data(as_text=True)


def _token(client: FlaskClient) -> str:
    found = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/reuses/new").get_data(as_text=True)
    )
    assert found
    return found.group(1)


def test_hostile_text_is_shown_as_text(web: Flask, client: FlaskClient) -> None:
    login(client, make_user(web, "dev@example.test"))
    response = submit_form(client, title=f"Titul {HOSTILE}", description=f"Popis {HOSTILE}\nřádek")
    reuse_url = response.location
    admin = web.test_client()
    login(admin, make_user(web, "root@kraj.example", sysadmin=True))
    post_form(admin, f"/admin/reuses/{reuse_url.rsplit('/', 1)[1]}", {"decision": "published"})
    for url in (reuse_url, "/reuses/", "/datasets/odjezdy-vlaku"):
        body = web.test_client().get(url).get_data(as_text=True)
        tree = html.fromstring(body)
        injected = "//script[contains(., 'alert')] | //img[@src='x'] | //*[@onerror]"
        assert not tree.xpath(injected), url
        assert "&lt;script&gt;" in body, url
    feed = etree.fromstring(web.test_client().get("/reuses/feed.atom").data)
    assert feed.findtext(f"{ATOM}entry/{ATOM}title") == f"Titul {HOSTILE}"  # escaped text


@pytest.fixture
def mail_app(
    tmp_path: Path,
    sqlite_template: Path,
    smtp_server: tuple[Inbox, dict[str, str]],  # noqa: F811
) -> tuple[Flask, Inbox]:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    inbox, env = smtp_server
    app = create_app(make_settings(instance, **env))
    catalog_with_dataset(state(app).engine)
    return app, inbox


def test_the_submitter_is_mailed_the_decision_with_the_note(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    root = make_user(app, "root@kraj.example", sysadmin=True)
    client = app.test_client()
    login(client, make_user(app, "dev@example.test"))
    reuse_id = submit_form(client).location.rsplit("/", 1)[1]
    assert [m["To"] for m in inbox.messages] == ["root@kraj.example"]  # a new one waits
    assert f"{BASE_URL}/admin/reuses" in inbox.links("root@kraj.example")
    admin = app.test_client()
    login(admin, root)
    post_form(
        admin,
        f"/admin/reuses/{reuse_id}",
        {"decision": "rejected", "note": "Odkaz vede na chybovou stránku."},
    )
    assert len(inbox.messages) == 2
    mail = inbox.messages[1]
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert mail["To"] == "dev@example.test"
    assert "Odkaz vede na chybovou stránku." in body
    assert f"{BASE_URL}/reuses/{reuse_id}" in inbox.links("dev@example.test")


def test_the_datas_publisher_hears_once_when_a_reuse_is_first_published(
    mail_app: tuple[Flask, Inbox],
) -> None:
    app, inbox = mail_app
    make_user(app, "spravce@kraj.example", role=Role.ADMIN, org=PUBLISHER)
    client = app.test_client()
    login(client, make_user(app, "dev@example.test"))
    reuse_id = submit_form(client).location.rsplit("/", 1)[1]
    admin = app.test_client()
    login(admin, make_user(app, "root@kraj.example", sysadmin=True))
    url = f"/admin/reuses/{reuse_id}"
    post_form(admin, url, {"decision": "published"})
    to_publisher = [m for m in inbox.messages if m["To"] == "spravce@kraj.example"]
    assert len(to_publisher) == 1
    body = to_publisher[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert f"{BASE_URL}/datasets/odjezdy-vlaku" in body and f"{BASE_URL}/datasets/zastavky" in body
    post_form(admin, url, {"decision": "rejected", "note": "Chyba."})
    post_form(admin, url, {"decision": "published"})
    assert [m["To"] for m in inbox.messages].count("spravce@kraj.example") == 1
    assert [m["To"] for m in inbox.messages].count("dev@example.test") == 3


def test_the_feed_is_atom_with_the_published_reuses(web: Flask, client: FlaskClient) -> None:
    engine = state(web).engine
    with transaction(engine) as session:
        user = principal(session, make_user(engine, "dev@example.test"))
        admin = principal(session, make_user(engine, "root@kraj.example", sysadmin=True))
        shown = services.submit(session, user, reuse(title="Zveřejněná", type="article"))
        services.submit(session, user, reuse(title="Čekající"))
        services.moderate(session, admin, shown.id or 0, {"decision": "published"})
    response = client.get("/reuses/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = etree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Zveřejněná"]
    assert entries[0].findtext(f"{ATOM}id") == f"{BASE_URL}/reuses/{shown.id}"
    assert entries[0].find(f"{ATOM}link").get("href") == f"{BASE_URL}/reuses/{shown.id}"
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    only_ideas = etree.fromstring(client.get("/reuses/feed.atom?type=idea").data)
    assert only_ideas.findall(f"{ATOM}entry") == []
