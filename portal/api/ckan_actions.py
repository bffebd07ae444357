"""The read actions of the CKAN-compatible API, each a thin call to the catalog's batch reads,
the search index and the pure CKAN conversions of ``catalog.ckan``."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, gettext
from sqlmodel import select

from catalog import batches, ckan
from catalog import vocabularies as voc
from catalog.ckan_query import SearchQueryError, looks_like_field_query, parse_filter
from catalog.errors import NotFound
from catalog.models import Agent, AgentKind
from catalog.queries import DatasetView, agents_by_slug
from catalog.search.base import SearchQuery, SearchResult, Sort
from portal.api import ckan_params as params
from portal.api.ckan import ACTIONS, action, validation_error
from portal.state import db_session, state

ROWS_MAX = 1000
DEFAULT_SORT = "score desc, metadata_modified desc"
SORTS = {
    "score desc, metadata_modified desc": Sort.RELEVANCE,
    "rank": Sort.RELEVANCE,
    "score desc": Sort.RELEVANCE,
    "metadata_modified desc": Sort.NEWEST,
    "title_string asc": Sort.TITLE,
    "name asc": Sort.TITLE,
}
# Filters every dataset here satisfies (CKAN clients and harvesters send them).
ALWAYS_TRUE = {"dataset_type": "dataset", "capacity": "public", "state": "active"}
GROUP_LIST_MAX = 1000
ALL_FIELDS_MAX = 1000


def theme_titles() -> dict[str, str]:
    """Theme labels in the portal's default language (CKAN has one language per site)."""
    with force_locale(state().settings.default_locale):
        return {code: gettext(term.label) for code, term in voc.THEMES.items()}


def packages(views: list[DatasetView]) -> list[dict[str, Any]]:
    titles = theme_titles()
    return [ckan.package_dict(view, titles) for view in views]


# -- package_search -------------------------------------------------------------------------

def _format_code(value: str) -> str:
    wanted = value.casefold()
    for code, term in voc.FILE_TYPES.items():
        if wanted in (code.casefold(), term.label.casefold()):
            return code
    return value


def _filters(clauses_text: list[str]) -> tuple[dict[str, tuple[str, ...]], bool]:
    """Index filters of the ``fq`` strings, and whether a clause excludes everything."""
    filters: dict[str, tuple[str, ...]] = {}
    impossible = False
    publishers_by_id: dict[str, str] | None = None
    for text in clauses_text:
        for clause in parse_filter(text):
            field, values = clause.field, clause.values
            if field in ALWAYS_TRUE:
                impossible |= ALWAYS_TRUE[field] not in values
                continue
            if field == "site_id":
                continue
            if field == "owner_org":
                if publishers_by_id is None:
                    publishers_by_id = {str(a.id): a.slug for a in db_session().exec(
                        select(Agent).where(Agent.kind == AgentKind.PUBLISHER))}
                field = "organization"
                values = tuple(publishers_by_id.get(v, "\x00none") for v in values)
            facet = ckan.CKAN_FACETS.get(field)
            if facet is None:
                supported = ", ".join(sorted([*ckan.CKAN_FACETS, "owner_org", *ALWAYS_TRUE]))
                raise SearchQueryError(f"unknown field {field!r}; filter on {supported}")
            if facet == "theme":
                values = tuple(v.upper() for v in values)
            elif facet == "format":
                values = tuple(_format_code(v) for v in values)
            elif facet == "keyword":
                values = tuple(v.casefold() for v in values)
            if facet in filters and set(filters[facet]) != set(values):
                raise SearchQueryError(f"{field} is filtered twice; give its values once as "
                                       f"{field}:(a OR b)")
            filters[facet] = values
    return filters, impossible


def _facet_fields(data: dict[str, Any]) -> list[str]:
    fields = params.string_list(data, "facet.field", maximum=10)
    unknown = [f for f in fields if f not in ckan.CKAN_FACETS]
    if unknown:
        raise SearchQueryError(f"unknown facet field {unknown[0]!r}; use "
                               + ", ".join(ckan.CKAN_FACETS))
    return list(dict.fromkeys(fields))


def _facet_display(field: str, value: str, titles: dict[str, str],
                   publishers: dict[str, Agent]) -> tuple[str, str]:
    """(CKAN facet value, display name) of an index facet value."""
    if field == "groups":
        return ckan.group_name(value), titles.get(value, value)
    if field == "res_format":
        label = voc.FILE_TYPES[value].label if value in voc.FILE_TYPES else value
        return label, label
    if field == "license_id":
        return value, voc.LICENCES[value].label if value in voc.LICENCES else value
    if field == "organization":
        agent = publishers.get(value)
        return value, ckan.cs_text(agent.name) if agent else value
    return value, value


def _search_facets(result: SearchResult, fields: list[str], limit: int | None
                   ) -> tuple[dict[str, dict[str, int]], dict[str, Any]]:
    titles = theme_titles()
    slugs = [c.value for c in result.facets.get("publisher", [])]
    publishers = agents_by_slug(db_session(), slugs)
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for field in fields:
        counts = result.facets.get(ckan.CKAN_FACETS[field], [])
        if limit is not None:
            counts = counts[:limit]
        items = []
        for count in counts:
            name, display = _facet_display(field, count.value, titles, publishers)
            items.append({"name": name, "display_name": display, "count": count.count})
        facets[field] = {item["name"]: item["count"] for item in items}
        items.sort(key=lambda item: item["display_name"], reverse=True)
        search_facets[field] = {"title": field, "items": items}
    return facets, search_facets


@action()
def package_search(data: dict[str, Any]) -> dict[str, Any]:
    """Search datasets: q, fq, fq_list, facet.field, facet.limit, rows (at most 1000), start,
    sort (score desc, metadata_modified desc | metadata_modified desc | name asc |
    title_string asc). fq understands organization, owner_org, groups, tags, res_format and
    license_id as field:value, field:"value" or field:(a OR b), joined by AND."""
    q = params.text(data, "q").strip()
    fq_texts = [params.text(data, "fq"), *params.string_list(data, "fq_list", maximum=20)]
    if q in ("*:*", "*"):
        q = ""
    elif looks_like_field_query(q):
        fq_texts.append(q)
        q = ""
    rows = params.integer(data, "rows", 10, maximum=ROWS_MAX, clamp=True) or 0
    start = params.integer(data, "start", 0, maximum=1_000_000) or 0
    sort_text = " ".join(params.text(data, "sort", DEFAULT_SORT).split()) or DEFAULT_SORT
    if sort_text not in SORTS:
        raise SearchQueryError(f"sort {sort_text[:80]!r} is not supported; use one of "
                               + " | ".join(SORTS))
    sort = SORTS[sort_text]
    want_facets = params.boolean(data, "facet", True)
    facet_fields = _facet_fields(data) if want_facets else []
    facet_limit = params.integer(data, "facet.limit", 50, minimum=-1, maximum=1000)
    facet_limit = None if facet_limit in (-1, None) else facet_limit
    filters, impossible = _filters([t for t in fq_texts if t.strip()])
    empty: dict[str, Any] = {"count": 0, "results": [], "sort": sort_text, "facets": {},
                             "search_facets": {}}
    if impossible:
        return empty
    session = db_session()
    if not q and not facet_fields and set(filters) <= {"publisher"} and sort is not Sort.TITLE:
        # A plain listing, newest first: the database's (state, updated_at) index answers it
        # without walking the whole search index.
        publisher_ids = []
        if filters:
            publisher_ids = [a.id or 0 for a in batches_agents(filters["publisher"])]
            if not publisher_ids:
                return empty
        page = batches.newest_datasets_page(session, rows, offset=start,
                                            publisher_ids=publisher_ids)
        return {**empty, "count": page.total,
                "results": packages(batches.dataset_views(session, page.ids))}
    result = state().search.search(SearchQuery(
        text=q, kinds=("dataset",), filters=filters,
        facets=tuple(ckan.CKAN_FACETS[f] for f in facet_fields), sort=sort, offset=start,
        limit=rows))
    views = batches.dataset_views(session, [hit.id for hit in result.hits])
    facets, search_facets = _search_facets(result, facet_fields, facet_limit)
    return {"count": result.total, "results": packages(views), "sort": sort_text,
            "facets": facets, "search_facets": search_facets}


def batches_agents(slugs: tuple[str, ...]) -> list[Agent]:
    found = agents_by_slug(db_session(), slugs)
    return [agent for agent in found.values() if agent.kind == AgentKind.PUBLISHER]


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
