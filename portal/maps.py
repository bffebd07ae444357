"""Maps drawn with folium (Leaflet): Leaflet's files come from our own static folder, the tiles
and their attribution from configuration (none: markers on a plain background). A map's script
is served as a separate file so the Content-Security-Policy needs no inline script; every map is
accompanied on its page by a readable list of the same places."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import folium

LEAFLET_JS = "/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/static/vendor/leaflet/leaflet.css"
# The region's extent, for maps without places.
REGION_BOUNDS = ((50.52, 14.40), (51.02, 15.62))
BRAND = "#0a5c8a"


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float
    label: str = ""


@dataclass(frozen=True)
class Tiles:
    url: str | None
    attribution: str


def _tooltip(text: str) -> str:
    # folium puts tooltip text into a JavaScript template literal as HTML: escape both.
    return html.escape(text).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def build_map(map_id: str, tiles: Tiles, *, places: list[Place] = (),  # type: ignore[assignment]
              boxes: list[Box] = (), geojson: dict | None = None,  # type: ignore[assignment]
              zoom: int = 12) -> folium.Map:
    """A folium map named ``map_<map_id>`` showing ``places``, ``boxes`` and ``geojson``,
    fitted to them (else to the region)."""
    fmap = folium.Map(tiles=None, zoom_start=zoom, control_scale=True, prefer_canvas=False)
    fmap._id = map_id
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    if tiles.url:
        folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name="base",
                         max_zoom=19).add_to(fmap)
    points: list[tuple[float, float]] = []
    for place in places:
        folium.CircleMarker([place.lat, place.lon], radius=7, color=BRAND, weight=2, fill=True,
                            fill_color=BRAND, fill_opacity=0.6,
                            tooltip=_tooltip(place.label)).add_to(fmap)
        points.append((place.lat, place.lon))
    for box in boxes:
        bounds = [[box.south, box.west], [box.north, box.east]]
        folium.Rectangle(bounds, color=BRAND, weight=2, fill=True, fill_opacity=0.08,
                         tooltip=_tooltip(box.label) if box.label else None).add_to(fmap)
        points += [(box.south, box.west), (box.north, box.east)]
    if geojson is not None:
        folium.GeoJson(geojson, name="data", style_function=lambda _f: {
            "color": BRAND, "weight": 2, "fillOpacity": 0.1}).add_to(fmap)
        points += list(_geojson_points(geojson))
    if len(points) == 1:
        fmap.location = list(points[0])
        fmap.options["zoom"] = zoom
    elif points:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    else:
        fmap.fit_bounds([list(REGION_BOUNDS[0]), list(REGION_BOUNDS[1])])
    return fmap


def _geojson_points(geojson: dict) -> list[tuple[float, float]]:
    found: list[tuple[float, float]] = []

    def walk(node: object) -> None:
        if isinstance(node, list) and len(node) >= 2 and all(
                isinstance(v, int | float) for v in node[:2]):
            found.append((float(node[1]), float(node[0])))
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "coordinates" in node:
                walk(node["coordinates"])
            for key in ("features", "geometries", "geometry"):
                if key in node:
                    walk(node[key])

    walk(geojson)
    return found


def map_script(fmap: folium.Map) -> str:
    """The map's JavaScript (no inline tags; served from its own URL)."""
    root = fmap.get_root()
    root.render()
    return str(root.script.render())


def element_id(map_id: str) -> str:
    return f"map_{map_id}"


def json_safe(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
