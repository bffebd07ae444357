"""The batch registration of collection objects used by harvests (catalog.objects.create_objects)
and the grouping of per-item issues."""

from __future__ import annotations

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.models import CollectionObject, SearchOutbox
from catalog.objects import create_objects
from catalog.schemas import ObjectInput
from catalog.services import content_hash
from harvesters.models import IssueKind
from harvesters.reports import MAX_EXAMPLES, OTHER, IssueLog
from tests.conftest import BASE_URL
from tests.harvest_fixtures import add_agents
from tests.records import museum_object


def test_objects_are_registered_in_one_batch_with_iris_and_outbox_rows(engine: Engine) -> None:
    add_agents(engine)
    items = [(ObjectInput.model_validate(museum_object(f"S {n}")), f"src:{n}") for n in (1, 2)]
    items.append((ObjectInput.model_validate(museum_object("S 1")), "src:dup"))
    items.append((ObjectInput.model_validate(museum_object("S 9", institution="nikde")), None))
    with transaction(engine) as session:
        results = create_objects(session, items, base_url=BASE_URL)
    first_id, second_id, duplicate, unknown = results
    assert isinstance(first_id, int) and isinstance(second_id, int)
    with Session(engine) as session:
        first = session.get(CollectionObject, first_id)
    assert first is not None and first.iri == f"{BASE_URL}/objects/{first_id}"
    assert first.source_id == "src:1" and first.source_hash == content_hash(items[0][0])
    assert isinstance(duplicate, ValidationError) and duplicate.field == "inventory_number"
    assert isinstance(unknown, ValidationError) and "unknown institution 'nikde'" in str(unknown)
    with transaction(engine) as session:
        again = create_objects(session, items[:1], base_url=BASE_URL)
    assert isinstance(again[0], ValidationError)  # already in the register
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(CollectionObject)).one() == 2
        assert session.exec(select(func.count()).select_from(SearchOutbox)).one() == 2


def test_issues_are_grouped_with_a_bounded_number_of_messages_and_examples() -> None:
    log = IssueLog()
    for n in range(30):
        log.add(IssueKind.ERROR, "title: a Czech text (cs) is required", f"r{n}")
    for n in range(300):
        log.add(IssueKind.ERROR, f"odd problem {n}", f"x{n}")
    log.add(IssueKind.WARNING, "template placeholder in publisher.name treated as missing", "w")
    groups = log.sorted()  # errors first, the largest groups first
    assert [(g.message, g.count) for g in groups[:2]] == [
        (OTHER, 300 - 199), ("title: a Czech text (cs) is required", 30)]
    assert len(groups[1].examples) == MAX_EXAMPLES
    assert groups[-1].kind is IssueKind.WARNING
