"""Reads of reuses: the published ones (by type, by dataset, keyset pages), one visible to a
viewer, a submitter's own, the moderation queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from catalog.accounts.models import User
from catalog.errors import NotFound
from catalog.models import Dataset, RecordState
from catalog.permissions import Action, Principal, can
from catalog.reuses.models import Reuse, ReuseDataset, ReuseStatus, ReuseType

PageKey = tuple[datetime, int]  # (published_at, id) of the last reuse of a page


@dataclass(frozen=True)
class ReusePage:
    items: list[Reuse]
    total: int
    next_key: PageKey | None  # where the next page starts; None on the last page


def _published(
    type_: ReuseType | None = None, dataset_id: int | None = None, publisher_id: int | None = None
) -> SelectOfScalar[Reuse]:
    query = select(Reuse).where(Reuse.status == ReuseStatus.PUBLISHED)
    if type_ is not None:
        query = query.where(Reuse.type == type_)
    if dataset_id is not None:
        query = query.where(col(Reuse.id).in_(_using(dataset_id)))
    if publisher_id is not None:
        query = query.where(col(Reuse.id).in_(_using_publisher(publisher_id)))
    return query


def _using(dataset_id: int) -> SelectOfScalar[int]:
    return select(ReuseDataset.reuse_id).where(ReuseDataset.dataset_id == dataset_id)


def _using_publisher(publisher_id: int) -> SelectOfScalar[int]:
    """Reuses of a published dataset of the publisher."""
    return (
        select(ReuseDataset.reuse_id)
        .join(Dataset, col(Dataset.id) == ReuseDataset.dataset_id)
        .where(Dataset.publisher_id == publisher_id, Dataset.state == RecordState.PUBLISHED)
    )


def published_page(
    session: Session,
    limit: int,
    *,
    type_: ReuseType | None = None,
    dataset_id: int | None = None,
    publisher_id: int | None = None,
    after: PageKey | None = None,
    offset: int = 0,
    count: bool = True,
) -> ReusePage:
    """Published reuses, newest first, after ``after`` (keyset) or from ``offset``; ``total``
    is 0 unless ``count``."""
    query = _published(type_, dataset_id, publisher_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one() if count else 0
    if after is not None:
        query = query.where(
            or_(
                col(Reuse.published_at) < after[0],
                (col(Reuse.published_at) == after[0]) & (col(Reuse.id) < after[1]),
            )
        )
    newest_first = query.order_by(col(Reuse.published_at).desc(), col(Reuse.id).desc())
    rows = list(session.exec(newest_first.offset(offset).limit(limit + 1)))
    items = rows[:limit]
    last = items[-1] if items else None
    more = len(rows) > limit
    next_key = (last.published_at, last.id or 0) if more and last and last.published_at else None
    return ReusePage(items, total, next_key)


def published_reuse(session: Session, reuse_id: int) -> Reuse:
    found = session.get(Reuse, reuse_id)
    if found is None or found.status != ReuseStatus.PUBLISHED:
        raise NotFound("reuse", reuse_id)
    return found


def may_see(viewer: Principal | None, reuse: Reuse) -> bool:
    """Published reuses are public; others only to their submitter and the moderators."""
    if reuse.status == ReuseStatus.PUBLISHED:
        return True
    if viewer is None:
        return False
    return (reuse.submitter_id is not None and reuse.submitter_id == viewer.id) or can(
        viewer, Action.REUSE_MODERATE
    )


def visible_reuse(session: Session, viewer: Principal | None, reuse_id: int) -> Reuse:
    found = session.get(Reuse, reuse_id)
    if found is None or not may_see(viewer, found):
        raise NotFound("reuse", reuse_id)
    return found


def for_dataset(session: Session, dataset_id: int, limit: int = 20) -> list[Reuse]:
    """The newest published reuses of a dataset (for its page)."""
    return published_page(session, limit, dataset_id=dataset_id, count=False).items


def _links(session: Session, reuse_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(reuse id, dataset id) of the reuses, read by the link table's primary key (a join
    lets SQLite's planner scan the links from the dataset side instead)."""
    if not reuse_ids:
        return []
    return [
        (reuse_id, dataset_id)
        for reuse_id, dataset_id in session.exec(
            select(ReuseDataset.reuse_id, ReuseDataset.dataset_id).where(
                col(ReuseDataset.reuse_id).in_(list(reuse_ids))
            )
        )
    ]


def datasets_of(session: Session, reuse_ids: Sequence[int]) -> dict[int, list[Dataset]]:
    """The published datasets of each reuse, by slug, in two queries."""
    result: dict[int, list[Dataset]] = {reuse_id: [] for reuse_id in reuse_ids}
    links = _links(session, reuse_ids)
    if not links:
        return result
    datasets = {
        d.id: d
        for d in session.exec(
            select(Dataset).where(
                col(Dataset.id).in_({dataset_id for _, dataset_id in links}),
                Dataset.state == RecordState.PUBLISHED,
            )
        )
    }
    for reuse_id, dataset_id in links:
        if dataset_id in datasets:
            result[reuse_id].append(datasets[dataset_id])
    for found in result.values():
        found.sort(key=lambda d: d.slug)
    return result


def dataset_counts(session: Session, reuse_ids: Sequence[int]) -> dict[int, int]:
    """How many published datasets each reuse uses (the showcases' ``num_datasets``)."""
    result = dict.fromkeys(reuse_ids, 0)
    links = _links(session, reuse_ids)
    published = (
        set(
            session.exec(
                select(Dataset.id).where(
                    col(Dataset.id).in_({dataset_id for _, dataset_id in links}),
                    Dataset.state == RecordState.PUBLISHED,
                )
            )
        )
        if links
        else set()
    )
    for reuse_id, dataset_id in links:
        result[reuse_id] += dataset_id in published
    return result


def submitted_by(session: Session, user_id: int, limit: int = 200) -> Sequence[Reuse]:
    """A user's own submissions, newest first, whatever their status."""
    return session.exec(
        select(Reuse)
        .where(Reuse.submitter_id == user_id)
        .order_by(col(Reuse.created_at).desc(), col(Reuse.id).desc())
        .limit(limit)
    ).all()


def queue(session: Session, status: ReuseStatus, limit: int = 200) -> Sequence[Reuse]:
    """Reuses of ``status`` for the moderators: the oldest waiting first."""
    order = (
        col(Reuse.created_at).asc()
        if status == ReuseStatus.PENDING
        else col(Reuse.updated_at).desc()
    )
    return session.exec(
        select(Reuse).where(Reuse.status == status).order_by(order, col(Reuse.id)).limit(limit)
    ).all()


def status_counts(session: Session) -> dict[ReuseStatus, int]:
    rows = session.exec(select(Reuse.status, func.count()).group_by(Reuse.status))
    counts = dict.fromkeys(ReuseStatus, 0)
    for status, count in rows:
        counts[ReuseStatus(status)] = count
    return counts


def type_counts(
    session: Session, dataset_id: int | None = None, publisher_id: int | None = None
) -> dict[ReuseType, int]:
    """Published reuses (of a dataset, of a publisher's datasets) per type (the list's filter)."""
    scoped = _published(dataset_id=dataset_id, publisher_id=publisher_id).subquery()
    rows = session.exec(select(scoped.c.type, func.count()).group_by(scoped.c.type))
    counts = dict.fromkeys(ReuseType, 0)
    for type_, count in rows:
        counts[ReuseType(type_)] = count
    return counts


def users(session: Session, ids: set[int]) -> dict[int, User]:
    """Accounts by id in one query (the submitters shown to moderators)."""
    if not ids:
        return {}
    return {u.id or 0: u for u in session.exec(select(User).where(col(User.id).in_(ids)))}


def published_dataset_id(session: Session, key: str, *, numeric: bool = False) -> int | None:
    """The id of the published dataset named by ``key``: its slug or, with ``numeric``, also
    its id (CKAN's "id or name", id first)."""
    found = session.get(Dataset, int(key)) if numeric and key.isdigit() and len(key) < 10 else None
    if found is None or found.state != RecordState.PUBLISHED:
        found = session.exec(
            select(Dataset).where(Dataset.slug == key[:200], Dataset.state == RecordState.PUBLISHED)
        ).first()
    return found.id if found is not None else None


def count_for_publisher(session: Session, publisher_id: int) -> int:
    """How many published reuses use a published dataset of the publisher (one count query on
    the link table's dataset index)."""
    scoped = _published(publisher_id=publisher_id).subquery()
    return session.exec(select(func.count()).select_from(scoped)).one()
