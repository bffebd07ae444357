"""Map pages and map scripts: the Wi-Fi locations, a dataset's spatial coverage, an object's
place of production, and the map search of datasets by bounding box. Each page carries a
readable list; the map's script (folium) is served from its own URL."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext

from captive_portal.locations import list_locations
from catalog import queries
from catalog.errors import NotFound
from catalog.geo import BBox, datasets_in_bbox
from catalog.places import place_coordinates
from harvesters.previews import MapPreview, PreviewError
from portal.i18n import local_text
from portal.maps import Box, Place, Tiles, build_map, map_script
from portal.previews import load_preview, preview_kind
from portal.state import db_session, state
from portal.web.params import InvalidParameter

bp = Blueprint("maps", __name__)


def tiles() -> Tiles:
    settings = state().settings
    return Tiles(settings.map_tiles, settings.map_attribution)


def script_response(script: str) -> Response:
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def parse_bbox(raw: str | None) -> BBox | None:
    """``west,south,east,north`` in degrees; absent or empty: no box."""
    if not raw:
        return None
    parts = raw.split(",")
    try:
        if len(parts) != 4:
            raise ValueError("needs four numbers: west,south,east,north")
        numbers = [float(p) for p in parts]
        if any(n != n or n in (float("inf"), float("-inf")) for n in numbers):
            raise ValueError("numbers must be finite")
        return BBox(*numbers)
    except ValueError as exc:
        raise InvalidParameter("bbox", str(exc)) from None


def wifi_places() -> list[Place]:
    return [Place(loc.lat, loc.lon, str(local_text(loc.name)))
            for loc in list_locations(db_session())]


@bp.get("/maps/wifi.js")
def wifi_script() -> Response:
    return script_response(map_script(build_map("wifi", tiles(), places=wifi_places(),
                                                 zoom=13)))


@bp.get("/maps/datasets/<slug:slug>.js")
def dataset_script(slug: str) -> Response:
    d = queries.dataset_view(db_session(), slug).dataset
    if d.bbox_west is None or d.bbox_south is None or d.bbox_east is None \
            or d.bbox_north is None:
        raise NotFound("dataset coverage", slug)
    box = Box(d.bbox_west, d.bbox_south, d.bbox_east, d.bbox_north, str(local_text(d.title)))
    return script_response(map_script(build_map("coverage", tiles(), boxes=[box])))


@bp.get("/maps/objects/<int(min=1, max=2147483647):object_id>.js")
def object_script(object_id: int) -> Response:
    obj = queries.object_view(db_session(), object_id).object
    point = place_coordinates(obj.production_place)
    if point is None:
        raise NotFound("object place", object_id)
    place = Place(point[0], point[1], obj.production_place or "")
    return script_response(map_script(build_map("place", tiles(), places=[place], zoom=11)))


def search_boxes(box: BBox | None) -> list[Box]:
    return [Box(d.bbox_west or 0, d.bbox_south or 0, d.bbox_east or 0, d.bbox_north or 0,
                str(local_text(d.title))) for d in datasets_in_bbox(db_session(), box)]


def requested_bbox() -> BBox | None:
    """``?bbox=w,s,e,n`` (links, the map script) or the form's four fields."""
    corners = [request.args.get(name, "").strip() for name in ("west", "south", "east", "north")]
    if "bbox" not in request.args and any(corners):
        return parse_bbox(",".join(corners))
    return parse_bbox(request.args.get("bbox"))


def bbox_text(box: BBox | None) -> str:
    return "" if box is None else f"{box.west:g},{box.south:g},{box.east:g},{box.north:g}"


@bp.get("/maps/search.js")
def search_script() -> Response:
    box = requested_bbox()
    return script_response(map_script(build_map("search", tiles(), boxes=search_boxes(box))))


@bp.get("/map")
def search() -> str:
    box = requested_bbox()
    datasets = datasets_in_bbox(db_session(), box)
    return render_template("maps/search.html", box=box, datasets=datasets, bbox=bbox_text(box),
                           title=gettext("Datasets on the map"))


@bp.get("/maps/previews/<slug:slug>/<int(min=1, max=10000):number>.js")
def preview_script(slug: str, number: int) -> Response:
    view = queries.dataset_view(db_session(), slug)
    if number > len(view.distributions):
        raise NotFound("distribution", f"{slug}/{number}")
    dist = view.distributions[number - 1]
    if preview_kind(dist) != "geojson":
        raise NotFound("preview", f"{slug}/{number}")
    try:
        result = load_preview(state().settings, dist.download_url or dist.access_url, "geojson")
    except PreviewError:
        raise NotFound("preview", f"{slug}/{number}") from None
    assert isinstance(result, MapPreview)
    return script_response(map_script(build_map("preview", tiles(), geojson=result.geojson)))
