"""The SPARQL store's writer side. One named graph per dataset (``urn:x-portal:dataset:<id>``, so
a deleted dataset's graph is found without its row), one per publisher and one for the catalog
node; queries see their union as the default graph. ``SparqlStore.rebuild`` loads the whole
catalog, ``SparqlStore.apply`` (fed by the search outbox drain) replaces the graphs of changed
datasets.

Writes go to ``primary/`` under a lock file; each write ends with a checkpoint ``snap-<ns>/``
(hard links) that ``current`` points to, so the query processes only ever open a store that
nobody writes to. A superseded snapshot is removed once it has been out of use for
``SNAPSHOT_GRACE`` seconds (longer than any query may run)."""

from __future__ import annotations

import io
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from catalog.models import Dataset, RecordState
from catalog.rdf import dcat_ap_3, dcat_ap_cz
from catalog.rdf.dcat_ap_3 import Triple
from catalog.rdf.queries import catalog_record, iter_dataset_records
from catalog.rdf.records import AgentRecord, CatalogRecord, DatasetRecord
from catalog.rdf.stream import DCAT_DATASET, NTriplesWriter
from catalog.search.locks import FileLock

log = logging.getLogger(__name__)
DATASET_GRAPH = "urn:x-portal:dataset:"
CATALOG_GRAPH = "urn:x-portal:catalog"
SNAPSHOT_GRACE = 120.0
_PUBLISHER = ox.NamedNode("http://purl.org/dc/terms/publisher")


def current_store(root: Path) -> Path:
    """The snapshot queries should open now (resolved, so a swap during a query is harmless)."""
    return (root / "current").resolve()


class _NQuadsWriter(NTriplesWriter):
    """N-Quads: each dataset's triples in its own graph; blank nodes get fresh labels."""

    def quads(self, triples: Iterable[Triple], graph: str) -> None:
        term, suffix = self.term, f" <{graph}> .\n"
        self.out.write("".join([f"{term(s)} {term(p)} {term(o)}{suffix}" for s, p, o in triples]))
        self.labels.forget()


def _dataset_graph(dataset_id: int) -> str:
    return f"{DATASET_GRAPH}{dataset_id}"


def _write_dataset(
    sink: _NQuadsWriter, record: DatasetRecord, dataset_id: int, catalog_iri: str
) -> None:
    triples = dcat_ap_cz.dataset_triples(record, publisher=False)
    triples.append((URIRef(catalog_iri), DCAT_DATASET, URIRef(record.iri)))
    sink.quads(triples, _dataset_graph(dataset_id))


def _write_agent(sink: _NQuadsWriter, agent: AgentRecord) -> None:
    sink.quads(dcat_ap_3.agent_triples(agent), agent.iri)


def _write_catalog(sink: _NQuadsWriter, catalog: CatalogRecord) -> None:
    """The catalog node without its publisher's description, which is in the publisher's graph
    (a triple held by two graphs would come twice out of the union)."""
    agent = set(dcat_ap_3.agent_triples(catalog.publisher))
    sink.quads([t for t in dcat_ap_3.catalog_triples(catalog) if t not in agent], CATALOG_GRAPH)
    _write_agent(sink, catalog.publisher)


class SparqlStore:
    """The Oxigraph store under ``root`` as a derived store of the catalog (see module doc)."""

    def __init__(self, root: Path, *, base_url: str) -> None:
        self.root = Path(root)
        self.base_url = base_url
        self.lock = FileLock(self.root / "writer.lock")

    @property
    def primary(self) -> Path:
        return self.root / "primary"

    def rebuild(self, engine: Engine) -> int:
        """Load the whole published catalog into a fresh store and swap it in; returns how many
        datasets it holds. Readers keep the old snapshot until the swap."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self.lock.hold(wait=True):
            staging = self.root / f"staging-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            dump = self.root / f"dump-{os.getpid()}.nq"
            count = 0
            with dump.open("w", encoding="utf-8") as out, Session(engine) as session:
                sink = _NQuadsWriter(out)
                catalog = catalog_record(session, self.base_url)
                publishers = {catalog.publisher.iri}
                _write_catalog(sink, catalog)
                for dataset_id, record in _with_ids(session, None):
                    _write_dataset(sink, record, dataset_id, catalog.iri)
                    if record.publisher.iri not in publishers:
                        publishers.add(record.publisher.iri)
                        _write_agent(sink, record.publisher)
                    count += 1
            store = ox.Store(str(staging))
            store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            store.flush()
            del store
            dump.unlink()
            shutil.rmtree(self.primary, ignore_errors=True)
            staging.rename(self.primary)
            store = ox.Store(str(self.primary))
            self._publish(store)
            del store  # closed before the lock is released
        return count

    def apply(self, session: Session, changes: Mapping[str, set[int]]) -> None:
        """Replace the graphs of the changed datasets with their current triples (none for a
        dataset no longer published); drop the graph of a publisher nothing points to any more.
        Without a store yet there is nothing to update: the first rebuild loads everything."""
        ids = sorted(changes.get("dataset", ()))
        if not ids:
            return
        if not self.primary.exists():
            log.debug("no SPARQL store yet: %d changed datasets left to the rebuild", len(ids))
            return
        with self.lock.hold(wait=True):
            store = ox.Store(str(self.primary))
            catalog = catalog_record(session, self.base_url)
            out = io.StringIO()
            sink = _NQuadsWriter(out)
            _write_catalog(sink, catalog)
            publishers = {catalog.publisher.iri}
            for dataset_id, record in _with_ids(session, ids):
                _write_dataset(sink, record, dataset_id, catalog.iri)
                if record.publisher.iri not in publishers:
                    publishers.add(record.publisher.iri)
                    _write_agent(sink, record.publisher)
            before: set[str] = set()  # publishers the replaced graphs pointed to
            for graph in [ox.NamedNode(_dataset_graph(i)) for i in ids] + [
                ox.NamedNode(CATALOG_GRAPH)
            ]:
                before.update(
                    q.object.value
                    for q in store.quads_for_pattern(None, _PUBLISHER, None, graph)
                    if isinstance(q.object, ox.NamedNode)
                )
                store.remove_graph(graph)
            for iri in publishers:
                store.remove_graph(ox.NamedNode(iri))
            store.load(input=out.getvalue().encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            for iri in before - publishers:
                if next(store.quads_for_pattern(None, _PUBLISHER, ox.NamedNode(iri)), None) is None:
                    store.remove_graph(ox.NamedNode(iri))
            self._publish(store)
            del store  # closed before the lock is released

    def _publish(self, store: ox.Store) -> None:
        """Checkpoint the primary store as the new snapshot, point ``current`` at it and
        remove snapshots out of use for long enough."""
        store.flush()
        name = f"snap-{time.time_ns()}"
        store.backup(str(self.root / name))
        link = self.root / f"current-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(name)
        current = self.root / "current"
        if current.is_dir() and not current.is_symlink():  # a store of the older layout
            shutil.rmtree(current)
        os.replace(link, current)
        self._prune()

    def _prune(self) -> None:
        snapshots = sorted(
            (p for p in self.root.glob("snap-*") if p.is_dir()),
            key=lambda p: int(p.name.removeprefix("snap-")),
        )
        now = time.time_ns()
        for older, newer in zip(snapshots, snapshots[1:], strict=False):
            superseded = int(newer.name.removeprefix("snap-"))
            if now - superseded > SNAPSHOT_GRACE * 1e9:
                shutil.rmtree(older, ignore_errors=True)


def _with_ids(session: Session, ids: list[int] | None) -> Iterator[tuple[int, DatasetRecord]]:
    """Published dataset records (all, or those of ``ids``) with their row ids, which name
    their graphs."""
    query = select(Dataset.iri, Dataset.id).where(Dataset.state == RecordState.PUBLISHED)
    if ids is not None:
        query = query.where(col(Dataset.id).in_(ids))
    row_ids = {iri: row_id for iri, row_id in session.exec(query) if row_id is not None}
    for record in iter_dataset_records(session, ids):
        yield row_ids[record.iri], record
