"""Registering many new records at once (harvests): Core executemany inserts instead of one
table-model instance and one flush per row, with the same outcome as the one-by-one services
(IRIs minted once, one search-outbox row per record, errors per item)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, update
from sqlmodel import Session, col, select

from catalog import iris
from catalog.errors import ValidationError
from catalog.models import (
    Agent,
    AgentKind,
    Catalog,
    ContactPoint,
    Dataset,
    Distribution,
    SearchOutbox,
    utcnow,
)
from catalog.schemas import DatasetInput
from catalog.services import _dataset_values, _distribution_values, content_hash, create_dataset


def table_of(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def insert_ids(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (every row with the same keys) and return their ids in row order."""
    if not rows:
        return []
    table = table_of(model)
    returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    if session.get_bind().dialect.name != "sqlite":
        # PostgreSQL returns the ids of a multi-row INSERT in parameter order.
        return list(session.execute(returning, list(rows)).scalars())
    # SQLite cannot promise that order, and SQLAlchemy then inserts row by row. Instead: the
    # first row is inserted alone, which takes the database's single write lock until the
    # transaction ends; no other writer can then take ids, and the others get the next ones.
    first = session.execute(returning, [rows[0]]).scalar_one()
    ids = [first + offset for offset in range(len(rows))]
    if len(rows) > 1:
        top = session.execute(select(func.max(table.c.id))).scalar_one()
        if top != first:
            raise RuntimeError(f"{table.name}: ids after {first} were taken during the insert")
        session.execute(insert(table), [{**row, "id": row_id}
                                        for row, row_id in zip(rows[1:], ids[1:], strict=True)])
    return ids


def mint_iris(session: Session, model: Any, segment: str, ids: Iterable[int],
              base_url: str) -> None:
    """Replace the placeholder IRIs of the new rows ``ids`` by IRIs minted from their ids."""
    params = [{"row_id": i, "minted": iris.mint(base_url, segment, i)} for i in ids]
    if params:
        table = table_of(model)
        session.execute(update(table).where(table.c.id == bindparam("row_id"))
                        .values(iri=bindparam("minted")), params)


def enqueue_many(session: Session, kind: str, ids: Iterable[int], now: datetime) -> None:
    """One search-outbox row per changed record (``enqueue_index`` for many)."""
    rows = [{"kind": kind, "entity_id": i, "created_at": now} for i in ids]
    if rows:
        session.execute(insert(table_of(SearchOutbox)), rows)


def create_datasets(session: Session, items: Sequence[tuple[DatasetInput, str | None]], *,
                    base_url: str) -> list[int | ValidationError]:
    """Create many datasets with their contact points and distributions (``create_dataset``
    for many). A dataset whose slug is taken or whose publisher is unknown gets a
    ``ValidationError``; one whose distributions name a data service is created one by one.
    A dataset with a source id gets its content hash, as ``upsert_dataset`` gives it.
    Returns, per item, the new dataset's id or the error that refused it."""
    slugs = [dataset_in.slug for dataset_in, _ in items]
    taken = set(session.exec(select(Dataset.slug).where(col(Dataset.slug).in_(slugs))))
    publishers = {a.slug: a.id for a in session.exec(select(Agent).where(
        col(Agent.slug).in_({d.publisher for d, _ in items}),
        Agent.kind == AgentKind.PUBLISHER))}
    catalog_id = session.exec(select(Catalog.id).where(col(Catalog.is_local))).first()
    now = utcnow()
    results: list[int | ValidationError] = []
    bulk: list[tuple[int, DatasetInput, dict[str, Any]]] = []
    for dataset_in, source_id in items:
        if dataset_in.slug in taken:
            results.append(ValidationError("slug", f"a dataset {dataset_in.slug!r} already "
                                                   "exists"))
            continue
        taken.add(dataset_in.slug)
        if dataset_in.publisher not in publishers:
            results.append(ValidationError("publisher", f"unknown {AgentKind.PUBLISHER.value} "
                                                        f"{dataset_in.publisher!r}"))
            continue
        if any(d.access_service is not None for d in dataset_in.distributions):
            dataset = create_dataset(session, dataset_in, base_url=base_url, source_id=source_id)
            dataset.source_hash = content_hash(dataset_in) if source_id else None
            session.flush()
            results.append(dataset.id or 0)
            continue
        row = {**_dataset_values(dataset_in), "slug": dataset_in.slug,
               "iri": iris.mint(base_url, "datasets", dataset_in.slug),
               "publisher_id": publishers[dataset_in.publisher], "catalog_id": catalog_id,
               "source_id": source_id,
               "source_hash": content_hash(dataset_in) if source_id else None,
               "contact_point_id": None, "series_id": None, "created_at": now,
               "updated_at": now}
        bulk.append((len(results), dataset_in, row))
        results.append(0)
    with_contact = [(row, d.contact) for _, d, row in bulk if d.contact is not None]
    contact_ids = insert_ids(session, ContactPoint, [
        {"name": c.name, "email": c.email, "url": c.url} for _, c in with_contact])
    for (row, _), contact_id in zip(with_contact, contact_ids, strict=True):
        row["contact_point_id"] = contact_id
    ids = insert_ids(session, Dataset, [row for _, _, row in bulk])
    distributions: list[dict[str, Any]] = []
    for (position, dataset_in, _), dataset_id in zip(bulk, ids, strict=True):
        results[position] = dataset_id
        for order, dist_in in enumerate(dataset_in.distributions):
            distributions.append({**_distribution_values(dist_in, order),
                                  "dataset_id": dataset_id, "iri": iris.placeholder(),
                                  "access_service_id": None})
    mint_iris(session, Distribution, "distributions",
              insert_ids(session, Distribution, distributions), base_url)
    enqueue_many(session, "dataset", ids, now)
    return results
