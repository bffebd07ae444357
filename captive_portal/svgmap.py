"""A small map of a location and what is near it, drawn on the server as inline SVG (no tiles,
no script, a few kilobytes): points projected around the centre, numbered like the list."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

EARTH_M = 6_371_000.0


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    label: str  # the number shown in the marker (the list item it stands for)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def draw_map(lat: float, lon: float, points: Sequence[MapPoint], *, title: str,
             width: int = 320, height: int = 180) -> str:
    """The SVG: the centre (the Wi-Fi place) as a ring, each point as a numbered dot, a scale."""
    cos_lat = math.cos(math.radians(lat))

    def xy(p_lat: float, p_lon: float) -> tuple[float, float]:
        return (math.radians(p_lon - lon) * cos_lat * EARTH_M,
                math.radians(p_lat - lat) * EARTH_M)

    offsets = [xy(p.lat, p.lon) for p in points]
    reach = max([200.0] + [max(abs(x), abs(y) * width / height) for x, y in offsets])
    scale = (width / 2 - 16) / reach  # pixels per metre
    cx, cy = width / 2, height / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-labelledby="map-title" class="map">'
             f'<title id="map-title">{escape(title)}</title>'
             f'<rect width="{width}" height="{height}" fill="#eef3ee"/>']
    for i in range(1, 4):  # distance rings
        r = (width / 2 - 16) * i / 3
        parts.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{r:.0f}" fill="none" '
                     f'stroke="#c5d3c5"/>')
    for (x, y), point in zip(offsets, points, strict=True):
        px, py = cx + x * scale, cy - y * scale
        parts.append(f'<circle cx="{px:.0f}" cy="{py:.0f}" r="8" fill="#1d4f91"/>'
                     f'<text x="{px:.0f}" y="{py + 4:.0f}" font-size="10" text-anchor="middle" '
                     f'fill="#fff">{escape(point.label)}</text>')
    parts.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="7" fill="#fff" stroke="#b3261e" '
                 f'stroke-width="4"/>')
    ring_m = reach / 3
    label = f"{ring_m / 1000:.1f} km" if ring_m >= 1000 else f"{ring_m:.0f} m"
    parts.append(f'<text x="6" y="{height - 6}" font-size="10" fill="#333">○ {label}</text>'
                 '</svg>')
    return "".join(parts)
