"""Wi-Fi locations in the portal's search: their documents, registered as a document source of
the catalog's indexer (the catalog must not import this package)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, col, select

from captive_portal.models import WifiLocation
from catalog import vocabularies as voc
from catalog.search.base import SearchDocument
from catalog.search.documents import area, make_document
from catalog.search.indexer import DocumentSource, register_source

# Words a visitor may search a place by, per kind of location.
KIND_WORDS = {
    "railway_station": "nádraží železniční stanice railway station",
    "bus_terminal": "autobusové nádraží bus terminal",
    "library": "knihovna library",
    "square": "náměstí square",
    "tourist_info": "informační centrum tourist information",
    "museum": "muzeum museum",
}


def location_document(location: WifiLocation) -> SearchDocument:
    """The search document of a Wi-Fi location."""
    municipality = location.municipality
    text = " ".join(filter(None, [
        KIND_WORDS.get(location.kind, ""),
        voc.ruian_label(municipality) if municipality else None,
    ]))
    welcome = {lang: str(value) for lang, value in location.welcome.items()}
    facets = {"area": [area(municipality)] if municipality else []}
    return make_document("location", location.id or 0, location.slug, dict(location.name),
                         welcome, [], text, facets, location.updated_at.date().isoformat())


def _ids(session: Session, after: int, limit: int) -> list[int]:
    return [i for i in session.exec(select(WifiLocation.id).where(col(WifiLocation.id) > after)
                                    .order_by(col(WifiLocation.id)).limit(limit))
            if i is not None]


def _build(session: Session, ids: list[int]) -> Iterator[SearchDocument]:
    for location in session.exec(select(WifiLocation).where(col(WifiLocation.id).in_(ids))):
        yield location_document(location)


register_source(DocumentSource("location", _ids, _build))
