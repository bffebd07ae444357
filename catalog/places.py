"""Coordinates (WGS 84, town centres) of places named as objects' places of production, for
the object maps: the region's towns and the cities its collections most often name. Written by
the portal's team; a place not listed simply has no map."""

from __future__ import annotations

PLACES: dict[str, tuple[float, float]] = {
    "Liberec": (50.7671, 15.0562),
    "Turnov": (50.5874, 15.1569),
    "Jablonec nad Nisou": (50.7243, 15.1711),
    "Česká Lípa": (50.6856, 14.5376),
    "Frýdlant": (50.9214, 15.0797),
    "Doksy": (50.5648, 14.6552),
    "Nový Bor": (50.7576, 14.5558),
    "Kamenický Šenov": (50.7737, 14.4728),
    "Kozákov": (50.5942, 15.2597),
    "Harrachov": (50.7720, 15.4267),
    "Železný Brod": (50.6428, 15.2541),
    "Zákupy": (50.6855, 14.6451),
    "Hrádek nad Nisou": (50.8528, 14.8447),
    "Desná": (50.7593, 15.3035),
    "Cvikov": (50.7768, 14.6329),
    "Mimoň": (50.6587, 14.7246),
    "Tanvald": (50.7374, 15.3059),
    "Semily": (50.6020, 15.3355),
    "Jilemnice": (50.6089, 15.5066),
    "Hejnice": (50.8769, 15.1816),
    "Smržovka": (50.7381, 15.2463),
    "Praha": (50.0755, 14.4378),
    "Drážďany": (51.0504, 13.7373),
    "Vídeň": (48.2082, 16.3738),
}


def place_coordinates(name: str | None) -> tuple[float, float] | None:
    return PLACES.get((name or "").strip())
