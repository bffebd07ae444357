"""Most-viewed datasets: a count per dataset page view (no visitor data), robots not counted."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import Engine
from sqlmodel import Session

from catalog.db import transaction
from catalog.models import AgentKind, Dataset, RecordState
from catalog.popularity import DatasetViewCount, most_viewed, record_view
from catalog.services import create_dataset, upsert_agent
from portal.state import state
from tests.conftest import BASE_URL
from tests.records import PUBLISHER, dataset


def load(engine: Engine, *slugs: str) -> dict[str, int]:
    with transaction(engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        return {slug: create_dataset(session, dataset(slug), base_url=BASE_URL).id
                for slug in slugs}


def test_views_are_counted_and_ranked_on_both_databases(engine: Engine) -> None:
    ids = load(engine, "a", "b", "c")
    for slug, views in (("a", 1), ("b", 3), ("c", 2)):
        for _ in range(views):
            with transaction(engine) as session:
                record_view(session, ids[slug])
    with Session(engine) as session:
        assert [d.slug for d in most_viewed(session)] == ["b", "c", "a"]
        assert session.get(DatasetViewCount, ids["b"]).views == 3
        assert set(DatasetViewCount.model_fields) == {"dataset_id", "views"}


def test_most_viewed_skips_unpublished_datasets_past_the_first_batch(engine: Engine) -> None:
    slugs = [f"d{n}" for n in range(16)]
    ids = load(engine, *slugs)
    with transaction(engine) as session:
        for n, slug in enumerate(slugs):  # d0 most viewed, d15 least
            session.add(DatasetViewCount(dataset_id=ids[slug], views=100 - n))
        for slug in slugs[:13]:  # more than a batch (twice the limit) withdrawn
            session.get(Dataset, ids[slug]).state = RecordState.ARCHIVED
    with Session(engine) as session:
        assert [d.slug for d in most_viewed(session, limit=6)] == ["d13", "d14", "d15"]
        assert [d.slug for d in most_viewed(session, limit=2)] == ["d13", "d14"]


def test_dataset_pages_feed_the_home_page_list(app: Flask) -> None:
    load(state(app).engine, "odjezdy", "prijezdy")
    client = app.test_client()
    assert "Most viewed datasets" not in client.get("/?lang=en").get_data(as_text=True)
    for _ in range(2):
        assert client.get("/datasets/prijezdy").status_code == 200
    client.get("/datasets/odjezdy", headers={"User-Agent": "Googlebot/2.1"})
    home = client.get("/?lang=en").get_data(as_text=True)
    section = home[home.index("Most viewed datasets"):]
    assert re.findall(r'href="/datasets/([a-z-]+)"', section)[0] == "prijezdy"
    with Session(state(app).engine) as session:
        assert [d.slug for d in most_viewed(session)] == ["prijezdy"], "the robot not counted"
        assert session.get(Dataset, 1) is not None


def test_home_shows_flagship_projects_with_their_datasets(app: Flask) -> None:
    from catalog.accounts.models import Role
    from catalog.accounts.services import principal
    from catalog.editorial import services
    from catalog.editorial.models import ItemKind
    from catalog.models import RecordState
    from tests.accounts import make_user

    load(state(app).engine, "odjezdy")
    editor = make_user(app, "e@kraj.example", role=Role.EDITOR, org=PUBLISHER)
    client = app.test_client()
    assert "flagships-h" not in client.get("/?lang=en").get_data(as_text=True)
    with transaction(state(app).engine) as session:
        actor = principal(session, editor)
        services.save_item(session, actor, {
            "kind": "project", "slug": "chytry-kraj", "organisation": "liberecky-kraj",
            "title": {"cs": "Chytrý kraj", "en": "Smart region"}, "project_status": "running",
            "datasets": ["odjezdy"]})
        services.set_state(session, actor, ItemKind.PROJECT, "chytry-kraj",
                           RecordState.PUBLISHED)
    home = client.get("/?lang=en").get_data(as_text=True)
    section = home[home.index('id="flagships-h"'):]
    assert 'href="/projects/chytry-kraj">Smart region</a>' in section
    assert 'href="/datasets/odjezdy"' in section.split("</section>")[0]
