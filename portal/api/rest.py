"""REST JSON API v1 under ``/api/v1/``: datasets, distributions, publishers, themes, collection
objects, institutions, Wi-Fi locations and search, with cursor pagination, ETags and RFC 9457
errors. Each operation is declared once and becomes a route and a part of the OpenAPI document.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, get_args
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import force_locale, gettext

from captive_portal.locations import get_location, list_locations
from catalog import batches
from catalog import vocabularies as voc
from catalog.errors import NotFound
from catalog.models import AgentKind
from catalog.queries import agents_by_slug
from catalog.search.base import Hit, SearchQuery, SearchResult, SearchUnavailable, Sort
from portal.api import rest_models as m
from portal.api import rest_records as records
from portal.api.openapi import ApiRegistry, PathParam
from portal.api.problems import Problem, invalid_parameter
from portal.api.render_cache import rendered_datasets
from portal.i18n import LOCALES
from portal.state import db_session, state

bp = Blueprint("rest_api", __name__, url_prefix="/api/v1")
api = ApiRegistry(bp, title="Liberec Region open data: REST API", version="1.0.0",
                  description="Datasets (DCAT-AP 3), their distributions, publishers, themes, "
                              "museum collection objects, institutions and Wi-Fi locations of "
                              "the Liberec Region portal. Read-only, no key needed; every "
                              "listing is paged by cursor (follow `next`).",
                  problem_model=m.Problem)
SLUG = PathParam("slug", {"type": "string", "pattern": m.SLUG_PATTERN, "maxLength": 120},
                 "slug")
ID = PathParam("id", {"type": "integer", "minimum": 1, "maximum": 2147483647},
               "int(min=1, max=2147483647)")
THEME = PathParam("code", {"type": "string", "enum": list(voc.THEMES)}, "string")
DATASET_FACETS = ("theme", "publisher", "format", "licence", "keyword")
OBJECT_FACETS = ("institution", "object_type")
MAX_OFFSET = 1_000_000


# -- cursors and pages ------------------------------------------------------------------------

def encode_cursor(value: dict[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: str) -> Any:
    """The position a cursor of ``kind`` holds, or None without a cursor."""
    if cursor is None:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or kind not in data:
        raise invalid_parameter("cursor", "not a cursor of this listing; follow the next link")
    return data[kind]


def _offset(cursor: str | None) -> int:
    offset = decode_cursor(cursor, "o")
    if offset is None:
        return 0
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 < offset <= MAX_OFFSET:
        raise invalid_parameter("cursor", "not a cursor of this listing; follow the next link")
    return offset


def _after(cursor: str | None, kind: str, expected: type) -> Any:
    value = decode_cursor(cursor, kind)
    if value is not None and (not isinstance(value, expected) or isinstance(value, bool)):
        raise invalid_parameter("cursor", "not a cursor of this listing; follow the next link")
    return value


def time_key(cursor: str | None, kind: str) -> tuple[datetime, int] | None:
    """The (timestamp, id) position a keyset cursor of ``kind`` holds, or None without one."""
    after = _after(cursor, kind, list)
    if after is None:
        return None
    try:
        return datetime.fromisoformat(str(after[0])), int(after[1])
    except (ValueError, TypeError, IndexError):
        raise invalid_parameter("cursor", "not a cursor of this listing") from None


def next_url(cursor: dict[str, Any] | None) -> str | None:
    """This request's URL with the cursor of the next page (None: this is the last page)."""
    if cursor is None:
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    args.append(("cursor", encode_cursor(cursor)))
    return f"{state().settings.base_url}{request.path}?{urlencode(args)}"


def _base() -> str:
    return state().settings.base_url


def _search(query: SearchQuery) -> SearchResult:
    try:
        return state().search.search(query)
    except SearchUnavailable:
        raise Problem(503, "Search unavailable",
                      "The search index cannot answer now; try again later.") from None


def _filters(params: Any, names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    filters = {}
    for name in names:
        values = tuple(dict.fromkeys(getattr(params, name, []) or []))
        if name in ("keyword", "object_type"):
            values = tuple(v.casefold() for v in values)
        if values:
            filters[name] = values
    return filters


# -- datasets and distributions ---------------------------------------------------------------

def _datasets(ids: list[int]) -> list[m.Dataset]:
    base = _base()
    return rendered_datasets("rest", ids,
                             lambda views: [records.dataset(v, base) for v in views])


@api.operation("/datasets", operation_id="listDatasets", summary="List or search datasets",
               tag="datasets", query=m.DatasetQuery, response=m.DatasetPage)
def list_datasets(params: m.DatasetQuery) -> m.DatasetPage:
    """Published datasets, newest change first; with `q` or filters (as on the search page:
    theme, publisher, format, licence, keyword; repeat a filter to allow several values) they
    come from the search index, ranked by relevance when `q` is given."""
    session, text = db_session(), (params.q or "").strip()
    filters = _filters(params, DATASET_FACETS)
    sort = params.sort or (Sort.RELEVANCE if text else Sort.NEWEST)
    if not text and set(filters) <= {"publisher"} and sort is Sort.NEWEST:
        key = time_key(params.cursor, "t")
        publishers = []
        if "publisher" in filters:
            found = agents_by_slug(session, filters["publisher"])
            publishers = [a for a in found.values() if a.kind == AgentKind.PUBLISHER]
            if not publishers:
                return m.DatasetPage(items=[], total=0, limit=params.limit, next=None)
        page = batches.newest_datasets_page(session, params.limit, after=key, count=False,
                                            publisher_ids=[a.id or 0 for a in publishers])
        cursor = {"t": [page.next_key[0].isoformat(), page.next_key[1]]} \
            if page.next_key else None
        total = batches.datasets_total(session, state().search, publishers)
        return m.DatasetPage(items=_datasets(page.ids), total=total, limit=params.limit,
                             next=next_url(cursor))
    offset = _offset(params.cursor)
    result = _search(SearchQuery(text=text, kinds=("dataset",), filters=filters, sort=sort,
                                 offset=offset, limit=params.limit, snippets=False))
    end = offset + params.limit
    return m.DatasetPage(items=_datasets([hit.id for hit in result.hits]),
                         total=result.total, limit=params.limit,
                         next=next_url({"o": end} if end < result.total else None))


@api.operation("/datasets/{slug}", operation_id="getDataset", summary="A dataset",
               tag="datasets", response=m.Dataset, path_params=(SLUG,), errors=(404,))
def get_dataset(slug: str) -> m.Dataset:
    """A published dataset with its distributions."""
    return records.dataset(batches.dataset_by_key(db_session(), slug), _base())


@api.operation("/distributions", operation_id="listDistributions",
               summary="List distributions", tag="datasets", query=m.Query,
               response=m.DistributionPage)
def list_distributions(params: m.Query) -> m.DistributionPage:
    """Distributions of published datasets, by id."""
    after = _after(params.cursor, "i", int) or 0
    rows, total, more = batches.distribution_page(db_session(), params.limit, after)
    return m.DistributionPage(
        items=[records.distribution(dist, slug, _base()) for dist, slug in rows], total=total,
        limit=params.limit, next=next_url({"i": rows[-1][0].id} if more and rows else None))


@api.operation("/distributions/{id}", operation_id="getDistribution",
               summary="A distribution", tag="datasets", response=m.Distribution,
               path_params=(ID,), errors=(404,))
def get_distribution(id: int) -> m.Distribution:  # noqa: A002 - the path parameter's name
    """A distribution of a published dataset."""
    dist, dataset = batches.distribution_by_id(db_session(), id)
    return records.distribution(dist, dataset.slug, _base())


# -- publishers, institutions, themes ---------------------------------------------------------

def _agent_page(kind: AgentKind, params: m.Query) -> m.AgentPage:
    after = _after(params.cursor, "s", str)
    agents = batches.agents_with_counts(db_session(), kind)
    chosen = [(a, n) for a, n in agents if after is None or a.slug > after]
    page = chosen[:params.limit]
    more = len(chosen) > params.limit
    return m.AgentPage(items=[records.agent(a, n, _base()) for a, n in page], total=len(agents),
                       limit=params.limit,
                       next=next_url({"s": page[-1][0].slug} if more and page else None))


def _agent(kind: AgentKind, slug: str) -> m.Agent:
    for agent, count in batches.agents_with_counts(db_session(), kind):
        if agent.slug == slug:
            return records.agent(agent, count, _base())
    raise NotFound(kind.value, slug)


@api.operation("/publishers", operation_id="listPublishers", summary="List publishers",
               tag="publishers", query=m.Query, response=m.AgentPage)
def list_publishers(params: m.Query) -> m.AgentPage:
    """Publishers of datasets by slug, with how many datasets each has published."""
    return _agent_page(AgentKind.PUBLISHER, params)


@api.operation("/publishers/{slug}", operation_id="getPublisher", summary="A publisher",
               tag="publishers", response=m.Agent, path_params=(SLUG,), errors=(404,))
def get_publisher(slug: str) -> m.Agent:
    """A publisher (list its datasets with /datasets?publisher=<slug>)."""
    return _agent(AgentKind.PUBLISHER, slug)


@api.operation("/institutions", operation_id="listInstitutions",
               summary="List museums and galleries", tag="collections", query=m.Query,
               response=m.AgentPage)
def list_institutions(params: m.Query) -> m.AgentPage:
    """Institutions holding collection objects, with how many objects each has published."""
    return _agent_page(AgentKind.INSTITUTION, params)


@api.operation("/institutions/{slug}", operation_id="getInstitution",
               summary="A museum or gallery", tag="collections", response=m.Agent,
               path_params=(SLUG,), errors=(404,))
def get_institution(slug: str) -> m.Agent:
    """An institution (list its objects with /objects?institution=<slug>)."""
    return _agent(AgentKind.INSTITUTION, slug)


def _theme_models() -> list[m.Theme]:
    result = _search(SearchQuery(kinds=("dataset",), facets=("theme",), limit=0))
    counts = {c.value: c.count for c in result.facets.get("theme", [])}
    labels: dict[str, dict[str, str]] = {code: {} for code in voc.THEMES}
    for lang in LOCALES:
        with force_locale(lang):
            for code, term in voc.THEMES.items():
                labels[code][lang] = gettext(term.label)
    return [m.Theme(code=code, iri=term.iri, label=records.texts(labels[code]),
                    count=counts.get(code, 0),
                    links=records.links(_base(), f"themes/{code}", f"themes/{code}"))
            for code, term in voc.THEMES.items()]


@api.operation("/themes", operation_id="listThemes", summary="List themes", tag="themes",
               query=m.Query, response=m.ThemePage)
def list_themes(params: m.Query) -> m.ThemePage:
    """The EU data themes with how many datasets each has."""
    after = _after(params.cursor, "s", str)
    themes = [t for t in _theme_models() if after is None or t.code > after]
    page = themes[:params.limit]
    more = len(themes) > params.limit
    return m.ThemePage(items=page, total=len(voc.THEMES), limit=params.limit,
                       next=next_url({"s": page[-1].code} if more and page else None))


@api.operation("/themes/{code}", operation_id="getTheme", summary="A theme", tag="themes",
               response=m.Theme, path_params=(THEME,), errors=(404,))
def get_theme(code: str) -> m.Theme:
    """A theme (list its datasets with /datasets?theme=<code>)."""
    for theme in _theme_models():
        if theme.code == code:
            return theme
    raise NotFound("theme", code)


# -- collection objects -----------------------------------------------------------------------

@api.operation("/objects", operation_id="listObjects",
               summary="List or search collection objects", tag="collections",
               query=m.ObjectQuery, response=m.ObjectPage)
def list_objects(params: m.ObjectQuery) -> m.ObjectPage:
    """Published museum collection objects by id; with `q` or filters (institution,
    object_type) they come from the search index."""
    session, text = db_session(), (params.q or "").strip()
    filters = _filters(params, OBJECT_FACETS)
    if not text and not filters and params.sort is None:
        after = _after(params.cursor, "i", int) or 0
        page = batches.object_id_page(session, params.limit, after)
        views = batches.object_views(session, page.ids)
        return m.ObjectPage(items=[records.collection_object(v, _base()) for v in views],
                            total=page.total, limit=params.limit,
                            next=next_url({"i": page.ids[-1]} if page.more else None))
    offset = _offset(params.cursor)
    sort = params.sort or (Sort.RELEVANCE if text else Sort.NEWEST)
    result = _search(SearchQuery(text=text, kinds=("object",), filters=filters, sort=sort,
                                 offset=offset, limit=params.limit, snippets=False))
    views = batches.object_views(session, [hit.id for hit in result.hits])
    end = offset + params.limit
    return m.ObjectPage(items=[records.collection_object(v, _base()) for v in views],
                        total=result.total, limit=params.limit,
                        next=next_url({"o": end} if end < result.total else None))


@api.operation("/objects/{id}", operation_id="getObject", summary="A collection object",
               tag="collections", response=m.CollectionObject, path_params=(ID,),
               errors=(404,))
def get_object(id: int) -> m.CollectionObject:  # noqa: A002 - the path parameter's name
    """A published collection object with its institution."""
    views = batches.object_views(db_session(), [id])
    if not views:
        raise NotFound("object", id)
    return records.collection_object(views[0], _base())


# -- Wi-Fi locations --------------------------------------------------------------------------

def _location(location: Any) -> m.WifiLocation:
    return m.WifiLocation(slug=location.slug, name=records.texts(location.name),
                          kind=location.kind, lat=location.lat, lon=location.lon,
                          municipality=location.municipality, stop_ids=list(location.stop_ids),
                          welcome=records.texts(location.welcome),
                          links=records.links(_base(), f"wifi-locations/{location.slug}",
                                              f"wifi/{location.slug}"))


@api.operation("/wifi-locations", operation_id="listWifiLocations",
               summary="List Wi-Fi locations", tag="wifi", query=m.Query,
               response=m.WifiLocationPage)
def list_wifi_locations(params: m.Query) -> m.WifiLocationPage:
    """Places of the regional public Wi-Fi, by slug."""
    after = _after(params.cursor, "s", str)
    locations = list(list_locations(db_session()))
    chosen = [loc for loc in locations if after is None or loc.slug > after]
    page = chosen[:params.limit]
    more = len(chosen) > params.limit
    return m.WifiLocationPage(items=[_location(loc) for loc in page], total=len(locations),
                              limit=params.limit,
                              next=next_url({"s": page[-1].slug} if more and page else None))


@api.operation("/wifi-locations/{slug}", operation_id="getWifiLocation",
               summary="A Wi-Fi location", tag="wifi", response=m.WifiLocation,
               path_params=(SLUG,), errors=(404,))
def get_wifi_location(slug: str) -> m.WifiLocation:
    """One Wi-Fi location."""
    return _location(get_location(db_session(), slug))


# -- search -----------------------------------------------------------------------------------

def _hit_path(hit: Hit) -> tuple[m.HitKind, str]:
    """A search hit's kind as the API names it, and the path of its record in the API."""
    if hit.kind == "dataset":
        return "dataset", f"datasets/{hit.url_key}"
    if hit.kind == "object":
        return "object", f"objects/{hit.id}"
    if hit.kind == "reuse":
        return "reuse", f"reuses/{hit.id}"
    raise ValueError(f"no API records of kind {hit.kind!r}")  # only the kinds asked for come back


@api.operation("/search", operation_id="search",
               summary="Search datasets, objects and reuses", tag="search",
               query=m.SearchQueryParams, response=m.SearchPage)
def search(params: m.SearchQueryParams) -> m.SearchPage:
    """One search over datasets, collection objects and published reuses, with facet counts,
    as on /search."""
    text = (params.q or "").strip()
    kinds = (params.kind,) if params.kind else get_args(m.HitKind)
    filters = _filters(params, DATASET_FACETS + OBJECT_FACETS)
    facets = (DATASET_FACETS if "dataset" in kinds else ()) + (
        OBJECT_FACETS if "object" in kinds else ())
    offset = _offset(params.cursor)
    sort = params.sort or (Sort.RELEVANCE if text else Sort.NEWEST)
    result = _search(SearchQuery(text=text, kinds=kinds, filters=filters, facets=facets,
                                 sort=sort, offset=offset, limit=params.limit))
    base = _base()
    items = []
    for hit in result.hits:
        kind, api_path = _hit_path(hit)
        items.append(m.SearchHit(kind=kind, id=hit.url_key, title=records.texts(hit.title),
                                 description=records.texts(hit.description),
                                 snippet=hit.snippet,
                                 links=records.links(base, api_path, api_path)))
    end = offset + params.limit
    return m.SearchPage(items=items, total=result.total, limit=params.limit,
                        next=next_url({"o": end} if end < result.total else None),
                        kinds=dict(result.kind_counts),
                        facets={name: [m.FacetValue(value=c.value, count=c.count)
                                       for c in counts]
                                for name, counts in result.facets.items()})


# -- the OpenAPI document and its page --------------------------------------------------------

def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of this app (built once per app)."""
    cache = current_app.extensions.setdefault("rest_api_openapi", {})
    if "document" not in cache:
        cache["document"] = api.document(f"{_base()}/api/v1")
    document: dict[str, Any] = cache["document"]
    return document


@bp.get("/openapi.json")
def openapi_json() -> Response:
    response = jsonify(openapi_document())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/docs")
def docs() -> str:
    return render_template("api/docs.html", document=openapi_document())


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
