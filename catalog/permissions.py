"""Who may do what: the one authorization rule of the portal. Every write checks
``require(principal, action, target)`` here, against the role on the target's organisation.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from catalog.accounts.models import Role
from catalog.errors import CatalogError
from catalog.models import Agent, AgentKind


class Action(enum.StrEnum):
    """What a principal wants to do. The target is named in each comment."""

    # Datasets, data services and series of a publisher (target: the record, or the publisher
    # Agent when creating).
    DATASET_CREATE = "dataset.create"
    DATASET_EDIT = "dataset.edit"
    DATASET_PUBLISH = "dataset.publish"
    DATASET_DELETE = "dataset.delete"
    DATASET_RESTORE = "dataset.restore"  # restore an earlier version
    DATASET_VIEW_DRAFT = "dataset.view_draft"
    # Collection objects of an institution (target: the object, or the institution Agent).
    OBJECT_CREATE = "object.create"
    OBJECT_EDIT = "object.edit"
    OBJECT_PUBLISH = "object.publish"
    OBJECT_DELETE = "object.delete"
    # Organisations (target: the Agent).
    ORG_EDIT = "org.edit"
    ORG_MANAGE_MEMBERS = "org.manage_members"
    ORG_MANAGE_HARVEST = "org.manage_harvest"  # harvest sources feeding this organisation
    # Editorial content: pages, news, events, flagship projects (target: None, or the item's
    # organisation Agent; items without an organisation belong to the portal).
    EDITORIAL_EDIT = "editorial.edit"
    # Anyone with a verified account (target: None, or the thing they own).
    API_TOKEN_CREATE = "api_token.create"
    API_TOKEN_REVOKE = "api_token.revoke"  # target: the token (its ``user_id``)
    FOLLOW = "follow"
    REUSE_SUBMIT = "reuse.submit"  # propose an app, visualisation, article... built on the data
    REUSE_EDIT = "reuse.edit"  # change or withdraw a reuse; target: the reuse (its submitter_id)
    # The whole site (target: None).
    SITE_ADMIN = "site.admin"  # users, sysadmins, organisations, Wi-Fi locations
    AUDIT_VIEW = "audit.view"
    REUSE_MODERATE = "reuse.moderate"  # publish or reject submitted reuses


PUBLISHER_ROLES: dict[Action, frozenset[Role]] = {
    Action.DATASET_CREATE: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.DATASET_EDIT: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.DATASET_PUBLISH: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.DATASET_VIEW_DRAFT: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.DATASET_DELETE: frozenset({Role.ADMIN}),
    Action.DATASET_RESTORE: frozenset({Role.ADMIN}),
    Action.ORG_EDIT: frozenset({Role.ADMIN}),
    Action.ORG_MANAGE_MEMBERS: frozenset({Role.ADMIN}),
    Action.ORG_MANAGE_HARVEST: frozenset({Role.ADMIN}),
    Action.EDITORIAL_EDIT: frozenset({Role.ADMIN, Role.EDITOR}),
}
INSTITUTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.OBJECT_CREATE: frozenset({Role.CURATOR}),
    Action.OBJECT_EDIT: frozenset({Role.CURATOR}),
    Action.OBJECT_PUBLISH: frozenset({Role.CURATOR}),
    Action.OBJECT_DELETE: frozenset({Role.CURATOR}),
    Action.ORG_MANAGE_HARVEST: frozenset({Role.CURATOR}),
}
VERIFIED_ACTIONS = frozenset({Action.API_TOKEN_CREATE, Action.FOLLOW, Action.REUSE_SUBMIT})
SYSADMIN_ONLY = frozenset({Action.SITE_ADMIN, Action.AUDIT_VIEW, Action.REUSE_MODERATE})


@dataclass(frozen=True)
class Principal:
    """A signed-in user as the rule sees them: verified and sysadmin flags and the role held on
    each organisation (by Agent id). Built by ``catalog.accounts.services.principal``."""

    id: int
    email: str
    display_name: str
    verified: bool = False
    sysadmin: bool = False
    roles: Mapping[int, Role] = field(default_factory=dict)
    org_kinds: Mapping[int, str] = field(default_factory=dict)

    def role_on(self, agent_id: int | None) -> Role | None:
        return self.roles.get(agent_id) if agent_id is not None else None

    def organisations(self, kind: AgentKind | None = None) -> list[int]:
        """Ids of the organisations this principal is a member of (of ``kind``)."""
        return [agent_id for agent_id in self.roles
                if kind is None or self.org_kinds.get(agent_id) == kind]


SYSTEM = Principal(id=0, email="", display_name="system", verified=True, sysadmin=True)
"""The command line and scheduled jobs acting as the site (audited without an actor)."""


class NotAuthorized(CatalogError):
    """The principal may not do ``action`` on the target (or is not signed in)."""

    def __init__(self, action: Action, reason: str) -> None:
        super().__init__(f"{action.value}: {reason}")
        self.action = action
        self.reason = reason


def owner_of(target: Any) -> tuple[int | None, str | None]:
    """(organisation id, kind) a target belongs to; (None, None) for site-wide targets. An Agent
    is its own organisation; a record names it by ``publisher_id`` or ``institution_id``; any
    other object may name it ``agent_id`` or ``organisation_id``."""
    if target is None:
        return None, None
    if isinstance(target, Agent):
        return target.id, target.kind
    for name, kind in (("publisher_id", AgentKind.PUBLISHER),
                       ("institution_id", AgentKind.INSTITUTION)):
        if hasattr(target, name):
            return getattr(target, name), kind
    for name in ("agent_id", "organisation_id"):
        if hasattr(target, name):
            return getattr(target, name), None
    return None, None


def can(principal: Principal | None, action: Action, target: Any = None) -> bool:
    """Whether ``principal`` (None: not signed in) may do ``action`` on ``target``."""
    return _refusal(principal, action, target) is None


def require(principal: Principal | None, action: Action, target: Any = None) -> None:
    """Raise ``NotAuthorized`` with the reason unless ``can(principal, action, target)``."""
    reason = _refusal(principal, action, target)
    if reason is not None:
        raise NotAuthorized(action, reason)


def _refusal(principal: Principal | None, action: Action, target: Any) -> str | None:
    if principal is None:
        return "not signed in"
    if principal.sysadmin:
        return None
    if action in SYSADMIN_ONLY:
        return "only a site administrator may do this"
    if not principal.verified:
        return "the account's e-mail address is not verified"
    if action in VERIFIED_ACTIONS:
        return None
    if action is Action.REUSE_EDIT:
        submitter = getattr(target, "submitter_id", None)
        return None if submitter is not None and submitter == principal.id else \
            "the reuse was submitted from another account"
    if action is Action.API_TOKEN_REVOKE:
        owner = getattr(target, "user_id", None)
        return None if owner == principal.id else "the token belongs to another account"
    agent_id, kind = owner_of(target)
    if agent_id is None:
        return "no organisation owns the target"
    role = principal.role_on(agent_id)
    if role is None:
        return "not a member of the organisation that owns the target"
    kind = kind or principal.org_kinds.get(agent_id)
    table = INSTITUTION_ROLES if kind == AgentKind.INSTITUTION else PUBLISHER_ROLES
    if role not in table.get(action, frozenset()):
        return f"the role {role.value} does not allow this"
    return None
