"""A reuse changed after submission: its submitter (or a site administrator) edits or withdraws
it. A submitter's change to what the public reads (title, description, address, author) of a
published reuse sends it back to moderation; an administrator's change keeps its status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from catalog.accounts.services import actor_id, audit
from catalog.errors import NotFound
from catalog.models import utcnow
from catalog.permissions import Action, Principal, can, require
from catalog.reuses import queries
from catalog.reuses.models import Reuse, ReuseStatus
from catalog.reuses.services import (
    ReuseInput,
    check_pending_limit,
    link_datasets,
    published_datasets,
)
from catalog.schemas import parse_input
from catalog.services import enqueue_index

# What the public reads of a reuse: a submitter's change to any of these is moderated again.
PUBLIC_TEXT = ("title", "description", "url", "author_name")


@dataclass(frozen=True)
class Edited:
    """What an edit did: the fields it changed (none: nothing saved) and whether the reuse now
    waits for approval because of it (the moderators are to be told)."""

    reuse: Reuse
    changed: tuple[str, ...]
    resubmitted: bool


def _editable(session: Session, actor: Principal | None, reuse_id: int) -> Reuse:
    reuse = session.get(Reuse, reuse_id)
    if reuse is None or reuse.status == ReuseStatus.WITHDRAWN:
        raise NotFound("reuse", reuse_id)
    require(actor, Action.REUSE_EDIT, reuse)
    return reuse


def _dataset_ids(session: Session, reuse_id: int) -> list[int]:
    """The published datasets the reuse uses (what its edit form shows: a link to an archived
    dataset is left alone unless the datasets are changed)."""
    return sorted(d.id or 0 for d in queries.datasets_of(session, [reuse_id])[reuse_id])


def _goes_back(reuse: Reuse, changed: tuple[str, ...], moderator: bool) -> bool:
    """Whether a change sends the reuse (back) to moderation: a submitter's change of the public
    text of a published reuse, any change of a rejected one (a resubmission)."""
    if moderator or not changed:
        return False
    if reuse.status == ReuseStatus.REJECTED:
        return True
    return reuse.status == ReuseStatus.PUBLISHED and any(f in PUBLIC_TEXT for f in changed)


def edit(
    session: Session,
    actor: Principal | None,
    reuse_id: int,
    data: ReuseInput | Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> Edited:
    """Change a reuse (the submitter or a site administrator; a withdrawn one is gone). Nothing
    is saved or audited when nothing changed."""
    reuse = _editable(session, actor, reuse_id)
    reuse_in = parse_input(ReuseInput, data)
    datasets = published_datasets(session, reuse_in.datasets)
    values = reuse_in.model_dump(exclude={"datasets"})
    changed = tuple(name for name, value in values.items() if getattr(reuse, name) != value)
    if sorted(d.id or 0 for d in datasets) != _dataset_ids(session, reuse_id):
        changed += ("datasets",)
    moderator = can(actor, Action.REUSE_MODERATE)
    resubmitted = _goes_back(reuse, changed, moderator)
    if not changed:
        return Edited(reuse, (), False)
    if resubmitted and reuse.submitter_id is not None:
        check_pending_limit(session, reuse.submitter_id, besides=reuse.id)
    previous = reuse.status
    for name, value in values.items():
        setattr(reuse, name, value)
    if resubmitted:
        # published_at stays: a re-approval is not a first publication (no second mail to the
        # data's publishers) and the reuse keeps its place in the newest-first list
        reuse.status = ReuseStatus.PENDING
        reuse.moderation_note = None
    reuse.updated_at = now or utcnow()
    session.add(reuse)
    session.flush()
    if "datasets" in changed:
        link_datasets(session, reuse, datasets)
    enqueue_index(session, "reuse", reuse_id)  # changed in the search, or out of it
    audit(
        session,
        "reuse.edit",
        actor_id=actor_id(actor),
        target_kind="reuse",
        target_id=reuse_id,
        fields=list(changed),
        status=[previous, reuse.status],
    )
    return Edited(reuse, changed, resubmitted)


def withdraw(
    session: Session, actor: Principal | None, reuse_id: int, *, now: datetime | None = None
) -> Reuse:
    """Withdraw a reuse for good: it leaves the public pages, feeds, APIs and search. The row
    stays (its submitter and the moderators still see it, the audit log names it)."""
    reuse = _editable(session, actor, reuse_id)
    previous = reuse.status
    reuse.status = ReuseStatus.WITHDRAWN
    reuse.updated_at = now or utcnow()
    session.add(reuse)
    session.flush()
    enqueue_index(session, "reuse", reuse_id)
    audit(
        session,
        "reuse.withdraw",
        actor_id=actor_id(actor),
        target_kind="reuse",
        target_id=reuse_id,
        status=[previous, reuse.status],
    )
    return reuse
