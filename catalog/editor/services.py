"""Use cases of the dataset editor. Each checks ``catalog.permissions`` on the dataset's
publisher, validates through ``catalog.schemas`` (via ``catalog.services``) and records a
revision with what changed, all in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from catalog import queries, services
from catalog import vocabularies as voc
from catalog.accounts.services import actor_id, audit
from catalog.editor.models import DatasetRevision, StoredFile
from catalog.editor.records import dataset_record, differences
from catalog.editor.uploads import MEDIA_TYPES, StoredUpload
from catalog.errors import NotFound, NotPublishable, ValidationError
from catalog.models import (
    Agent,
    AgentKind,
    DataService,
    DataServiceDataset,
    Dataset,
    Distribution,
    RecordState,
    utcnow,
)
from catalog.permissions import Action, Principal, require
from catalog.quality.findings import Severity
from catalog.quality.nkod import check_record
from catalog.rdf.queries import iter_dataset_records
from catalog.schemas import DataServiceInput, DistributionInput, parse_input


def dataset_by_slug(session: Session, slug: str) -> Dataset:
    """Any dataset (draft, published or archived) by slug."""
    dataset = session.exec(select(Dataset).where(Dataset.slug == slug)).first()
    if dataset is None:
        raise NotFound("dataset", slug)
    return dataset


def revise(session: Session, actor: Principal, dataset: Dataset, action: str) -> DatasetRevision:
    """Record the dataset as it now is, with its differences from the previous revision."""
    session.flush()
    previous = session.exec(select(DatasetRevision).where(
        DatasetRevision.dataset_id == dataset.id).order_by(
        col(DatasetRevision.number).desc())).first()
    record = dataset_record(session, dataset)
    revision = DatasetRevision(
        dataset_id=dataset.id or 0, number=previous.number + 1 if previous else 1,
        user_id=actor_id(actor), action=action, record=record,
        changes=differences(previous.record if previous else None, record))
    session.add(revision)
    session.flush()
    return revision


def create_dataset(session: Session, actor: Principal, publisher: Agent,
                   record: Mapping[str, Any], *, base_url: str) -> Dataset:
    """A new draft dataset of ``publisher``."""
    require(actor, Action.DATASET_CREATE, publisher)
    values = _hvd_legislation({**record, "publisher": publisher.slug,
                               "state": RecordState.DRAFT.value, "distributions": []})
    dataset = services.create_dataset(session, values, base_url=base_url)
    revise(session, actor, dataset, "create")
    return dataset


def _hvd_legislation(values: dict[str, Any]) -> dict[str, Any]:
    """A high-value dataset names the HVD regulation as its applicable legislation (DCAT-AP
    HVD, NKOD): added with the first category, removed with the last."""
    laws = [law for law in values.get("applicable_legislation") or []
            if law != voc.HVD_LEGISLATION]
    if values.get("hvd_categories"):
        laws.append(voc.HVD_LEGISLATION)
    return {**values, "applicable_legislation": laws}


def _require_publisher_change(session: Session, actor: Principal, dataset: Dataset,
                              slug: str) -> None:
    current = session.get(Agent, dataset.publisher_id)
    if current is not None and current.slug != slug:
        # Moving a dataset to another organisation needs the right to create there too.
        target = services.referenced_agent(session, slug, AgentKind.PUBLISHER, "publisher")
        require(actor, Action.DATASET_CREATE, target)


def update_dataset(session: Session, actor: Principal, slug: str, record: Mapping[str, Any],
                   *, base_url: str) -> Dataset:
    """Replace a dataset's description; its state and distributions stay as they are."""
    dataset = dataset_by_slug(session, slug)
    require(actor, Action.DATASET_EDIT, dataset)
    current = dataset_record(session, dataset)
    # What the record leaves out (source identifiers, legislation) stays as it is.
    values = _hvd_legislation({**current, **record, "slug": slug, "state": current["state"],
                               "distributions": current["distributions"]})
    values.setdefault("publisher", current["publisher"])
    _require_publisher_change(session, actor, dataset, values["publisher"])
    services.update_dataset(session, slug, values, base_url=base_url)
    revise(session, actor, dataset, "edit")
    return dataset


def _replace_distributions(session: Session, dataset: Dataset,
                           distributions: list[dict[str, Any]], base_url: str) -> None:
    values = {**dataset_record(session, dataset), "distributions": distributions}
    services.update_dataset(session, dataset.slug, values, base_url=base_url)


def add_distribution(session: Session, actor: Principal, slug: str,
                     record: Mapping[str, Any], *, base_url: str,
                     upload: StoredUpload | None = None,
                     api_documentation: str | None = None) -> Distribution:
    """Add a distribution given by URL, by an uploaded file (its URL is minted here) or as a
    linked API (a data service serving the dataset is created for it)."""
    dataset = dataset_by_slug(session, slug)
    require(actor, Action.DATASET_EDIT, dataset)
    values = dict(record)
    stored = None
    if upload is not None:
        stored = StoredFile(dataset_id=dataset.id or 0, sha256=upload.sha256,
                            byte_size=upload.byte_size, media_type=upload.media_type,
                            filename=upload.filename, uploaded_by=actor_id(actor))
        session.add(stored)
        session.flush()
        url = f"{base_url.rstrip('/')}/files/{stored.id}/{upload.filename}"
        values.update(access_url=url, download_url=url, format=upload.format,
                      media_type=upload.media_type, byte_size=upload.byte_size)
    elif not values.get("media_type") and values.get("format") in MEDIA_TYPES:
        # The national catalog requires a media type with the format: the format's usual one.
        values["media_type"] = MEDIA_TYPES[values["format"]]
    dist_in = parse_input(DistributionInput, values)
    if api_documentation is not None:
        # A linked API: the distribution is served by the data service at its URL.
        dist_in = dist_in.model_copy(update={
            "access_service": _api_service(dataset, dist_in, api_documentation)})
    current = dataset_record(session, dataset)["distributions"]
    url_key = dist_in.download_url or dist_in.access_url
    if any((d["download_url"] or d["access_url"]) == url_key for d in current):
        raise ValidationError("access_url", "the dataset already has a distribution with this "
                                            "URL")
    _replace_distributions(session, dataset, [*current, dist_in.model_dump(mode="json")],
                           base_url)
    distribution = session.exec(select(Distribution).where(
        Distribution.dataset_id == dataset.id).order_by(col(Distribution.position).desc())).first()
    assert distribution is not None  # just added
    revise(session, actor, dataset, "add_distribution")
    return distribution


def _api_service(dataset: Dataset, dist_in: DistributionInput,
                 documentation: str) -> DataServiceInput:
    """The data service of an API added as a distribution (named like the distribution, or
    like the dataset when the distribution has no Czech title)."""
    title = dist_in.title if dist_in.title.get("cs") else {**dataset.title, **dist_in.title}
    try:
        return parse_input(DataServiceInput, {
            "title": title, "endpoint_url": dist_in.access_url,
            "endpoint_description": documentation or None, "license": dist_in.license})
    except ValidationError as exc:
        if exc.field == "endpoint_description":
            raise ValidationError("api_documentation", exc.message) from None
        raise


def remove_distribution(session: Session, actor: Principal, slug: str, position: int, *,
                        base_url: str) -> None:
    """Remove the distribution at ``position`` (0-based) of a dataset."""
    dataset = dataset_by_slug(session, slug)
    require(actor, Action.DATASET_EDIT, dataset)
    current = dataset_record(session, dataset)["distributions"]
    if not 0 <= position < len(current):
        raise NotFound("distribution", position)
    dist = session.exec(select(Distribution).where(
        Distribution.dataset_id == dataset.id, Distribution.position == position)).one()
    service_id = dist.access_service_id
    _replace_distributions(session, dataset, current[:position] + current[position + 1:],
                           base_url)
    if service_id is not None:
        _drop_unused_service(session, service_id)
    revise(session, actor, dataset, "remove_distribution")


def _drop_unused_service(session: Session, service_id: int) -> None:
    """Delete the data service ``service_id`` once no dataset or distribution refers to it
    (a service is shared by the datasets naming its endpoint)."""
    linked = session.exec(select(DataServiceDataset).where(
        DataServiceDataset.service_id == service_id)).first()
    serving = session.exec(select(Distribution.id).where(
        Distribution.access_service_id == service_id)).first()
    service = session.get(DataService, service_id)
    if linked is None and serving is None and service is not None:
        session.delete(service)
        session.flush()


STATE_ACTIONS = {RecordState.PUBLISHED: (Action.DATASET_PUBLISH, "publish"),
                 RecordState.DRAFT: (Action.DATASET_PUBLISH, "unpublish"),
                 RecordState.ARCHIVED: (Action.DATASET_DELETE, "delete")}


def set_state(session: Session, actor: Principal, slug: str, state: RecordState) -> Dataset:
    """Publish, return to draft, or delete (archive: soft, restorable) a dataset."""
    dataset = dataset_by_slug(session, slug)
    action, name = STATE_ACTIONS[state]
    require(actor, action, dataset)
    if dataset.state == RecordState.ARCHIVED and state != RecordState.ARCHIVED:
        require(actor, Action.DATASET_DELETE, dataset)  # undeleting is the deleter's call
    services.set_dataset_state(session, slug, state)
    if state == RecordState.PUBLISHED and dataset.issued is None:
        dataset.issued = utcnow().date()
    if state == RecordState.PUBLISHED:
        _require_publishable(session, dataset)
    if state == RecordState.ARCHIVED:
        audit(session, "dataset.delete", actor_id=actor_id(actor), target_kind="dataset",
              target_id=dataset.id, slug=slug)
    revise(session, actor, dataset, name)
    return dataset


def _require_publishable(session: Session, dataset: Dataset) -> None:
    """Refuse (the caller's transaction rolls back) a published dataset that should not be."""
    session.flush()
    problems = publishing_problems(next(iter_dataset_records(session, [dataset.id or 0])))
    if problems:
        raise NotPublishable(problems)


def publishing_problems(record: Any) -> list[tuple[str, str]]:
    """What keeps a dataset record out of the national catalog (the NKOD-style checks'
    violations) or short of DCAT-AP's recommendations we hold publishers to (a licence on
    every distribution), as (field, message) pairs without repeats."""
    # Our own IRIs and file URLs are http only where the portal runs without TLS (development):
    # that is the deployment's matter, not the publisher's.
    parts = urlsplit(record.iri)
    own = f"{parts.scheme}://{parts.netloc}/"
    found = [(f.path, f.message) for f in check_record(record)
             if f.severity is Severity.VIOLATION and f.path != "iri" and own not in f.message]
    found += [("license", "a distribution has no licence")
              for d in record.distributions if not d.distribution.license]
    return list(dict.fromkeys(found))


def revisions(session: Session, dataset: Dataset) -> list[DatasetRevision]:
    return list(session.exec(select(DatasetRevision).where(
        DatasetRevision.dataset_id == dataset.id).order_by(col(DatasetRevision.number).desc())))


def restore(session: Session, actor: Principal, slug: str, number: int, *,
            base_url: str) -> DatasetRevision:
    """Make the dataset's description and distributions what they were in revision
    ``number`` (its publication state stays as it is); recorded as a new revision."""
    dataset = dataset_by_slug(session, slug)
    require(actor, Action.DATASET_RESTORE, dataset)
    old = session.exec(select(DatasetRevision).where(
        DatasetRevision.dataset_id == dataset.id, DatasetRevision.number == number)).first()
    if old is None:
        raise NotFound("revision", number)
    values = {**old.record, "state": dataset.state}
    _require_publisher_change(session, actor, dataset, values["publisher"])
    services.update_dataset(session, slug, values, base_url=base_url)
    if dataset.state == RecordState.PUBLISHED:
        _require_publishable(session, dataset)  # an early draft may not be publishable
    revision = revise(session, actor, dataset, f"restore:{number}")
    audit(session, "dataset.restore", actor_id=actor_id(actor), target_kind="dataset",
          target_id=dataset.id, revision=number)
    return revision


EDITABLE_PER_PUBLISHER = 200  # the newest datasets listed for each publisher an editor edits


def editable_datasets(session: Session, actor: Principal) -> list[tuple[Agent, list[Dataset]]]:
    """The publishers ``actor`` edits for, each with its datasets (all states)."""
    if actor.sysadmin:
        agents = session.exec(select(Agent).where(Agent.kind == AgentKind.PUBLISHER)
                              .order_by(col(Agent.slug))).all()
    else:
        found = queries.agents_by_id(session, actor.organisations(AgentKind.PUBLISHER))
        agents = sorted(found.values(), key=lambda a: a.slug)
    newest = (col(Dataset.updated_at).desc(), col(Dataset.id).desc())
    ranked = select(Dataset, func.row_number().over(partition_by=col(Dataset.publisher_id),
                                                    order_by=newest).label("rank")).where(
        col(Dataset.publisher_id).in_([a.id for a in agents])).subquery()
    row = aliased(Dataset, ranked)
    by_publisher: dict[int, list[Dataset]] = {}
    for dataset in session.exec(select(row).where(ranked.c.rank <= EDITABLE_PER_PUBLISHER)
                                .order_by(ranked.c.updated_at.desc(), ranked.c.id.desc())):
        by_publisher.setdefault(dataset.publisher_id, []).append(dataset)
    return [(agent, by_publisher.get(agent.id or 0, [])) for agent in agents]


def stored_file(session: Session, file_id: int) -> tuple[StoredFile, Dataset]:
    stored = session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound("file", file_id)
    dataset = session.get(Dataset, stored.dataset_id)
    assert dataset is not None
    return stored, dataset


def publisher_for(session: Session, slug: str) -> Agent:
    return queries.agent(session, slug, AgentKind.PUBLISHER)
