"""Feeding the search index from the catalog: drain the outbox, rebuild, check for drift.

Only the holder of the index's writer role changes the index. Draining is idempotent: a crash
between writing the index and deleting the outbox rows only makes the next drain redo them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine, delete, func
from sqlmodel import Session, col, select

from catalog.models import (
    Agent,
    AgentKind,
    CollectionObject,
    Dataset,
    Distribution,
    RecordState,
    SearchOutbox,
)
from catalog.queries import agents_by_id
from catalog.reuses.search import published_reuse_ids, reuse_documents
from catalog.search.base import SearchDocument, SearchIndex
from catalog.search.documents import agent_document, dataset_document, object_document

log = logging.getLogger(__name__)
BATCH = 500


def _dataset_documents(session: Session, ids: list[int]) -> Iterator[SearchDocument]:
    # In id order whatever index the database reads by: documents reach the index in the same
    # order every time (the tie order of equal sort keys).
    datasets = session.exec(select(Dataset).where(col(Dataset.id).in_(ids),
                                                  Dataset.state == RecordState.PUBLISHED)
                            .order_by(col(Dataset.id))).all()
    if not datasets:
        return
    agents = agents_by_id(session, (d.publisher_id for d in datasets))
    distributions: dict[int, list[Distribution]] = {}
    for dist in session.exec(select(Distribution).where(col(Distribution.dataset_id).in_(
            [d.id for d in datasets])).order_by(col(Distribution.position))):
        distributions.setdefault(dist.dataset_id, []).append(dist)
    for dataset in datasets:
        yield dataset_document(dataset, agents[dataset.publisher_id],
                               distributions.get(dataset.id or 0, []))


def _object_documents(session: Session, ids: list[int]) -> Iterator[SearchDocument]:
    objects = session.exec(select(CollectionObject).where(
        col(CollectionObject.id).in_(ids), CollectionObject.state == RecordState.PUBLISHED)
        .order_by(col(CollectionObject.id))).all()
    if not objects:
        return
    agents = agents_by_id(session, (o.institution_id for o in objects))
    for obj in objects:
        yield object_document(obj, agents[obj.institution_id])


def _with_records(kind: AgentKind) -> Any:
    """Agents of ``kind`` with a published record: a publisher or a museum is found by search
    once it publishes something (and leaves it with its last record)."""
    model: type[Dataset] | type[CollectionObject] = Dataset
    owner: Any = Dataset.publisher_id
    if kind is AgentKind.INSTITUTION:
        model, owner = CollectionObject, CollectionObject.institution_id
    return col(Agent.id).in_(select(owner).where(model.state == RecordState.PUBLISHED))


def _agent_documents(kind: AgentKind) -> Callable[[Session, list[int]],
                                                  Iterator[SearchDocument]]:
    def build(session: Session, ids: list[int]) -> Iterator[SearchDocument]:
        for agent in session.exec(select(Agent).where(col(Agent.id).in_(ids), Agent.kind == kind,
                                                      _with_records(kind))):
            yield agent_document(agent)

    return build


def _published_ids(model: type[Dataset] | type[CollectionObject]) -> IdPage:
    def ids(session: Session, after: int, limit: int) -> list[int]:
        return [i for i in session.exec(select(model.id).where(
            col(model.id) > after, model.state == RecordState.PUBLISHED)
            .order_by(col(model.id)).limit(limit)) if i is not None]

    return ids


def _agent_ids(kind: AgentKind) -> IdPage:
    def ids(session: Session, after: int, limit: int) -> list[int]:
        return [i for i in session.exec(select(Agent.id).where(
            col(Agent.id) > after, Agent.kind == kind, _with_records(kind))
            .order_by(col(Agent.id)).limit(limit)) if i is not None]

    return ids


Builder = Callable[[Session, list[int]], Iterator[SearchDocument]]
IdPage = Callable[[Session, int, int], list[int]]


@dataclass(frozen=True)
class DocumentSource:
    """Where the documents of one kind come from: the ids of every record that belongs in the
    index, a page at a time, and the documents of some ids (none for an id that no longer
    belongs, which is then removed)."""

    kind: str
    ids: IdPage
    build: Builder


SOURCES: dict[str, DocumentSource] = {}


def register_source(source: DocumentSource) -> None:
    """Add a kind of document (the Wi-Fi locations register theirs from ``captive_portal``,
    which the catalog must not import)."""
    SOURCES[source.kind] = source


for _source in (
    DocumentSource("dataset", _published_ids(Dataset), _dataset_documents),
    DocumentSource("object", _published_ids(CollectionObject), _object_documents),
    DocumentSource("publisher", _agent_ids(AgentKind.PUBLISHER),
                   _agent_documents(AgentKind.PUBLISHER)),
    DocumentSource("institution", _agent_ids(AgentKind.INSTITUTION),
                   _agent_documents(AgentKind.INSTITUTION)),
    DocumentSource("reuse", published_reuse_ids, reuse_documents),
):
    register_source(_source)


def documents_for(session: Session, kind: str, ids: list[int]) -> list[SearchDocument]:
    """The documents of the published records among ``ids`` of ``kind``."""
    return list(SOURCES[kind].build(session, ids))


def published_documents(engine: Engine, batch: int = BATCH
                        ) -> Iterator[tuple[str, list[SearchDocument]]]:
    """The documents of every published record, kind by kind, a batch at a time (keyset paging,
    one short session per batch: memory stays flat however large the catalog)."""
    for kind, source in list(SOURCES.items()):
        last_id = 0
        while True:
            with Session(engine) as session:
                ids = source.ids(session, last_id, batch)
                if not ids:
                    break
                docs = documents_for(session, kind, ids)
            yield kind, docs
            last_id = ids[-1]


def _sync(session: Session, index: SearchIndex, kind: str, ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        docs = documents_for(session, kind, chunk)
        present = {doc.id for doc in docs}
        index.upsert(docs)
        index.delete([f"{kind}:{entity_id}" for entity_id in chunk if entity_id not in present])


def _expand_records(session: Session, by_kind: dict[str, set[int]]) -> None:
    """A changed record may add or remove its publisher or museum from the search."""
    if by_kind.get("dataset"):
        by_kind.setdefault("publisher", set()).update(session.exec(select(
            Dataset.publisher_id).where(col(Dataset.id).in_(by_kind["dataset"]))))
    if by_kind.get("object"):
        by_kind.setdefault("institution", set()).update(session.exec(select(
            CollectionObject.institution_id).where(
                col(CollectionObject.id).in_(by_kind["object"]))))


def _expand_agents(session: Session, by_kind: dict[str, set[int]]) -> None:
    """An "agent" row (a publisher or museum renamed) stands for all its records, whose
    documents carry the agent's name."""
    agents = by_kind.pop("agent", set())
    if not agents:
        return
    by_kind.setdefault("publisher", set()).update(agents)
    by_kind.setdefault("institution", set()).update(agents)
    datasets = session.exec(select(Dataset.id).where(col(Dataset.publisher_id).in_(agents)))
    objects = session.exec(select(CollectionObject.id).where(
        col(CollectionObject.institution_id).in_(agents)))
    by_kind.setdefault("dataset", set()).update(i for i in datasets if i is not None)
    by_kind.setdefault("object", set()).update(i for i in objects if i is not None)


class DerivedStore(Protocol):
    """Another store kept from the same outbox (the SPARQL store): it gets each drained batch's
    changed ids by kind, after the expansions, before the rows are deleted. It must be
    idempotent (a failed drain redoes the batch)."""

    def apply(self, session: Session, changes: Mapping[str, set[int]]) -> None: ...


def drain_outbox(engine: Engine, index: SearchIndex, *, wait: bool = False,
                 batch: int = BATCH, derived: Sequence[DerivedStore] = ()) -> int:
    """Apply queued changes to the index and to the ``derived`` stores; returns how many outbox
    rows were applied (0 when another process holds the writer role and ``wait`` is off)."""
    applied = 0
    with index.writer(wait=wait) as acquired:
        if not acquired:
            return 0
        while True:
            with Session(engine) as session:
                rows = session.exec(select(SearchOutbox).order_by(col(SearchOutbox.id))
                                    .limit(batch)).all()
                if not rows:
                    break
                by_kind: dict[str, set[int]] = {}
                for row in rows:
                    by_kind.setdefault(row.kind, set()).add(row.entity_id)
                _expand_agents(session, by_kind)
                _expand_records(session, by_kind)
                for kind, ids in by_kind.items():
                    if kind in SOURCES:
                        _sync(session, index, kind, sorted(ids))
                    else:
                        log.warning("outbox rows of unknown kind %r skipped", kind)
                for store in derived:
                    store.apply(session, by_kind)
                session.execute(delete(SearchOutbox).where(
                    col(SearchOutbox.id).in_([row.id for row in rows])))
                session.commit()
                applied += len(rows)
    return applied


def reindex(engine: Engine, index: SearchIndex, *,
            progress: Callable[[str, int], None] | None = None, batch: int = BATCH,
            derived: Sequence[DerivedStore] = ()) -> int:
    """Rebuild the whole index from the database, streamed in batches; returns documents
    written. The index is overwritten in place, never emptied first, so readers always see a
    complete index; documents of records no longer published are removed at the end. Outbox
    rows committed before the rebuild began are covered by it and cleared (after the
    ``derived`` stores got their changes); later ones stay."""
    written = 0
    with index.writer(wait=True):
        with Session(engine) as session:
            pending = session.exec(select(SearchOutbox)).all()
            covered = [row.id for row in pending if row.id is not None]
            by_kind: dict[str, set[int]] = {}
            for row in pending:
                by_kind.setdefault(row.kind, set()).add(row.entity_id)
            if by_kind and derived:
                _expand_agents(session, by_kind)
                _expand_records(session, by_kind)
                for store in derived:
                    store.apply(session, by_kind)
        expected: set[str] = set()
        for kind, docs in published_documents(engine, batch):
            index.upsert(docs)
            expected.update(doc.key for doc in docs)
            written += len(docs)
            if progress:
                progress(kind, written)
        gone = [key for key, _version in index.versions() if key not in expected]
        for start in range(0, len(gone), batch):
            index.delete(gone[start:start + batch])
        with Session(engine) as session:
            for start in range(0, len(covered), batch):
                session.execute(delete(SearchOutbox).where(
                    col(SearchOutbox.id).in_(covered[start:start + batch])))
            session.commit()
    return written


@dataclass
class DriftReport:
    """Differences between the database's published records and the index."""

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    pending: int = 0

    @property
    def drift(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.stale)


def check(engine: Engine, index: SearchIndex, *, batch: int = BATCH) -> DriftReport:
    """Compare what the index holds with what it should hold, record by record."""
    indexed = dict(index.versions())
    report = DriftReport()
    expected: set[str] = set()
    with Session(engine) as session:
        report.pending = session.exec(select(func.count()).select_from(SearchOutbox)).one()
    for _kind, docs in published_documents(engine, batch):
        for doc in docs:
            expected.add(doc.key)
            version = indexed.get(doc.key)
            if version is None:
                report.missing.append(doc.key)
            elif version != doc.version:
                report.stale.append(doc.key)
    report.extra = sorted(set(indexed) - expected)
    return report
