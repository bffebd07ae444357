"""Writing harvested items into the catalog inside the run's transaction: idempotent upserts keyed
by (source, remote id) with a content hash, merges across sources by identity, stable slugs,
archiving of what disappeared, each outcome reported to the run's counts, issue log and
preview (harvesters.reports)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from catalog import bulk
from catalog import objects as catalog_objects
from catalog import services as catalog_services
from catalog.errors import CatalogError, NotFound
from catalog.models import Agent, AgentKind, CollectionObject, Dataset, RecordState, utcnow
from catalog.rdf.parse import ascii_slug
from catalog.schemas import DatasetInput, ObjectInput, parse_input
from catalog.services import Upsert
from harvesters import match_rules
from harvesters.models import HarvestIdentity, HarvestRecord, IssueKind, RecordKind
from harvesters.reports import Counts, IssueLog, Preview
from harvesters.sources.base import AgentData, Deleted, Failed, Harvested, Item, Unchanged


def raw_hash(item: Harvested) -> str:
    """A fingerprint of what the source said about a record, before validation: an unchanged
    record is recognised without validating or touching it."""
    payload = {"kind": item.kind.value, "data": item.data, "identities": sorted(item.identities),
               "agent": item.agent.__dict__ if item.agent else None}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def slugify(text: str, limit: int = 80) -> str:
    """A URL slug from any text (diacritics folded); "" when nothing is left."""
    return ascii_slug(text, limit)


def _short_hash(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def source_key(source_name: str, remote_id: str) -> str:
    """The catalog's ``source_id`` of a record owned by a source (unique, at most 500 chars)."""
    key = f"{source_name}:{remote_id}"
    return key if len(key) <= 500 else f"{source_name}:sha256:{_short_hash(remote_id, length=64)}"


class Store:
    """Applies a source's items within one session (the caller owns the transaction)."""

    def __init__(self, session: Session, *, source_id: int, source_name: str,
                 default_agent: str | None, job_id: int, base_url: str,
                 counts: Counts, issues: IssueLog, preview: Preview) -> None:
        self.session = session
        self.source_id = source_id
        self.source_name = source_name
        self.default_agent = default_agent
        self.job_id = job_id
        self.base_url = base_url
        self.counts = counts
        self.issues = issues
        self.preview = preview
        self._agents: set[str] = set()
        # Remote ids of the records that failed in this job (their documents' HTTP validators
        # are forgotten, so an unchanged but failing document is read again next time).
        self.failed: set[str] = set()

    # -- items ------------------------------------------------------------------------------
    def apply(self, items: Sequence[Item]) -> None:
        """Apply a batch of items. The batch's existing records, merge targets and catalog keys
        are each found by one query; new catalog records, links and identities are written
        together by executemany at the end of the batch."""
        remote_ids = [item.remote_id for item in items]
        existing = {r.remote_id: r for r in self.session.exec(select(HarvestRecord).where(
            HarvestRecord.source_id == self.source_id,
            col(HarvestRecord.remote_id).in_(remote_ids)))}
        new = [i for i in items if isinstance(i, Harvested) and i.remote_id not in existing]
        self._targets = self._merge_targets(new)
        self._taken_keys = self._catalog_keys(new)
        self._links: list[tuple[dict[str, Any], tuple[str, ...]]] = []
        self._deferred: list[tuple[Harvested, str]] = []
        self._new_ids: set[str] = set()
        self._identity_updates: list[tuple[int, tuple[str, ...]]] = []
        for item in items:
            if item.remote_id in self._new_ids:  # listed twice in one batch
                self._write_new()
                found = self.session.exec(select(HarvestRecord).where(
                    HarvestRecord.source_id == self.source_id,
                    HarvestRecord.remote_id == item.remote_id)).first()
                if found is not None:
                    existing[item.remote_id] = found
            record = existing.get(item.remote_id)
            if isinstance(item, Failed):
                self._error(item.remote_id, item.message, record)
            elif isinstance(item, Deleted):
                if record is not None:
                    record.last_seen_job_id = self.job_id
                    self._archive(record, item.remote_id)
            elif isinstance(item, Unchanged):
                self._unchanged(item, record)
            else:
                try:
                    self._harvested(item, record)
                except CatalogError as exc:
                    self._error(item.remote_id, str(exc), record)
        self._write_new()
        self.session.flush()
        self._write_identity_updates()
        # Memory stays flat: nothing of this batch is needed by the next one.
        self.session.expunge_all()

    def _unchanged(self, item: Unchanged, record: HarvestRecord | None) -> None:
        """A record whose document answered 304: seen and unchanged, unless the catalog does
        not hold it live (it failed or was archived before): then it must be read again."""
        if record is None or record.archived:
            self._error(item.remote_id, "the record's document answered 304 Not Modified but "
                        "the catalog does not hold the record: it is read again next run",
                        record)
            return
        record.last_seen_job_id = self.job_id
        self.counts.unchanged += 1

    def keep_present(self) -> int:
        """The whole source answered 304 Not Modified: every record present at its last read
        (not missing, not archived) is still there and unchanged; they are marked seen by this
        job (one UPDATE) so a full run archives exactly what a read would. Returns how many."""
        result = self.session.execute(
            update(HarvestRecord)
            .where(col(HarvestRecord.source_id) == self.source_id,
                   col(HarvestRecord.missing_since).is_(None),
                   col(HarvestRecord.archived).is_(False))
            .values(last_seen_job_id=self.job_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def _error(self, remote_id: str, message: str, record: HarvestRecord | None) -> None:
        self.failed.add(remote_id)
        self.counts.errored += 1
        self.issues.add(IssueKind.ERROR, message, remote_id)
        if record is not None:
            # Still present at the source: a bad record is not archived as missing.
            record.last_seen_job_id = self.job_id
            record.missing_since = None

    def _link(self, item: Harvested, entity_id: int, fingerprint: str,
              merged: bool = False) -> None:
        """A new harvest record linking ``item`` to the catalog record ``entity_id``."""
        self._links.append(({
            "source_id": self.source_id, "remote_id": item.remote_id, "kind": item.kind.value,
            "entity_id": entity_id, "content_hash": fingerprint, "merged": merged,
            "detached": False, "archived": False, "flags": list(item.flags),
            "last_seen_job_id": self.job_id, "missing_since": None, "created_at": utcnow()},
            item.identities))
        self._new_ids.add(item.remote_id)

    def _write_new(self) -> None:
        """Create the deferred catalog records in bulk, then the batch's new links with their
        identities."""
        deferred, self._deferred = self._deferred, []
        objects = [(item, fingerprint, self._input(item, self._object_input))
                   for item, fingerprint in deferred if item.kind is RecordKind.OBJECT]
        objects = [entry for entry in objects if entry[2] is not None]
        self._created(objects, catalog_objects.create_objects(self.session, [
            (o, source_key(self.source_name, item.remote_id)) for item, _, o in objects],
            base_url=self.base_url) if objects else [])
        wanted = [(item, fingerprint) for item, fingerprint in deferred
                  if item.kind is RecordKind.DATASET]
        datasets: list[tuple[Harvested, str, Any]] = []
        for (item, fingerprint), slug in zip(wanted, self._free_slugs(
                [item for item, _ in wanted]), strict=True):
            dataset_in = self._input(item, lambda i, s=slug: self._dataset_input(i, s))
            if dataset_in is None:
                continue
            if source_key(self.source_name, item.remote_id) in self._taken_keys:
                self._adopt(item, fingerprint, dataset_in)
            else:
                datasets.append((item, fingerprint, dataset_in))
        self._created(datasets, bulk.create_datasets(self.session, [
            (d, source_key(self.source_name, item.remote_id)) for item, _, d in datasets],
            base_url=self.base_url) if datasets else [])
        links, self._links = self._links, []
        ids = bulk.insert_ids(self.session, HarvestRecord, [row for row, _ in links])
        identities = [{"record_id": record_id, "key": key}
                      for (_, keys), record_id in zip(links, ids, strict=True)
                      for key in dict.fromkeys(key[:600] for key in keys)]
        if identities:
            self.session.execute(insert(bulk.table_of(HarvestIdentity)), identities)
        self._new_ids = set()

    def _input(self, item: Harvested, build: Any) -> Any:
        try:
            return build(item)
        except CatalogError as exc:
            self._error(item.remote_id, str(exc), None)
            return None

    def _created(self, entries: Sequence[tuple[Harvested, str, Any]],
                 results: Sequence[int | CatalogError]) -> None:
        for (item, fingerprint, _), result in zip(entries, results, strict=True):
            if isinstance(result, CatalogError):
                self._error(item.remote_id, str(result), None)
                continue
            self._link(item, result, fingerprint)
            self.counts.added += 1
            self.preview.note("added", item.label or item.remote_id)

    def _adopt(self, item: Harvested, fingerprint: str, record_in: Any) -> None:
        """A record harvested before under this key but no longer linked (its source was
        deleted and registered again) is taken over by the upsert rather than duplicated."""
        key = source_key(self.source_name, item.remote_id)
        try:
            if item.kind is RecordKind.DATASET:
                entity_id = catalog_services.upsert_dataset(
                    self.session, key, record_in, base_url=self.base_url)[0].id
            else:
                entity_id = catalog_objects.upsert_object(
                    self.session, key, record_in, base_url=self.base_url)[0].id
        except CatalogError as exc:
            self._error(item.remote_id, str(exc), None)
            return
        self._created([(item, fingerprint, record_in)], [entity_id or 0])

    def _harvested(self, item: Harvested, record: HarvestRecord | None) -> None:
        fingerprint = raw_hash(item)
        label = item.label or item.remote_id
        for flag in item.flags:
            self.issues.add(IssueKind.WARNING, flag, item.remote_id)
        if record is not None:
            record.last_seen_job_id = self.job_id
            record.missing_since = None
            if record.detached:
                self.counts.unchanged += 1
                return
            if record.content_hash == fingerprint and not record.archived:
                if record.flags != list(item.flags):  # a placeholder is not in the fingerprint
                    record.flags = list(item.flags)
                self.counts.unchanged += 1
                return
            if record.merged:  # the owner's record stays; what this source says is kept
                record.content_hash = fingerprint
                record.flags = list(item.flags)
                self._identity_updates.append((record.id or 0, item.identities))
                self.counts.unchanged += 1
                return
            outcome = self._write(item, record.entity_id)
            restored = record.archived and self._restore(record)
            record.content_hash = fingerprint
            record.flags = list(item.flags)
            self._identity_updates.append((record.id or 0, item.identities))
            if outcome is Upsert.UNCHANGED and not restored:
                self.counts.unchanged += 1
            else:
                self.counts.updated += 1
                self.preview.note("updated", label)
            return
        target = next((self._targets[(item.kind.value, key)] for key in item.identities
                       if (item.kind.value, key) in self._targets), None)
        if target is not None:
            self._link(item, target, fingerprint, merged=True)
            self.counts.merged += 1
            self.preview.note("merged", label)
            return
        if item.kind is RecordKind.OBJECT and source_key(
                self.source_name, item.remote_id) in self._taken_keys:
            self._adopt(item, fingerprint, self._object_input(item))
            return
        # New records are created together at the end of the batch.
        self._deferred.append((item, fingerprint))
        self._new_ids.add(item.remote_id)

    # -- catalog writes ---------------------------------------------------------------------
    def _dataset_input(self, item: Harvested, slug: str) -> DatasetInput:
        data = dict(item.data)
        if item.agent is not None:
            self._ensure_agent(item.agent)
            data["publisher"] = item.agent.slug
        elif not data.get("publisher"):
            if not self.default_agent:
                raise CatalogCompatibleError("publisher", "the record names no publisher and "
                                             "the source has none (harvest add --publisher)")
            data["publisher"] = self.default_agent
        data["slug"] = slug
        return parse_input(DatasetInput, data)

    def _object_input(self, item: Harvested) -> ObjectInput:
        data = dict(item.data)
        if self.default_agent and not data.get("institution"):
            data["institution"] = self.default_agent
        return parse_input(ObjectInput, data)

    def _write(self, item: Harvested, entity_id: int) -> Upsert:
        key = source_key(self.source_name, item.remote_id)
        if item.kind is RecordKind.DATASET:
            dataset = self.session.get(Dataset, entity_id)
            if dataset is None:
                raise NotFound("dataset", entity_id)
            dataset_in = self._dataset_input(item, dataset.slug)
            if dataset.source_id != key:  # adopted (e.g. merged before): take ownership
                dataset.source_id = key
            _, outcome = catalog_services.upsert_dataset(self.session, key, dataset_in,
                                                         base_url=self.base_url)
            return outcome
        object_in = self._object_input(item)
        obj = self.session.get(CollectionObject, entity_id)
        if obj is not None and obj.source_id != key:
            obj.source_id = key
        _, outcome = catalog_objects.upsert_object(self.session, key, object_in,
                                                   base_url=self.base_url)
        return outcome

    def _free_slugs(self, items: Sequence[Harvested]) -> list[str]:
        """A slug per dataset: its wish if free, else the wish plus a hash of the record's
        identity (stable across runs and sources, never a ``-1`` sequence); one query."""
        options: list[list[str]] = []
        for item in items:
            wish = slugify(str(item.data.get("slug") or "")) or slugify(
                _first_text(item.data.get("title"))) or "dataset"
            options.append([
                wish, f"{wish[:70]}-{_short_hash(self.source_name, item.remote_id)}",
                f"{wish[:60]}-{_short_hash(self.source_name, item.remote_id, length=16)}",
                f"dataset-{_short_hash(self.source_name, item.remote_id, length=32)}"])
        candidates = sorted({slug for choices in options for slug in choices})
        taken = set(self.session.exec(select(Dataset.slug).where(
            col(Dataset.slug).in_(candidates)))) if candidates else set()
        chosen: list[str] = []
        for choices in options:
            slug = next((c for c in choices[:-1] if c not in taken), choices[-1])
            taken.add(slug)
            chosen.append(slug)
        return chosen

    def _ensure_agent(self, agent: AgentData) -> None:
        if agent.slug in self._agents:
            return
        found = self.session.exec(select(Agent.id).where(Agent.slug == agent.slug)).first()
        if found is None:
            values: dict[str, Any] = {"slug": agent.slug, "name": dict(agent.name)}
            if agent.homepage:
                values["homepage"] = agent.homepage
            if agent.email:
                values["email"] = agent.email
            catalog_services.upsert_agent(self.session, values, kind=AgentKind.PUBLISHER,
                                          base_url=self.base_url)
        self._agents.add(agent.slug)

    def _set_state(self, record: HarvestRecord, state: RecordState) -> None:
        if record.kind == RecordKind.DATASET:
            dataset = self.session.get(Dataset, record.entity_id)
            if dataset is not None:
                catalog_services.set_dataset_state(self.session, dataset.slug, state)
        else:
            catalog_objects.set_object_state(self.session, record.entity_id, state)

    def _restore(self, record: HarvestRecord) -> bool:
        self._set_state(record, RecordState.PUBLISHED)
        record.archived = False
        return True

    def _archive(self, record: HarvestRecord, label: str) -> None:
        if record.archived or record.detached or record.merged:
            return
        self._set_state(record, RecordState.ARCHIVED)
        record.archived = True
        self.counts.archived += 1
        self.preview.note("archived", label)

    # -- identities and merges --------------------------------------------------------------
    def _merge_targets(self, items: Sequence[Harvested]) -> dict[tuple[str, str], int]:
        """(kind, identity) → the catalog record another source (or the catalog itself, by
        dataset IRI) already holds, for the identities of ``items``: one query per batch."""
        keys = sorted({key for item in items for key in item.identities})
        if not keys:
            return {}
        # A configured key (match:…) and a built-in key of the same value find each other.
        wanted: dict[str, list[str]] = {}
        for key in keys:
            for candidate in (key, *match_rules.counterparts(key)):
                wanted.setdefault(candidate[:600], []).append(key)
        found: dict[tuple[str, str], int] = {}
        rows = self.session.exec(
            select(HarvestRecord.kind, HarvestIdentity.key, HarvestRecord.entity_id)
            .join(HarvestIdentity, col(HarvestIdentity.record_id) == col(HarvestRecord.id))
            .where(col(HarvestIdentity.key).in_(sorted(wanted)),
                   HarvestRecord.source_id != self.source_id,
                   col(HarvestRecord.detached).is_(False))
            .order_by(col(HarvestRecord.id)))
        for kind, candidate, entity_id in rows:
            for key in wanted[candidate]:
                found.setdefault((kind, key), entity_id)
        iris = [key[4:] for key in keys if key.startswith("iri:")]
        if iris:
            for dataset_id, iri in self.session.exec(select(Dataset.id, Dataset.iri).where(
                    col(Dataset.iri).in_(iris))):
                found.setdefault((RecordKind.DATASET.value, f"iri:{iri}"), dataset_id or 0)
        return found

    def _catalog_keys(self, items: Sequence[Harvested]) -> set[str]:
        """The catalog ``source_id`` keys of ``items`` already present (one query per kind)."""
        taken: set[str] = set()
        for kind, model in ((RecordKind.DATASET, Dataset), (RecordKind.OBJECT, CollectionObject)):
            keys = [source_key(self.source_name, i.remote_id) for i in items if i.kind is kind]
            if keys:
                column = col(model.source_id)  # type: ignore[attr-defined]
                taken.update(k for k in self.session.exec(select(column).where(
                    column.in_(keys))) if k)
        return taken

    def _write_identity_updates(self) -> None:
        """Identities new to the batch's known records (one query, one executemany)."""
        updates, self._identity_updates = self._identity_updates, []
        wanted = {(record_id, key[:600]) for record_id, keys in updates for key in keys}
        if not wanted:
            return
        present = set(self.session.exec(select(
            HarvestIdentity.record_id, HarvestIdentity.key).where(col(
                HarvestIdentity.record_id).in_({record_id for record_id, _ in wanted}))))
        rows = [{"record_id": record_id, "key": key}
                for record_id, key in sorted(wanted - present)]
        if rows:
            self.session.execute(insert(bulk.table_of(HarvestIdentity)), rows)

    # -- archiving --------------------------------------------------------------------------
    def has_records(self) -> bool:
        return self.session.exec(select(HarvestRecord.id).where(
            HarvestRecord.source_id == self.source_id, col(HarvestRecord.archived).is_(False),
            col(HarvestRecord.detached).is_(False)).limit(1)).first() is not None

    def archive_missing(self, now: datetime, grace: timedelta, batch: int = 500) -> None:
        """After a complete read: records not seen in this job start their grace period;
        those missing longer than ``grace`` are archived."""
        last_id = 0
        while True:
            records = list(self.session.exec(
                select(HarvestRecord).where(
                    HarvestRecord.source_id == self.source_id,
                    col(HarvestRecord.id) > last_id,
                    (col(HarvestRecord.last_seen_job_id).is_(None))
                    | (HarvestRecord.last_seen_job_id != self.job_id),
                    col(HarvestRecord.archived).is_(False),
                    col(HarvestRecord.detached).is_(False))
                .order_by(col(HarvestRecord.id)).limit(batch)))
            if not records:
                return
            for record in records:
                if record.missing_since is None:
                    record.missing_since = now
                if now - record.missing_since >= grace:
                    self._archive(record, record.remote_id)
            last_id = records[-1].id or 0
            self.session.flush()
            self.session.expunge_all()


class CatalogCompatibleError(CatalogError):
    """A record-level problem found by the harvester, reported like a catalog validation error."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")


def _first_text(value: Any) -> str:
    if isinstance(value, Mapping):
        for lang in ("cs", "en", *value.keys()):
            if value.get(lang):
                return str(value[lang])
        return ""
    return str(value or "")
