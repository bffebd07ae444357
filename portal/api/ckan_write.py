"""The write actions of the CKAN-compatible API (an API token is required): package_create,
package_update, package_patch and package_delete (soft: the dataset is archived). Every write
is checked by the portal's one permission rule against the token's narrowed principal."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from catalog import batches, services
from catalog.ckan_input import package_to_input, view_to_input
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, AgentKind, Dataset, RecordState
from catalog.permissions import Action, NotAuthorized, Principal, require
from harvesters import services as harvest_services
from harvesters.models import RecordKind
from portal.api import ckan_params as params
from portal.api.auth import token_use
from portal.api.ckan import action, authorization_error
from portal.api.ckan_actions import packages
from portal.state import state

ALL_STATES = (RecordState.PUBLISHED, RecordState.DRAFT)


def _writer() -> Principal:
    use = token_use()
    if use is None:
        raise authorization_error("an API token is required (send it in the Authorization "
                                  "header)")
    if use.scope != "write":
        raise authorization_error("the API token may only read")
    return use.principal


def _publisher_slug(session: Any) -> Any:
    def lookup(key: str) -> str:
        agent = None
        if key.isdigit() and len(key) < 10:
            agent = session.get(Agent, int(key))
        if agent is None:
            agent = session.exec(select(Agent).where(Agent.slug == key[:120])).first()
        if agent is None or agent.kind != AgentKind.PUBLISHER:
            raise ValidationError("owner_org", f"unknown organization {key[:60]!r}")
        return str(agent.slug)

    return lookup


def _finish(slug: str) -> dict[str, Any]:
    portal = state()
    portal.drain(wait=False)
    with transaction(portal.engine) as session:
        view = batches.dataset_by_key(session, slug, states=ALL_STATES)
    return packages([view])[0]


def _authorized(actor: Principal, act: Action, target: Any) -> None:
    try:
        require(actor, act, target)
    except NotAuthorized as exc:
        raise authorization_error(exc.reason) from None


def _not_harvested(session: Any, dataset: Dataset) -> None:
    """A dataset a harvest source owns is refused (403) until an editor detaches it."""
    try:
        harvest_services.ensure_editable(session, RecordKind.DATASET, dataset.id or 0)
    except harvest_services.ManagedBySource as exc:
        raise authorization_error(
            f"the dataset is managed by harvest source {exc.source!r}: changes would be "
            "overwritten by the next harvest; an editor must detach it from the source in the "
            "web editor first") from None


@action(side_effect_free=False)
def package_create(data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset (name, title, notes, owner_org, tags, groups, resources, extras,
    license_id, state active|draft). Needs a write token for owner_org."""
    actor = _writer()
    base_url = state().settings.base_url
    with transaction(state().engine) as session:
        record = package_to_input(data, base=None, publisher_slug=_publisher_slug(session))
        if "publisher" not in record:
            raise ValidationError("owner_org", "Missing value")
        publisher = session.exec(select(Agent).where(Agent.slug == record["publisher"])).one()
        _authorized(actor, Action.DATASET_CREATE, publisher)
        dataset = services.create_dataset(session, record, base_url=base_url)
        slug = dataset.slug
    return _finish(slug)


def _existing(session: Any, data: dict[str, Any]) -> Dataset:
    key = params.required_text(data, "id", "name")
    found = batches.dataset_by_key(session, key, states=ALL_STATES).dataset
    return found


def _update(data: dict[str, Any], *, patch: bool) -> dict[str, Any]:
    actor = _writer()
    base_url = state().settings.base_url
    with transaction(state().engine) as session:
        dataset = _existing(session, data)
        _authorized(actor, Action.DATASET_EDIT, dataset)
        _not_harvested(session, dataset)
        view = batches.dataset_by_key(session, str(dataset.id), states=ALL_STATES)
        changes = {k: v for k, v in data.items() if k != "id"}
        record = package_to_input(changes, base=view_to_input(view) if patch else None,
                                  publisher_slug=_publisher_slug(session))
        record.setdefault("slug", dataset.slug)
        if not patch:
            record.setdefault("publisher", view.publisher.slug)
        if record.get("publisher") != view.publisher.slug:
            target = session.exec(select(Agent).where(Agent.slug == record["publisher"])).one()
            _authorized(actor, Action.DATASET_CREATE, target)
        services.update_dataset(session, dataset.slug, record, base_url=base_url)
        slug = dataset.slug
    return _finish(slug)


@action(side_effect_free=False)
def package_update(data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset (id or name) with the given package; keys left out are emptied, as
    in CKAN. The name (slug) cannot change."""
    return _update(data, patch=False)


@action(side_effect_free=False)
def package_patch(data: dict[str, Any]) -> dict[str, Any]:
    """Change only the given keys of a dataset (id or name)."""
    return _update(data, patch=True)


@action(side_effect_free=False)
def package_delete(data: dict[str, Any]) -> None:
    """Delete a dataset (id or name): it is archived, not erased, and can be restored."""
    actor = _writer()
    with transaction(state().engine) as session:
        dataset = _existing(session, data)
        _authorized(actor, Action.DATASET_DELETE, dataset)
        _not_harvested(session, dataset)
        services.set_dataset_state(session, dataset.slug, RecordState.ARCHIVED)
    portal = state()
    portal.drain(wait=False)
    return None


__all__ = ["NotFound", "package_create", "package_delete", "package_patch", "package_update"]
