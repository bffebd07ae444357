"""Reuses after submission: the submitter (or an administrator) edits or withdraws one, what goes
back to moderation, the audit entries; published reuses in the full-text search (through the
outbox) and out of it when withdrawn or rejected; the dataset and publisher pages' links."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from catalog.accounts.models import AuditEvent
from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from catalog.models import RecordState
from catalog.permissions import NotAuthorized, Principal
from catalog.reuses import editing, queries, services
from catalog.reuses.models import Reuse, ReuseStatus
from catalog.search.base import SearchQuery
from catalog.search.indexer import check, drain_outbox
from catalog.search.tantivy_index import TantivyIndex
from catalog.services import set_dataset_state
from portal.state import state
from tests.accounts import login, make_user, post_form
from tests.test_reuses import catalog_with_dataset, people, reuse  # noqa: F401


def published(engine: Engine, who: dict[str, Principal], **changes: Any) -> int:
    with transaction(engine) as session:
        reuse_id = services.submit(session, who["user"], reuse(**changes)).id or 0
        services.moderate(session, who["admin"], reuse_id, {"decision": "published"})
    return reuse_id


def status_of(engine: Engine, reuse_id: int) -> ReuseStatus:
    with Session(engine) as session:
        found = session.get(Reuse, reuse_id)
        assert found is not None
        return ReuseStatus(found.status)


def found_ids(index: TantivyIndex, text: str) -> list[int]:
    return [h.id for h in index.search(SearchQuery(text=text, kinds=("reuse",))).hits]


# -- the domain ---------------------------------------------------------------------------------


def test_a_submitters_change_of_public_text_sends_a_published_reuse_back_to_moderation(
    engine: Engine,
    people: dict[str, Principal],  # noqa: F811
) -> None:
    reuse_id = published(engine, people)
    with transaction(engine) as session:
        kept = editing.edit(session, people["user"], reuse_id, reuse(type="visualisation"))
    assert kept.changed == ("type",) and not kept.resubmitted
    assert status_of(engine, reuse_id) == ReuseStatus.PUBLISHED
    with transaction(engine) as session:
        same = editing.edit(session, people["user"], reuse_id, reuse(type="visualisation"))
    assert same.changed == () and not same.resubmitted
    with transaction(engine) as session:
        moved = editing.edit(
            session,
            people["user"],
            reuse_id,
            reuse(type="visualisation", url="https://new.example/"),
        )
    assert moved.changed == ("url",) and moved.resubmitted
    assert status_of(engine, reuse_id) == ReuseStatus.PENDING
    with transaction(engine) as session:
        again = services.moderate(session, people["admin"], reuse_id, {"decision": "published"})
        assert not services.first_publication(again)  # the publishers were told the first time
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.target_kind == "reuse", AuditEvent.target_id == reuse_id)
            .order_by(col(AuditEvent.id))
        ).all()
    edits = [e.detail for e in events if e.action == "reuse.edit"]
    assert edits == [
        {"fields": ["type"], "status": ["published", "published"]},
        {"fields": ["url"], "status": ["published", "pending"]},
    ]


def test_an_administrators_edit_keeps_the_status_and_a_rejected_reuse_is_resubmitted(
    engine: Engine,
    people: dict[str, Principal],  # noqa: F811
) -> None:
    reuse_id = published(engine, people)
    with transaction(engine) as session:
        edited = editing.edit(session, people["admin"], reuse_id, reuse(title="Opravený název"))
    assert edited.changed == ("title",) and not edited.resubmitted
    assert status_of(engine, reuse_id) == ReuseStatus.PUBLISHED
    with transaction(engine) as session:
        services.moderate(session, people["admin"], reuse_id, {"decision": "rejected", "note": "x"})
    with transaction(engine) as session:
        edited = editing.edit(session, people["user"], reuse_id, reuse(language="en"))
    assert edited.resubmitted and edited.reuse.moderation_note is None
    assert status_of(engine, reuse_id) == ReuseStatus.PENDING


def test_only_the_submitter_and_administrators_may_edit_or_withdraw(
    engine: Engine,
    people: dict[str, Principal],  # noqa: F811
) -> None:
    reuse_id = published(engine, people)
    for who in ("other", "unverified"):
        with pytest.raises(NotAuthorized), transaction(engine) as session:
            editing.edit(session, people[who], reuse_id, reuse(title="Cizí"))
        with pytest.raises(NotAuthorized), transaction(engine) as session:
            editing.withdraw(session, people[who], reuse_id)
    with pytest.raises(NotAuthorized), transaction(engine) as session:
        editing.withdraw(session, None, reuse_id)
    with pytest.raises(ValidationError) as bad, transaction(engine) as session:
        editing.edit(session, people["user"], reuse_id, reuse(datasets=["neexistuje"]))
    assert bad.value.field == "datasets"
    with transaction(engine) as session:
        editing.withdraw(session, people["user"], reuse_id)
    assert status_of(engine, reuse_id) == ReuseStatus.WITHDRAWN
    with pytest.raises(NotFound), transaction(engine) as session:
        editing.edit(session, people["admin"], reuse_id, reuse())
    with pytest.raises(NotFound), transaction(engine) as session:
        editing.withdraw(session, people["user"], reuse_id)
    with pytest.raises(ValidationError, match="withdrawn"), transaction(engine) as session:
        services.moderate(session, people["admin"], reuse_id, {"decision": "published"})
    with transaction(engine) as session:
        assert queries.published_page(session, 10).total == 0
        assert [r.id for r in queries.submitted_by(session, people["user"].id)] == [reuse_id]


def test_an_archived_datasets_link_is_no_change_and_survives_an_edit_of_the_text(
    engine: Engine,
    people: dict[str, Principal],  # noqa: F811
) -> None:
    reuse_id = published(engine, people, datasets=["odjezdy-vlaku", "zastavky"])
    with transaction(engine) as session:
        set_dataset_state(session, "zastavky", RecordState.ARCHIVED)
    with transaction(engine) as session:  # the form shows the published datasets only
        edited = editing.edit(session, people["user"], reuse_id, reuse(language="en"))
    assert edited.changed == ("language",)
    with transaction(engine) as session:
        set_dataset_state(session, "zastavky", RecordState.PUBLISHED)
    with Session(engine) as session:
        linked = queries.datasets_of(session, [reuse_id])[reuse_id]
    assert [d.slug for d in linked] == ["odjezdy-vlaku", "zastavky"]


def test_the_index_holds_published_reuses_only(
    engine: Engine,
    index: TantivyIndex,
    people: dict[str, Principal],  # noqa: F811
) -> None:
    reuse_id = published(engine, people, title="Displej odjezdů")
    with transaction(engine) as session:
        waiting = services.submit(session, people["user"], reuse(title="Displej příjezdů")).id
    drain_outbox(engine, index)
    assert found_ids(index, "displej") == [reuse_id]  # the pending one is not found
    with transaction(engine) as session:
        editing.edit(session, people["user"], reuse_id, reuse(title="Tabule odjezdů"))
    drain_outbox(engine, index)
    assert found_ids(index, "tabule") == []  # back in moderation: out of the search
    with transaction(engine) as session:
        services.moderate(session, people["admin"], reuse_id, {"decision": "published"})
        services.moderate(session, people["admin"], waiting or 0, {"decision": "published"})
    drain_outbox(engine, index)
    assert found_ids(index, "tabule") == [reuse_id]
    with transaction(engine) as session:
        editing.withdraw(session, people["user"], reuse_id)
        rejection = {"decision": "rejected", "note": "x"}
        services.moderate(session, people["admin"], waiting or 0, rejection)
    drain_outbox(engine, index)
    assert found_ids(index, "tabule") == [] and found_ids(index, "displej") == []
    assert check(engine, index).drift == 0


# -- the web ------------------------------------------------------------------------------------


@pytest.fixture
def web(app: Flask) -> Flask:
    catalog_with_dataset(state(app).engine)
    return app


def test_the_submitter_edits_and_withdraws_on_the_web_and_search_follows(
    web: Flask, client: FlaskClient
) -> None:
    user = make_user(web, "dev@example.test")
    login(client, user)
    reuse_url = post_form(client, "/reuses/new", {**reuse(), "datasets": "odjezdy-vlaku"}).location
    reuse_id = int(reuse_url.rsplit("/", 1)[1])
    admin = web.test_client()
    login(admin, make_user(web, "root@kraj.example", sysadmin=True))
    post_form(admin, f"/admin/reuses/{reuse_id}", {"decision": "published"})
    state(web).drain(wait=True)
    anonymous = web.test_client()
    results = anonymous.get("/search?q=odjezdy&lang=en").get_data(as_text=True)
    assert f'href="/reuses/{reuse_id}"' in results and 'class="kind kind-reuse">Reuse<' in results
    assert "?q=odjezdy&amp;lang=en&amp;kind=reuse" in results  # the kind filter link
    only = anonymous.get("/search?q=odjezdy&kind=reuse").get_data(as_text=True)
    assert f'href="/reuses/{reuse_id}"' in only and "/datasets/odjezdy-vlaku" not in only

    assert f"/reuses/{reuse_id}/edit" in client.get(reuse_url).get_data(as_text=True)
    assert f"/reuses/{reuse_id}/edit" not in anonymous.get(reuse_url).get_data(as_text=True)
    stranger = web.test_client()
    login(stranger, make_user(web, "other@example.test"))
    assert stranger.get(f"/reuses/{reuse_id}/edit").status_code == 403
    assert post_form(stranger, f"/reuses/{reuse_id}/withdraw").status_code == 403
    assert anonymous.get(f"/reuses/{reuse_id}/edit").status_code == 302  # to sign in

    form = html.fromstring(client.get(f"/reuses/{reuse_id}/edit").get_data(as_text=True))
    assert form.xpath("//input[@id='f-title']/@value") == [reuse()["title"]]
    assert form.xpath("//textarea[@id='f-datasets']/text()") == ["odjezdy-vlaku"]
    assert client.post(f"/reuses/{reuse_id}/edit", data=reuse()).status_code == 400  # no CSRF
    edit = {**reuse(), "datasets": "odjezdy-vlaku"}
    bad = post_form(client, f"/reuses/{reuse_id}/edit?lang=de", {**edit, "url": "ftp://x"})
    assert bad.status_code == 400
    errors = html.fromstring(bad.get_data(as_text=True)).xpath("//p[@class='error']/@id")
    assert errors == ["e-url"]
    saved = post_form(client, f"/reuses/{reuse_id}/edit", {**edit, "title": "Tabule odjezdů"})
    assert saved.status_code == 302
    state(web).drain(wait=True)
    assert f"/reuses/{reuse_id}" not in anonymous.get("/search?q=tabule").get_data(as_text=True)
    assert anonymous.get(reuse_url).status_code == 404  # waits for approval again
    assert "Tabule odjezdů" in admin.get("/admin/reuses").get_data(as_text=True)
    post_form(admin, f"/admin/reuses/{reuse_id}", {"decision": "published"})

    assert post_form(client, f"/reuses/{reuse_id}/withdraw").status_code == 302
    state(web).drain(wait=True)
    assert anonymous.get(reuse_url).status_code == 404
    assert "Tabule" not in anonymous.get("/reuses/").get_data(as_text=True)
    assert "Tabule" not in anonymous.get("/reuses/feed.atom").get_data(as_text=True)
    assert anonymous.get("/api/v1/reuses").get_json()["items"] == []
    assert f"/reuses/{reuse_id}" not in anonymous.get("/search?q=tabule").get_data(as_text=True)
    mine = client.get("/reuses/mine").get_data(as_text=True)
    assert "Tabule odjezdů" in mine and "zurückgezogen" in mine  # ?lang=de above stays
    assert client.get(f"/reuses/{reuse_id}/edit").status_code == 404


def test_the_dataset_page_links_its_reuses_and_the_publisher_page_counts_them(
    web: Flask,
) -> None:
    engine = state(web).engine
    with transaction(engine) as session:
        user = principal(session, make_user(web, "dev@example.test"))
        admin = principal(session, make_user(web, "root@kraj.example", sysadmin=True))
    with transaction(engine) as session:
        reuse_id = services.submit(session, user, reuse()).id or 0
        services.moderate(session, admin, reuse_id, {"decision": "published"})
    anonymous = web.test_client()
    page = anonymous.get("/datasets/odjezdy-vlaku").get_data(as_text=True)
    assert "/reuses/?dataset=odjezdy-vlaku" in page
    assert "/reuses/?dataset=zastavky" not in anonymous.get("/datasets/zastavky").get_data(
        as_text=True
    )
    publisher = anonymous.get("/publishers/liberecky-kraj?lang=en").get_data(as_text=True)
    assert '<a href="/reuses/?publisher=liberecky-kraj">1 reuse</a>' in publisher
    listing = anonymous.get("/reuses/?publisher=liberecky-kraj&lang=en").get_data(as_text=True)
    assert (
        f'href="/reuses/{reuse_id}"' in listing and "Only the reuses of the datasets of" in listing
    )
    assert "/reuses/?type=application&amp;publisher=liberecky-kraj" in listing
    assert anonymous.get("/reuses/?publisher=nobody").status_code == 404
    with transaction(engine) as session:
        editing.withdraw(session, admin, reuse_id)
    publisher = anonymous.get("/publishers/liberecky-kraj?lang=en").get_data(as_text=True)
    assert "Reuses of its data" not in publisher
    emptied = anonymous.get("/reuses/?publisher=liberecky-kraj&lang=en").get_data(as_text=True)
    assert '<p class="total">0 reuses</p>' in emptied


def test_the_demos_published_reuses_are_in_the_search(demo_app: Flask) -> None:
    with Session(state(demo_app).engine) as session:
        listed = queries.published_page(session, 100).total
    result = state(demo_app).search.search(SearchQuery(kinds=("reuse",), limit=0))
    assert listed > 0 and result.total == listed
    page = demo_app.test_client().get("/search?lang=en").get_data(as_text=True)
    assert f"reuses ({listed})" in page
