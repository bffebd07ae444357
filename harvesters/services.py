"""Use cases on harvest sources: register, list, delete; and the ownership check the web editor
and the write API call before changing a record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from catalog.accounts.services import actor_id, audit
from catalog.editor.services import revise
from catalog.errors import CatalogError, NotFound, ValidationError
from catalog.models import Agent, CollectionObject, Dataset
from catalog.permissions import Action, Principal, require
from catalog.schemas import SLUG_RE, URL_RE
from harvesters import match_rules
from harvesters.errors import HarvestError
from harvesters.models import (
    HarvestIdentity,
    HarvestIssue,
    HarvestJob,
    HarvestRecord,
    HarvestSource,
    RecordKind,
    Schedule,
    SourceType,
)
from harvesters.sources.dcat import modified_since_option

METADATA_PREFIXES = ("lido", "edm")
FILE_TYPES = (SourceType.LIDO,)  # may read a local path instead of a URL


class ManagedBySource(CatalogError):
    """A harvested record may not be edited until an editor detaches it from its source."""

    def __init__(self, source: str) -> None:
        super().__init__(f"managed by source {source}: detach it before editing")
        self.source = source


def add_source(session: Session, *, name: str, type: str, url: str,
               publisher: str | None = None, metadata_prefix: str | None = None,
               set_spec: str | None = None, schedule: str = Schedule.DAILY,
               options: Mapping[str, Any] | None = None,
               match: Sequence[str] = ()) -> HarvestSource:
    """Register a source; every argument is checked and a problem names its field. ``match``:
    configured merge rules (``FIELD=REGEX``, see ``harvesters.match_rules``)."""
    if not SLUG_RE.match(name) or len(name) > 120:
        raise ValidationError("name", "must be lowercase letters, digits and single hyphens")
    if session.exec(select(HarvestSource.id).where(HarvestSource.name == name)).first():
        raise ValidationError("name", f"a source {name!r} already exists")
    if type not in SourceType._value2member_map_:
        raise ValidationError("type", f"unknown type {type!r}; use one of "
                              + ", ".join(t.value for t in SourceType))
    if not URL_RE.match(url) and not (type in FILE_TYPES and url.startswith("/")):
        raise ValidationError("url", "must be an http(s) URL" + (
            " or an absolute file path" if type in FILE_TYPES else ""))
    if schedule not in Schedule._value2member_map_:
        raise ValidationError("schedule", "use one of " + ", ".join(s.value for s in Schedule))
    if type == SourceType.OAI_PMH:
        metadata_prefix = metadata_prefix or "lido"
        if metadata_prefix not in METADATA_PREFIXES:
            raise ValidationError("metadata_prefix", "use lido or edm")
    elif metadata_prefix or set_spec:
        raise ValidationError("metadata_prefix", "only OAI-PMH sources take a metadata prefix "
                              "or a set")
    if publisher is not None:
        if session.exec(select(Agent.id).where(Agent.slug == publisher)).first() is None:
            raise ValidationError("publisher", f"unknown publisher or institution {publisher!r}")
    elif type in (SourceType.OAI_PMH, SourceType.LIDO):
        raise ValidationError("publisher", "museum sources need the holding institution "
                              "(--publisher SLUG)")
    stored = dict(options or {})
    if type == SourceType.DCAT:
        try:
            modified_since_option(stored)
        except HarvestError as exc:
            raise ValidationError("options", str(exc)) from None
    if match:
        stored["match"] = [rule.text for rule in match_rules.parse_rules(match)]
    source = HarvestSource(name=name, type=type, url=url, publisher=publisher,
                           metadata_prefix=metadata_prefix, set_spec=set_spec, schedule=schedule,
                           options=stored)
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session) -> list[HarvestSource]:
    return list(session.exec(select(HarvestSource).order_by(HarvestSource.name)))


def delete_source(session: Session, name: str) -> int:
    """Delete a source with its jobs and links. Its catalog records stay (no longer managed by
    any source); a source of the same name or URL can be registered again and takes them back.
    Returns how many records were released."""
    source = session.exec(select(HarvestSource).where(HarvestSource.name == name)).first()
    if source is None:
        raise NotFound("harvest source", name)
    records = select(HarvestRecord.id).where(HarvestRecord.source_id == source.id)
    released = len(session.exec(records).all())
    session.execute(delete(HarvestIdentity).where(
        col(HarvestIdentity.record_id).in_(records.scalar_subquery())))
    session.execute(delete(HarvestRecord).where(col(HarvestRecord.source_id) == source.id))
    jobs = select(HarvestJob.id).where(HarvestJob.source_id == source.id)
    session.execute(delete(HarvestIssue).where(col(HarvestIssue.job_id).in_(
        jobs.scalar_subquery())))
    session.execute(delete(HarvestJob).where(col(HarvestJob.source_id) == source.id))
    session.delete(source)
    session.flush()
    return released


def managing_source(session: Session, kind: RecordKind, entity_id: int) -> str | None:
    """The name of the source that owns the catalog record, or None when editors may edit it."""
    return session.exec(
        select(HarvestSource.name)
        .join(HarvestRecord, col(HarvestRecord.source_id) == col(HarvestSource.id))
        .where(HarvestRecord.kind == kind, HarvestRecord.entity_id == entity_id,
               col(HarvestRecord.merged).is_(False), col(HarvestRecord.detached).is_(False))
        .order_by(col(HarvestRecord.id)).limit(1)).first()


def ensure_editable(session: Session, kind: RecordKind, entity_id: int) -> None:
    """Raise ``ManagedBySource`` when a harvest source owns the record."""
    source = managing_source(session, kind, entity_id)
    if source is not None:
        raise ManagedBySource(source)


def detach(session: Session, kind: RecordKind, entity_id: int) -> int:
    """Let editors take the record over: its sources stop writing it. Returns the links
    detached."""
    result = session.execute(update(HarvestRecord)
                             .where(col(HarvestRecord.kind) == kind,
                                    col(HarvestRecord.entity_id) == entity_id,
                                    col(HarvestRecord.detached).is_(False))
                             .values(detached=True))
    return int(result.rowcount)  # type: ignore[attr-defined]


def detach_dataset(session: Session, actor: Principal, dataset: Dataset) -> str | None:
    """An editor of the dataset's publisher takes it over from its harvest source: the record
    stays, the source no longer updates (or archives) it, and the history says so. Returns the
    source it was detached from (None if no source managed it)."""
    require(actor, Action.DATASET_EDIT, dataset)
    source = managing_source(session, RecordKind.DATASET, dataset.id or 0)
    if source is None:
        return None
    detach(session, RecordKind.DATASET, dataset.id or 0)
    revise(session, actor, dataset, "detach")
    audit(session, "dataset.detach", actor_id=actor_id(actor), target_kind="dataset",
          target_id=dataset.id, source=source)
    return source


def detach_object(session: Session, actor: Principal, obj: CollectionObject) -> str | None:
    """A curator of the museum takes a harvested collection object over from its source
    (as ``detach_dataset``)."""
    require(actor, Action.OBJECT_EDIT, obj)
    source = managing_source(session, RecordKind.OBJECT, obj.id or 0)
    if source is None:
        return None
    detach(session, RecordKind.OBJECT, obj.id or 0)
    audit(session, "object.detach", actor_id=actor_id(actor), target_kind="object",
          target_id=obj.id, source=source)
    return source


def source_identifiers(session: Session, kind: RecordKind, entity_id: int) -> list[str]:
    """The identifiers the record has at its sources (dataset IRIs, DCAT-US identifiers, CKAN
    ids, landing pages), for adms:identifier / owl:sameAs in the catalog's RDF."""
    keys = session.exec(
        select(HarvestIdentity.key)
        .join(HarvestRecord, col(HarvestRecord.id) == col(HarvestIdentity.record_id))
        .where(HarvestRecord.kind == kind, HarvestRecord.entity_id == entity_id)
        .order_by(col(HarvestIdentity.key))).all()
    return list(dict.fromkeys(keys))
