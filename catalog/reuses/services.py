"""Use cases of reuses: a signed-in user submits one (it waits for approval), a site
administrator publishes or rejects it with a note, the submitter is told; the demo loads
published ones."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from sqlmodel import Session, col, func, select

from catalog.accounts.models import User
from catalog.accounts.services import actor_id, audit
from catalog.errors import NotFound, ValidationError
from catalog.mail import Mail, Mailer
from catalog.models import Dataset, RecordState, utcnow
from catalog.notifications.services import owners
from catalog.permissions import Action, Principal, require
from catalog.reuses.models import Reuse, ReuseDataset, ReuseStatus, ReuseType
from catalog.schemas import HttpUrl, Slug, _Input, parse_input
from catalog.services import Upsert, enqueue_index

MAX_PENDING = 10  # submissions of one account waiting for approval at once (spam brake)
MAX_DATASETS = 20
ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def _printable(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value):
        raise ValueError("must not contain control characters")
    return value


Title = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)]
Description = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_printable)]
Url = Annotated[HttpUrl, Field(max_length=500)]
Name = Annotated[str, Field(max_length=200), AfterValidator(_printable)]
Note = Annotated[str, Field(max_length=1000), AfterValidator(_printable)]


class ReuseInput(_Input):
    """What a user may submit: plain text (pages escape it), an http(s) address and the slugs
    of the published datasets the reuse is built on (at least one)."""

    type: ReuseType
    title: Title
    description: Description
    url: Url
    author_name: Name | None = None
    language: Literal["cs", "en", "de", "pl"] = "cs"
    datasets: list[Slug] = Field(min_length=1, max_length=MAX_DATASETS)


class ModerationInput(_Input):
    decision: ReuseStatus
    note: Note = ""


def published_datasets(session: Session, slugs: list[str]) -> list[Dataset]:
    wanted = list(dict.fromkeys(slugs))
    found = {
        d.slug: d
        for d in session.exec(
            select(Dataset).where(
                col(Dataset.slug).in_(wanted), Dataset.state == RecordState.PUBLISHED
            )
        )
    }
    for slug in wanted:
        if slug not in found:
            raise ValidationError("datasets", f"unknown dataset {slug!r}")
    return [found[slug] for slug in wanted]


def link_datasets(session: Session, reuse: Reuse, datasets: list[Dataset]) -> None:
    for link in session.exec(select(ReuseDataset).where(ReuseDataset.reuse_id == reuse.id)):
        session.delete(link)
    session.flush()
    for dataset in datasets:
        session.add(ReuseDataset(reuse_id=reuse.id or 0, dataset_id=dataset.id or 0))
    session.flush()


def check_pending_limit(session: Session, submitter_id: int, *, besides: int | None = None) -> None:
    """Refuse one more submission of ``submitter_id`` waiting for approval (``besides``: the
    reuse about to wait again, not counted)."""
    query = (
        select(func.count())
        .select_from(Reuse)
        .where(Reuse.submitter_id == submitter_id, Reuse.status == ReuseStatus.PENDING)
    )
    if besides is not None:
        query = query.where(Reuse.id != besides)
    if session.exec(query).one() >= MAX_PENDING:
        raise ValidationError(
            "form", f"at most {MAX_PENDING} submissions may wait for approval at once"
        )


def submit(
    session: Session,
    actor: Principal | None,
    data: ReuseInput | Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> Reuse:
    """A new reuse from a user with a verified account, waiting for approval."""
    require(actor, Action.REUSE_SUBMIT)
    assert actor is not None
    reuse_in = parse_input(ReuseInput, data)
    datasets = published_datasets(session, reuse_in.datasets)
    check_pending_limit(session, actor.id)
    now = now or utcnow()
    reuse = Reuse(
        **reuse_in.model_dump(exclude={"datasets"}),
        status=ReuseStatus.PENDING,
        submitter_id=actor_id(actor),
        created_at=now,
        updated_at=now,
    )
    session.add(reuse)
    session.flush()
    link_datasets(session, reuse, datasets)
    audit(
        session, "reuse.submit", actor_id=actor_id(actor), target_kind="reuse", target_id=reuse.id
    )
    return reuse


def moderate(
    session: Session,
    actor: Principal | None,
    reuse_id: int,
    data: ModerationInput | Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> Reuse:
    """Publish or reject a reuse (a published one may be withdrawn by rejecting it, a rejected
    one published after all). A rejection needs a note: it is what the submitter reads."""
    require(actor, Action.REUSE_MODERATE)
    decision = parse_input(ModerationInput, data)
    reuse = session.get(Reuse, reuse_id)
    if reuse is None:
        raise NotFound("reuse", reuse_id)
    if decision.decision not in (ReuseStatus.PUBLISHED, ReuseStatus.REJECTED):
        raise ValidationError("decision", "publish or reject")
    if reuse.status == ReuseStatus.WITHDRAWN:
        raise ValidationError("decision", "the reuse was withdrawn")
    if reuse.status == decision.decision:
        raise ValidationError("decision", f"the reuse is already {decision.decision.value}")
    if decision.decision == ReuseStatus.REJECTED and not decision.note:
        raise ValidationError("note", "a rejection needs a note for the submitter")
    now = now or utcnow()
    reuse.status = decision.decision
    reuse.moderation_note = decision.note or None
    reuse.moderated_by = actor_id(actor)
    reuse.moderated_at = now
    reuse.updated_at = now
    if decision.decision == ReuseStatus.PUBLISHED and reuse.published_at is None:
        reuse.published_at = now
    session.flush()
    enqueue_index(session, "reuse", reuse.id or 0)  # into the search, or out of it
    audit(
        session,
        f"reuse.{'publish' if reuse.status == ReuseStatus.PUBLISHED else 'reject'}",
        actor_id=actor_id(actor),
        target_kind="reuse",
        target_id=reuse.id,
    )
    return reuse


def tell_submitter(
    session: Session, mailer: Mailer, reuse: Reuse, compose: Callable[[User, Reuse], Mail]
) -> bool:
    """Mail the submitter the moderation outcome (``compose(user, reuse)``); False when there
    is nobody to tell (a loaded reuse, a disabled or unconfirmed account)."""
    user = session.get(User, reuse.submitter_id) if reuse.submitter_id else None
    if user is None or not user.active or not user.verified:
        return False
    mailer.send(compose(user, reuse))
    return True


def tell_moderators(
    session: Session, mailer: Mailer, reuse: Reuse, compose: Callable[[User, Reuse], Mail]
) -> int:
    """Mail every site administrator (active, confirmed) that ``reuse`` waits for approval;
    how many were told."""
    moderators = session.exec(
        select(User).where(col(User.sysadmin), col(User.active), col(User.verified))
    ).all()
    for user in moderators:
        mailer.send(compose(user, reuse))
    return len(moderators)


def first_publication(reuse: Reuse) -> bool:
    """Whether the moderation that just happened published ``reuse`` for the first time
    (``moderate`` sets ``published_at`` only then, to the moderation's own time)."""
    return reuse.status == ReuseStatus.PUBLISHED and reuse.published_at == reuse.moderated_at


def tell_publishers(
    session: Session,
    mailer: Mailer,
    reuse: Reuse,
    compose: Callable[[str, Reuse, list[Dataset]], Mail],
) -> int:
    """Mail the owners of the datasets a newly published reuse uses (each publisher's admins,
    else its public address: ``catalog.notifications.services.owners``) that their data is
    used, one mail per address with that publisher's datasets; how many mails went out."""
    datasets = session.exec(
        select(Dataset)
        .join(ReuseDataset, col(ReuseDataset.dataset_id) == Dataset.id)
        .where(ReuseDataset.reuse_id == reuse.id, Dataset.state == RecordState.PUBLISHED)
        .order_by(col(Dataset.slug))
    ).all()
    by_address: dict[str, list[Dataset]] = {}
    for dataset in datasets:
        for address in owners(session, dataset.publisher_id):
            by_address.setdefault(address, []).append(dataset)
    for address, theirs in by_address.items():
        mailer.send(compose(address, reuse, theirs))
    return len(by_address)


def upsert_listed(
    session: Session,
    key: str,
    data: ReuseInput | Mapping[str, Any],
    *,
    published_at: datetime | None = None,
) -> tuple[Reuse, Upsert]:
    """A published reuse loaded from a file (the demo), identified by ``key``; loading it
    again changes nothing."""
    reuse_in = parse_input(ReuseInput, data)
    datasets = published_datasets(session, reuse_in.datasets)
    values = reuse_in.model_dump(exclude={"datasets"})
    existing = session.exec(select(Reuse).where(Reuse.source_key == key)).first()
    linked = sorted(d.id or 0 for d in datasets)
    if existing is not None:
        current = sorted(
            session.exec(
                select(ReuseDataset.dataset_id).where(ReuseDataset.reuse_id == existing.id)
            )
        )
        if all(getattr(existing, k) == v for k, v in values.items()) and current == linked:
            return existing, Upsert.UNCHANGED
    now = utcnow()
    reuse = existing or Reuse(
        source_key=key,
        status=ReuseStatus.PUBLISHED,
        published_at=published_at or now,
        created_at=published_at or now,
        **values,
    )
    for name, value in values.items():
        setattr(reuse, name, value)
    reuse.updated_at = now if existing else (published_at or now)
    session.add(reuse)
    session.flush()
    link_datasets(session, reuse, datasets)
    enqueue_index(session, "reuse", reuse.id or 0)
    return reuse, Upsert.UPDATED if existing else Upsert.CREATED
