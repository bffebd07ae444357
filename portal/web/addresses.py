"""Addresses: the previous regional portal's dataset URLs redirected for good, and the sitemap
(an index of files of at most SITEMAP_SIZE addresses each, so it scales to 10^6 objects)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response as BaseResponse

from catalog import vocabularies as voc
from catalog.aliases import arcgis_target
from catalog.errors import NotFound
from catalog.sitemap import KINDS, SITEMAP_SIZE, count_published, published_keys
from portal.state import db_session, state

bp = Blueprint("addresses", __name__)


class ArcgisKeyConverter(BaseConverter):
    """``<ArcGIS item id>_<layer>`` as in datalk.cz's dataset URLs."""

    regex = r"[0-9a-f]{32}_[0-9]{1,4}"


bp.record_once(lambda setup: setup.app.url_map.converters.setdefault("arcgis",
                                                                     ArcgisKeyConverter))


@bp.get("/datasets/<arcgis:key>")
def arcgis_dataset(key: str) -> BaseResponse:
    slug = arcgis_target(db_session(), key)
    if slug is None:
        raise NotFound("dataset", key)
    return redirect(url_for("datasets.detail", slug=slug), 301)


def xml(body: str | Iterator[str]) -> Response:
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def absolute(endpoint: str, **values: object) -> str:
    return state().settings.base_url + url_for(endpoint, **values)


@bp.get("/sitemap.xml")
def sitemap_index() -> Response:
    session = db_session()
    files = [absolute("addresses.sitemap_pages")]
    for kind in KINDS:
        pages = -(-count_published(session, kind) // SITEMAP_SIZE)
        files += [absolute("addresses.sitemap_part", kind=kind, page=n)
                  for n in range(1, pages + 1)]
    return xml(render_template("addresses/sitemap_index.xml", files=files))


@bp.get("/sitemaps/pages.xml")
def sitemap_pages() -> Response:
    urls = [absolute(e) for e in ("home.index", "search.datasets", "search.objects",
                                  "wifi.index", "maps.search", "reuses.listing", "pages.about",
                                  "pages.accessibility")]
    urls += [absolute("search.theme", code=code) for code in voc.THEMES]
    return xml(render_template("addresses/urlset.xml", urls=urls))


@bp.get("/sitemaps/<any(datasets, objects, publishers, institutions, reuses):kind>"
        "-<int(min=1):page>.xml")
def sitemap_part(kind: str, page: int) -> Response:
    keys = list(published_keys(db_session(), kind, page))
    if not keys:
        abort(404)
    endpoint = {"datasets": "datasets.detail", "objects": "objects.detail",
                "publishers": "search.publisher", "institutions": "search.institution",
                "reuses": "reuses.detail"}[kind]
    name = {"objects": "object_id", "reuses": "reuse_id"}.get(kind, "slug")
    base = state().settings.base_url
    urls = (base + url_for(endpoint, **{name: key}) for key in keys)
    return xml(render_template("addresses/urlset.xml", urls=urls))
