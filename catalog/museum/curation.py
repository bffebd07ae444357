"""What a curator does to the records of their museum besides importing: list them in every
state, publish and withdraw them, edit one. (Authorization is checked by the caller against
``catalog.permissions``.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, CollectionObject, RecordState
from catalog.museum.models import MuseumImport
from catalog.objects import set_object_state, update_object


def museum_objects(session: Session, institution_id: int, *, state: str | None = None,
                   offset: int = 0, limit: int = 50) -> tuple[list[CollectionObject], int]:
    """A page of the museum's objects in every state (or one), newest change first, and the
    total count."""
    query = select(CollectionObject).where(CollectionObject.institution_id == institution_id)
    if state:
        query = query.where(CollectionObject.state == state)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(CollectionObject.updated_at).desc(),
                                       col(CollectionObject.id).desc())
                        .offset(offset).limit(limit)).all()
    return list(rows), total


def recent_imports(session: Session, institution_id: int, limit: int = 10) -> list[MuseumImport]:
    return list(session.exec(select(MuseumImport).where(
        MuseumImport.institution_id == institution_id).order_by(
        col(MuseumImport.id).desc()).limit(limit)))


def get_object(session: Session, object_id: int) -> CollectionObject:
    obj = session.get(CollectionObject, object_id)
    if obj is None:
        raise NotFound("object", object_id)
    return obj


def publish(session: Session, object_id: int) -> CollectionObject:
    return set_object_state(session, object_id, RecordState.PUBLISHED)


def withdraw(session: Session, object_id: int) -> CollectionObject:
    """Take an object off the public register; harvesters see it as a deleted record."""
    return set_object_state(session, object_id, RecordState.ARCHIVED)


def as_input(obj: CollectionObject, institution: Agent) -> dict[str, Any]:
    """The object's current content as an ``ObjectInput`` mapping (the editor's starting
    point; fields the form does not show are kept as they are)."""
    return {
        "institution": institution.slug, "inventory_number": obj.inventory_number,
        "accession_number": obj.accession_number, "collection": obj.collection,
        "title": dict(obj.title), "object_type": obj.object_type,
        "classification": list(obj.classification), "description": dict(obj.description),
        "materials": list(obj.materials), "techniques": list(obj.techniques),
        "measurements": list(obj.measurements),
        "production": {"maker": obj.maker, "date": obj.production_date,
                       "earliest_year": obj.earliest_year, "latest_year": obj.latest_year,
                       "place": obj.production_place},
        "subjects": list(obj.subjects), "images": list(obj.images), "rights": obj.rights,
        "esbirky_url": obj.esbirky_url, "europeana_url": obj.europeana_url,
        "state": obj.state, "acquisition": obj.acquisition,
    }


def edit_object(session: Session, object_id: int, changes: Mapping[str, Any]
                ) -> CollectionObject:
    """Apply ``changes`` (ObjectInput fields) to an object; another object of the museum with
    the same inventory number is refused on that field."""
    obj = get_object(session, object_id)
    institution = session.get(Agent, obj.institution_id)
    assert institution is not None
    data = {**as_input(obj, institution), **changes, "institution": institution.slug}
    number = str(data.get("inventory_number") or "").strip()
    clash = session.exec(select(CollectionObject.id).where(
        CollectionObject.institution_id == obj.institution_id,
        CollectionObject.inventory_number == number,
        CollectionObject.id != object_id)).first()
    if clash is not None:
        raise ValidationError("inventory_number", f"{number!r} belongs to object {clash}")
    return update_object(session, object_id, data)
