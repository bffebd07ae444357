"""The read actions of the CKAN-compatible API, each a thin call to the catalog's batch reads,
the search index and the pure CKAN conversions of ``catalog.ckan`` (``package_search`` is in
``ckan_search``)."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, gettext

from catalog import batches, ckan
from catalog import vocabularies as voc
from catalog.errors import NotFound
from catalog.models import Agent, AgentKind
from catalog.queries import DatasetView
from catalog.search.base import SearchQuery, Sort
from portal.api import ckan_params as params
from portal.api.ckan import ACTIONS, action, validation_error
from portal.state import db_session, state

ROWS_MAX = 1000
GROUP_LIST_MAX = 1000
ALL_FIELDS_MAX = 1000


def theme_titles() -> dict[str, str]:
    """Theme labels in the portal's default language (CKAN has one language per site)."""
    with force_locale(state().settings.default_locale):
        return {code: gettext(term.label) for code, term in voc.THEMES.items()}


def packages(views: list[DatasetView]) -> list[dict[str, Any]]:
    titles = theme_titles()
    return [ckan.package_dict(view, titles) for view in views]


# -- packages and resources -----------------------------------------------------------------

@action()
def package_show(data: dict[str, Any]) -> dict[str, Any]:
    """A dataset by id or name (parameter id)."""
    key = params.required_text(data, "id", "name_or_id")
    return packages([batches.dataset_by_key(db_session(), key)])[0]


@action()
def package_list(data: dict[str, Any]) -> list[str]:
    """Names of the published datasets in name order; limit, offset."""
    limit = params.integer(data, "limit", None, maximum=1_000_000)
    offset = params.integer(data, "offset", 0, maximum=10_000_000) or 0
    return batches.dataset_names(db_session(), limit, offset)


@action()
def current_package_list_with_resources(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Datasets with their resources, most recently modified first; limit (default 10, at most
    1000), offset."""
    limit = params.integer(data, "limit", 10, minimum=1, maximum=ROWS_MAX, clamp=True) or 10
    offset = params.integer(data, "offset", 0, maximum=10_000_000) or 0
    session = db_session()
    page = batches.newest_datasets_page(session, limit, offset=offset, count=False)
    return packages(batches.dataset_views(session, page.ids))


@action()
def resource_show(data: dict[str, Any]) -> dict[str, Any]:
    """A resource (distribution) by id."""
    key = params.required_text(data, "id")
    if not key.isdigit() or len(key) > 9:
        raise NotFound("resource", key)
    dist, dataset = batches.distribution_by_id(db_session(), int(key))
    return ckan.resource_dict(dist, dataset.id or 0, dataset.created_at, dataset.updated_at)


# -- organizations, groups, tags, licences ---------------------------------------------------

def _sorted_listing(items: list[dict[str, Any]], data: dict[str, Any]) -> list[dict[str, Any]]:
    sort = " ".join(params.text(data, "sort", "title asc").split()).lower() or "title asc"
    field, _, direction = sort.partition(" ")
    direction = direction or "asc"
    if field not in ("name", "title", "package_count") or direction not in ("asc", "desc"):
        raise validation_error(sort="Allowed sort fields are name, title and package_count, "
                               "each asc or desc")
    items.sort(key=lambda item: (item[field] if field == "package_count"
                                 else str(item[field]).casefold()), reverse=direction == "desc")
    return items


def _page(items: list[dict[str, Any]], data: dict[str, Any], all_fields: bool) -> list[Any]:
    limit = params.integer(data, "limit", ALL_FIELDS_MAX if all_fields else GROUP_LIST_MAX,
                           maximum=ALL_FIELDS_MAX if all_fields else GROUP_LIST_MAX, clamp=True)
    offset = params.integer(data, "offset", 0, maximum=1_000_000) or 0
    chosen = items[offset:offset + (limit or 0)]
    return chosen if all_fields else [item["name"] for item in chosen]


@action()
def organization_list(data: dict[str, Any]) -> list[Any]:
    """Publishers: names, or dicts with package_count when all_fields is true; sort (name,
    title, package_count; asc or desc), limit, offset, organizations (names to keep)."""
    all_fields = params.boolean(data, "all_fields", False)
    wanted = set(params.string_list(data, "organizations", maximum=1000))
    items = [ckan.organization_dict(agent, package_count=count)
             for agent, count in batches.agents_with_counts(db_session(), AgentKind.PUBLISHER)
             if not wanted or agent.slug in wanted]
    return _page(_sorted_listing(items, data), data, all_fields)


def _organization(key: str) -> tuple[Agent, int]:
    for agent, count in batches.agents_with_counts(db_session(), AgentKind.PUBLISHER):
        if key in (agent.slug, str(agent.id)):
            return agent, count
    raise NotFound("organization", key)


@action()
def organization_show(data: dict[str, Any]) -> dict[str, Any]:
    """A publisher by id or name; include_datasets adds its 10 newest datasets (use
    package_search with fq=organization:<name> for all of them)."""
    agent, count = _organization(params.required_text(data, "id"))
    result = ckan.organization_dict(agent, package_count=count)
    if params.boolean(data, "include_datasets", False):
        session = db_session()
        page = batches.newest_datasets_page(session, 10, publisher_ids=[agent.id or 0],
                                            count=False)
        result["packages"] = packages(batches.dataset_views(session, page.ids))
    return result


def _theme_counts() -> dict[str, int]:
    result = state().search.search(SearchQuery(kinds=("dataset",), facets=("theme",), limit=0))
    return {count.value: count.count for count in result.facets.get("theme", [])}


@action()
def group_list(data: dict[str, Any]) -> list[Any]:
    """Themes (EU data themes) as groups: names, or dicts with package_count when all_fields
    is true; sort, limit, offset."""
    all_fields = params.boolean(data, "all_fields", False)
    counts, titles = _theme_counts(), theme_titles()
    wanted = {name.lower() for name in params.string_list(data, "groups", maximum=100)}
    items = [ckan.group_dict(code, titles[code], package_count=counts.get(code, 0))
             for code in voc.THEMES if not wanted or ckan.group_name(code) in wanted]
    return _page(_sorted_listing(items, data), data, all_fields)


@action()
def group_show(data: dict[str, Any]) -> dict[str, Any]:
    """A theme by name (tran, envi, ...); include_datasets adds 10 of its newest datasets."""
    key = params.required_text(data, "id")
    code = ckan.theme_from_group(key)
    if code is None:
        raise NotFound("group", key)
    result = ckan.group_dict(code, theme_titles()[code],
                             package_count=_theme_counts().get(code, 0))
    if params.boolean(data, "include_datasets", False):
        found = state().search.search(SearchQuery(kinds=("dataset",), sort=Sort.NEWEST,
                                                   filters={"theme": (code,)}, limit=10))
        result["packages"] = packages(batches.dataset_views(db_session(),
                                                            [h.id for h in found.hits]))
    return result


@action()
def tag_list(data: dict[str, Any]) -> list[Any]:
    """Keywords (Czech) of the published datasets; query (or q) keeps those containing it;
    all_fields returns tag dicts."""
    query = (params.text(data, "query") or params.text(data, "q")).casefold().strip()
    if params.text(data, "vocabulary_id"):
        return []
    words = [w for w in batches.dataset_keywords(state().engine)
             if not query or query in w.casefold()]
    if params.boolean(data, "all_fields", False):
        return [{"id": w, "name": w, "display_name": w, "vocabulary_id": None,
                 "state": "active"} for w in words]
    return words


@action()
def license_list(_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The licences datasets here may carry."""
    return [ckan.licence_dict(code) for code in voc.LICENCES]


# -- site ------------------------------------------------------------------------------------

@action()
def status_show(_data: dict[str, Any]) -> dict[str, Any]:
    """The site: title, URL, default language; ckan_version is the CKAN API level this portal
    imitates (it is not CKAN)."""
    settings = state().settings
    with force_locale(settings.default_locale):
        title = gettext("Liberec Region open data")
        description = gettext("Open data and information portal of the Liberec Region.")
    return {"site_title": title, "site_description": description, "site_url": settings.base_url,
            "error_emails_to": None, "locale_default": settings.default_locale,
            "extensions": ["liberec-portal", "showcase"], "ckan_version": "2.11.0"}


@action()
def site_read(_data: dict[str, Any]) -> bool:
    """Whether the site may be read (always true)."""
    return True


@action()
def help_show(data: dict[str, Any]) -> str:
    """The documentation of an action (parameter name)."""
    name = params.required_text(data, "name")
    found = ACTIONS.get(name)
    if found is None:
        raise NotFound("action", name)
    return found.doc
