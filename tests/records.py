"""Small valid records written for the tests (the demo catalog is tested separately)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalog.reuses.models import Reuse
from catalog.reuses.search import reuse_document
from catalog.search.base import SearchDocument
from catalog.search.collation import czech_sort_key

PUBLISHER = {"slug": "liberecky-kraj", "name": {"cs": "Liberecký kraj", "en": "Liberec Region"},
             "homepage": "https://www.kraj-lbc.cz", "ico": "70891508"}
MUSEUM = {"slug": "severoceske-muzeum", "name": {"cs": "Severočeské muzeum v Liberci"},
          "city": "Liberec"}


def dataset(slug: str = "odjezdy-vlaku", **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "slug": slug,
        "title": {"cs": "Odjezdy vlaků z Liberce, hlavní nádraží",
                  "en": "Train departures from Liberec main station"},
        "description": {"cs": "Plánované odjezdy vlaků ze stanice Liberec.",
                        "en": "Scheduled train departures from Liberec station."},
        "keywords": {"cs": ["vlaky", "jízdní řády"], "en": ["trains", "timetables"]},
        "publisher": "liberecky-kraj",
        "themes": ["TRAN"],
        "spatial": ["https://linked.cuzk.cz/resource/ruian/obec/563889"],
        "bbox": [15.03, 50.75, 15.07, 50.78],
        "temporal": {"start": "2024-01-01"},
        "frequency": "DAILY",
        "contact": {"name": "Odbor dopravy", "email": "doprava@kraj-lbc.cz"},
        "issued": "2024-01-05",
        "modified": "2026-10-01",
        "distributions": [
            {"title": {"cs": "Odjezdy (CSV)"},
             "access_url": "https://data.kraj-lbc.cz/odjezdy.csv",
             "download_url": "https://data.kraj-lbc.cz/odjezdy.csv",
             "format": "CSV", "media_type": "text/csv", "license": "CC-BY-4.0",
             "byte_size": 52000},
        ],
    }
    record.update(changes)
    return record


def museum_object(inventory: str = "S 1", **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "institution": "severoceske-muzeum",
        "inventory_number": inventory,
        "accession_number": "1987/12",
        "title": {"cs": "Secesní váza s motivem leknínů", "en": "Art Nouveau vase with lilies"},
        "object_type": "váza",
        "classification": ["sklo", "užité umění"],
        "description": {"cs": "Foukaná váza z barevného skla."},
        "materials": ["sklo"],
        "techniques": ["foukání", "malba"],
        "measurements": [{"type": "výška", "value": 24.5, "unit": "cm"}],
        "production": {"maker": "Josef Riedel", "date": "kolem 1900", "earliest_year": 1895,
                       "latest_year": 1905, "place": "Polubný"},
        "subjects": ["secese"],
        "rights": "CC0-1.0",
    }
    record.update(changes)
    return record


def search_doc(doc_id: int, title: str, *, kind: str = "dataset", description: str = "",
               keywords: tuple[str, ...] = (), facets: dict | None = None,
               modified: str = "2026-01-01") -> SearchDocument:
    """A search document written directly, for tests of the index alone."""
    return SearchDocument(kind=kind, id=doc_id, url_key=f"k{doc_id}", title={"cs": title},
                          description={"cs": description}, keywords=list(keywords), text="",
                          facets=facets or {}, sort_title=czech_sort_key(title),
                          modified=modified, version=f"v{doc_id}")


def reuse_search_doc(reuse_id: int, title: str, language: str = "en") -> SearchDocument:
    """The document of a published reuse as the indexer writes it (one language, no Czech)."""
    stamp = datetime(2026, 5, 1, 12, 0)
    return reuse_document(Reuse(id=reuse_id, type="application", title=title, language=language,
                                description="Shows departures on a display.",
                                url="https://x.example/", author_name="Team 42",
                                status="published", created_at=stamp, updated_at=stamp,
                                published_at=stamp))

