"""ckanext-showcase's read actions on the CKAN-compatible Action API: the published reuses as
showcases (``ckanext_showcase_list``, ``ckanext_showcase_show``), a showcase's datasets and a
dataset's showcases."""

from __future__ import annotations

from typing import Any

from catalog import batches
from catalog.errors import NotFound
from catalog.reuses import queries
from catalog.reuses.ckan import reuse_id_of, showcase_dict
from catalog.reuses.models import Reuse
from portal.api import ckan_params as params
from portal.api.ckan import action, validation_error
from portal.api.ckan_actions import packages
from portal.state import db_session, state

LIST_MAX = 1000


def _showcases(reuses: list[Reuse]) -> list[dict[str, Any]]:
    counts = queries.dataset_counts(db_session(), [r.id or 0 for r in reuses])
    base = state().settings.base_url
    return [showcase_dict(r, counts[r.id or 0], f"{base}/reuses/{r.id}") for r in reuses]


def _showcase(key: str) -> Reuse:
    reuse_id = reuse_id_of(key)
    if reuse_id is None:
        raise NotFound("showcase", key)
    return queries.published_reuse(db_session(), reuse_id)


@action()
def ckanext_showcase_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Published reuses as showcases, newest first; limit (default and at most 1000),
    offset."""
    limit = (
        params.integer(data, "limit", LIST_MAX, minimum=1, maximum=LIST_MAX, clamp=True) or LIST_MAX
    )
    offset = params.integer(data, "offset", 0, maximum=1_000_000) or 0
    page = queries.published_page(db_session(), limit, offset=offset, count=False)
    return _showcases(page.items)


@action()
def ckanext_showcase_show(data: dict[str, Any]) -> dict[str, Any]:
    """A showcase by id or name (parameter id)."""
    return _showcases([_showcase(params.required_text(data, "id", "name_or_id"))])[0]


@action()
def ckanext_showcase_package_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The datasets a showcase uses (parameter showcase_id: its id or name)."""
    key = params.required_text(data, "showcase_id")
    try:
        reuse = _showcase(key)
    except NotFound:
        raise validation_error(showcase_id="Not found: Showcase") from None
    ids = [d.id or 0 for d in queries.datasets_of(db_session(), [reuse.id or 0])[reuse.id or 0]]
    return packages(batches.dataset_views(db_session(), ids))


@action()
def ckanext_package_showcase_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The showcases using a dataset (parameter package_id: its id or name)."""
    key = params.required_text(data, "package_id")
    dataset_id = queries.published_dataset_id(db_session(), key, numeric=True)
    if dataset_id is None:
        raise validation_error(package_id="Not found: Dataset")
    return _showcases(queries.for_dataset(db_session(), dataset_id, limit=LIST_MAX))
