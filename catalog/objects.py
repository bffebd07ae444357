"""Use cases of the collection-object register: create, update, upsert by source identifier,
publish or archive. Like every service, writes enqueue a search-outbox row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from catalog import bulk, iris
from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, AgentKind, CollectionObject, RecordState, utcnow
from catalog.schemas import ObjectInput, parse_input
from catalog.services import Upsert, content_hash, enqueue_index, referenced_agent


def _institution(session: Session, slug: str) -> Agent:
    return referenced_agent(session, slug, AgentKind.INSTITUTION, "institution")


def _object_values(object_in: ObjectInput) -> dict[str, Any]:
    production = object_in.production
    return {
        "inventory_number": object_in.inventory_number,
        "accession_number": object_in.accession_number,
        "collection": object_in.collection,
        "title": object_in.title,
        "object_type": object_in.object_type,
        "classification": list(object_in.classification),
        "description": object_in.description,
        "materials": list(object_in.materials),
        "techniques": list(object_in.techniques),
        "measurements": [m.model_dump() for m in object_in.measurements],
        "maker": production.maker,
        "production_date": production.date,
        "earliest_year": production.earliest_year,
        "latest_year": production.latest_year,
        "production_place": production.place,
        "subjects": list(object_in.subjects),
        "images": [i.model_dump() for i in object_in.images],
        "rights": object_in.rights,
        "esbirky_url": object_in.esbirky_url,
        "europeana_url": object_in.europeana_url,
        "state": object_in.state,
        "acquisition": object_in.acquisition,
    }


def create_object(session: Session, data: ObjectInput | Mapping[str, Any], *, base_url: str,
                  source_id: str | None = None) -> CollectionObject:
    """Register a collection object; its IRI is minted from its id, once."""
    object_in = parse_input(ObjectInput, data)
    institution = _institution(session, object_in.institution)
    duplicate = session.exec(select(CollectionObject.id).where(
        CollectionObject.institution_id == institution.id,
        CollectionObject.inventory_number == object_in.inventory_number)).first()
    if duplicate is not None:
        raise ValidationError("inventory_number",
                              f"{object_in.inventory_number!r} is already registered")
    obj = CollectionObject(iri=iris.placeholder(), institution_id=institution.id or 0,
                           source_id=source_id, **_object_values(object_in))
    session.add(obj)
    session.flush()
    obj.iri = iris.mint(base_url, "objects", obj.id or 0)
    enqueue_index(session, "object", obj.id or 0)
    session.flush()
    return obj


def update_object(session: Session, object_id: int, data: ObjectInput | Mapping[str, Any]
                  ) -> CollectionObject:
    """Replace the description of an object; its id and IRI stay."""
    obj = session.get(CollectionObject, object_id)
    if obj is None:
        raise NotFound("object", object_id)
    object_in = parse_input(ObjectInput, data)
    _write_object(session, obj, object_in)
    return obj


def _write_object(session: Session, obj: CollectionObject, object_in: ObjectInput) -> None:
    obj.institution_id = _institution(session, object_in.institution).id or 0
    for name, value in _object_values(object_in).items():
        setattr(obj, name, value)
    obj.updated_at = utcnow()
    enqueue_index(session, "object", obj.id or 0)
    session.flush()


def upsert_object(session: Session, source_id: str, data: ObjectInput | Mapping[str, Any], *,
                  base_url: str) -> tuple[CollectionObject, Upsert]:
    """Create or update the object harvested as ``source_id``; unchanged records stay as they
    were."""
    object_in = parse_input(ObjectInput, data)
    fingerprint = content_hash(object_in)
    obj = session.exec(select(CollectionObject).where(
        CollectionObject.source_id == source_id)).first()
    if obj is None:
        obj = create_object(session, object_in, base_url=base_url, source_id=source_id)
        obj.source_hash = fingerprint
        return obj, Upsert.CREATED
    if obj.source_hash == fingerprint:
        return obj, Upsert.UNCHANGED
    _write_object(session, obj, object_in)
    obj.source_hash = fingerprint
    return obj, Upsert.UPDATED


def set_object_state(session: Session, object_id: int, state: RecordState) -> CollectionObject:
    """Publish, return to draft or archive a collection object."""
    obj = session.get(CollectionObject, object_id)
    if obj is None:
        raise NotFound("object", object_id)
    obj.state = state
    obj.updated_at = utcnow()
    enqueue_index(session, "object", obj.id or 0)
    session.flush()
    return obj


def create_objects(session: Session, items: Sequence[tuple[ObjectInput, str | None]], *,
                   base_url: str) -> list[int | ValidationError]:
    """Register many validated objects at once (harvests, imports): institutions and duplicate
    inventory numbers are looked up with one query each and the rows written by executemany;
    each object gets its IRI and an outbox row exactly as ``create_object`` gives them, and an
    object with a source id its content hash (as ``upsert_object``). Returns, per item, the
    new object's id or the ValidationError that refused it."""
    slugs = sorted({object_in.institution for object_in, _ in items})
    institutions = {a.slug: a for a in session.exec(select(Agent).where(
        col(Agent.slug).in_(slugs), Agent.kind == AgentKind.INSTITUTION))}
    wanted = {(institutions[o.institution].id, o.inventory_number) for o, _ in items
              if o.institution in institutions}
    taken: set[tuple[int | None, str]] = set()
    if wanted:
        taken = {(i, n) for i, n in session.exec(
            select(CollectionObject.institution_id, CollectionObject.inventory_number).where(
                tuple_(col(CollectionObject.institution_id),
                       col(CollectionObject.inventory_number)).in_(sorted(
                           wanted, key=lambda pair: (pair[0] or 0, pair[1])))))}
    results: list[int | ValidationError] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    now = utcnow()
    for object_in, source_id in items:
        institution = institutions.get(object_in.institution)
        if institution is None:
            results.append(ValidationError(
                "institution", f"unknown {AgentKind.INSTITUTION.value} {object_in.institution!r}"))
            continue
        key = (institution.id, object_in.inventory_number)
        if key in taken:
            results.append(ValidationError(
                "inventory_number", f"{object_in.inventory_number!r} is already registered"))
            continue
        taken.add(key)
        rows.append((len(results), {
            **_object_values(object_in), "iri": iris.placeholder(),
            "institution_id": institution.id or 0, "source_id": source_id,
            "source_hash": content_hash(object_in) if source_id else None,
            "created_at": now, "updated_at": now}))
        results.append(0)
    ids = bulk.insert_ids(session, CollectionObject, [row for _, row in rows])
    for (position, _), object_id in zip(rows, ids, strict=True):
        results[position] = object_id
    bulk.mint_iris(session, CollectionObject, "objects", ids, base_url)
    bulk.enqueue_many(session, "object", ids, now)
    return results
