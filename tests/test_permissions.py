"""The one authorization rule: every role × action, on the role's own organisation and on
another one."""

from __future__ import annotations

import pytest

from catalog.accounts.models import Role
from catalog.models import Agent, AgentKind, CollectionObject, Dataset
from catalog.permissions import Action, NotAuthorized, Principal, can, require

REGION = Agent(id=1, slug="kraj", iri="x:1", kind=AgentKind.PUBLISHER, name={"cs": "Kraj"})
TOWN = Agent(id=2, slug="mesto", iri="x:2", kind=AgentKind.PUBLISHER, name={"cs": "Město"})
MUSEUM = Agent(id=3, slug="muzeum", iri="x:3", kind=AgentKind.INSTITUTION, name={"cs": "M"})
REGION_DATASET = Dataset(id=10, slug="d", iri="x:d", publisher_id=1, title={"cs": "D"})
TOWN_DATASET = Dataset(id=11, slug="e", iri="x:e", publisher_id=2, title={"cs": "E"})
MUSEUM_OBJECT = CollectionObject(id=20, iri="x:o", institution_id=3, inventory_number="1",
                                 title={"cs": "O"}, object_type="váza")


class OwnToken:
    user_id = 7


class OtherToken:
    user_id = 8


class OwnReuse:
    submitter_id = 7


class OtherReuse:
    submitter_id = 8


class LoadedReuse:  # loaded from a file: nobody submitted it
    submitter_id = None


def person(role: Role | None = None, agent: Agent | None = None, *, sysadmin: bool = False,
           verified: bool = True) -> Principal:
    roles = {agent.id: role} if role and agent and agent.id else {}
    kinds = {agent.id: agent.kind} if agent and agent.id else {}
    return Principal(id=7, email="p@example.test", display_name="P", verified=verified,
                     sysadmin=sysadmin, roles=roles, org_kinds=kinds)


PRINCIPALS = {
    "anonymous": None,
    "sysadmin": person(sysadmin=True),
    "region_admin": person(Role.ADMIN, REGION),
    "region_editor": person(Role.EDITOR, REGION),
    "museum_curator": person(Role.CURATOR, MUSEUM),
    "developer": person(),
    "unverified": person(Role.ADMIN, REGION, verified=False),
}
# (action, target) → the principals allowed; everyone else is refused.
MATRIX = [
    (Action.DATASET_CREATE, REGION, {"sysadmin", "region_admin", "region_editor"}),
    (Action.DATASET_CREATE, TOWN, {"sysadmin"}),
    (Action.DATASET_EDIT, REGION_DATASET, {"sysadmin", "region_admin", "region_editor"}),
    (Action.DATASET_EDIT, TOWN_DATASET, {"sysadmin"}),
    (Action.DATASET_PUBLISH, REGION_DATASET, {"sysadmin", "region_admin", "region_editor"}),
    (Action.DATASET_VIEW_DRAFT, REGION_DATASET, {"sysadmin", "region_admin", "region_editor"}),
    (Action.DATASET_DELETE, REGION_DATASET, {"sysadmin", "region_admin"}),
    (Action.DATASET_DELETE, TOWN_DATASET, {"sysadmin"}),
    (Action.DATASET_RESTORE, REGION_DATASET, {"sysadmin", "region_admin"}),
    (Action.OBJECT_CREATE, MUSEUM, {"sysadmin", "museum_curator"}),
    (Action.OBJECT_EDIT, MUSEUM_OBJECT, {"sysadmin", "museum_curator"}),
    (Action.OBJECT_PUBLISH, MUSEUM_OBJECT, {"sysadmin", "museum_curator"}),
    (Action.OBJECT_DELETE, MUSEUM_OBJECT, {"sysadmin", "museum_curator"}),
    (Action.OBJECT_EDIT, REGION_DATASET, {"sysadmin"}),
    (Action.ORG_EDIT, REGION, {"sysadmin", "region_admin"}),
    (Action.ORG_MANAGE_MEMBERS, REGION, {"sysadmin", "region_admin"}),
    (Action.ORG_MANAGE_MEMBERS, MUSEUM, {"sysadmin"}),
    (Action.ORG_MANAGE_HARVEST, REGION, {"sysadmin", "region_admin"}),
    (Action.ORG_MANAGE_HARVEST, MUSEUM, {"sysadmin", "museum_curator"}),
    (Action.EDITORIAL_EDIT, REGION, {"sysadmin", "region_admin", "region_editor"}),
    (Action.EDITORIAL_EDIT, None, {"sysadmin"}),
    (Action.API_TOKEN_CREATE, None,
     {"sysadmin", "region_admin", "region_editor", "museum_curator", "developer"}),
    (Action.FOLLOW, REGION_DATASET,
     {"sysadmin", "region_admin", "region_editor", "museum_curator", "developer"}),
    (Action.API_TOKEN_REVOKE, OwnToken(),
     {"sysadmin", "region_admin", "region_editor", "museum_curator", "developer"}),
    (Action.API_TOKEN_REVOKE, OtherToken(), {"sysadmin"}),
    (Action.SITE_ADMIN, None, {"sysadmin"}),
    (Action.AUDIT_VIEW, None, {"sysadmin"}),
    (Action.REUSE_SUBMIT, None,
     {"sysadmin", "region_admin", "region_editor", "museum_curator", "developer"}),
    (Action.REUSE_MODERATE, None, {"sysadmin"}),
    (Action.REUSE_EDIT, OwnReuse(),
     {"sysadmin", "region_admin", "region_editor", "museum_curator", "developer"}),
    (Action.REUSE_EDIT, OtherReuse(), {"sysadmin"}),
    (Action.REUSE_EDIT, LoadedReuse(), {"sysadmin"}),
]


@pytest.mark.parametrize(("action", "target", "allowed"), MATRIX,
                         ids=[f"{a.value}-{getattr(t, 'slug', type(t).__name__)}"
                              for a, t, _ in MATRIX])
@pytest.mark.parametrize("who", list(PRINCIPALS))
def test_role_matrix(who: str, action: Action, target: object, allowed: set[str]) -> None:
    assert can(PRINCIPALS[who], action, target) is (who in allowed)


def test_every_action_appears_in_the_matrix() -> None:
    assert {action for action, _, _ in MATRIX} == set(Action)


def test_require_names_the_reason() -> None:
    with pytest.raises(NotAuthorized, match="not a member"):
        require(PRINCIPALS["region_editor"], Action.DATASET_EDIT, TOWN_DATASET)
    with pytest.raises(NotAuthorized, match="role editor"):
        require(PRINCIPALS["region_editor"], Action.DATASET_DELETE, REGION_DATASET)
    with pytest.raises(NotAuthorized, match="not signed in"):
        require(None, Action.FOLLOW)
    with pytest.raises(NotAuthorized, match="not verified"):
        require(PRINCIPALS["unverified"], Action.DATASET_EDIT, REGION_DATASET)
