"""Each museum's published collection as a dcat:Dataset of the catalog (so it reaches NKOD like
any dataset): its LIDO and EDM dumps as distributions, the OAI-PMH endpoint as the
dcat:DataService of a third. Upserted by a ``museum:`` source identifier, so a rerun changes
only what changed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from catalog import vocabularies as voc
from catalog.models import Agent, AgentKind, CollectionObject, RecordState
from catalog.services import Upsert, upsert_dataset

OAI_TITLE = {"cs": "OAI-PMH rozhraní sbírek muzeí Libereckého kraje",
             "en": "OAI-PMH endpoint of the Liberec Region museum collections"}


def dataset_slug(institution: Agent) -> str:
    return f"sbirka-{institution.slug}"[:120]


def collection_dataset(institution: Agent, *, publisher: str, base_url: str) -> dict[str, Any]:
    """The DatasetInput mapping of ``institution``'s collection."""
    name_cs = institution.name.get("cs") or institution.slug
    name_en = institution.name.get("en") or name_cs
    page = f"{base_url}/institutions/{institution.slug}"
    oai = f"{base_url}/oai"

    def dump(kind: str, fmt: str, media_type: str, title_cs: str, title_en: str
             ) -> dict[str, Any]:
        url = f"{page}/objects.{kind}.xml"
        return {"title": {"cs": title_cs, "en": title_en}, "access_url": url,
                "download_url": url, "format": fmt, "media_type": media_type,
                "license": "CC0-1.0", "terms_special_db_rights": "cc0", "personal_data": "no"}

    return {
        "slug": dataset_slug(institution),
        "title": {"cs": f"Sbírkové předměty: {name_cs}", "en": f"Collection objects: {name_en}"},
        "description": {
            "cs": f"Zveřejněné záznamy sbírkových předmětů instituce {name_cs} v "
                  "centrálním registru sbírek Libereckého kraje: LIDO 1.1, EDM (Europeana) a "
                  "OAI-PMH.",
            "en": f"The published collection object records of {name_en} in the "
                  "Liberec Region's central collections register: LIDO 1.1, EDM (Europeana) "
                  "and OAI-PMH."},
        "keywords": {"cs": ["muzeum", "sbírky", "kulturní dědictví", "LIDO", "Europeana"],
                     "en": ["museum", "collections", "cultural heritage", "LIDO", "Europeana"]},
        "publisher": publisher,
        "themes": ["EDUC"],
        "spatial": [voc.LIBEREC_REGION_IRI],
        "frequency": "IRREG",
        "landing_page": page,
        "documentation": f"{base_url}/museum/csv",
        "contact": {"name": name_cs, "email": institution.email, "url": institution.homepage},
        "distributions": [
            dump("lido", "XML", "application/xml", "Sbírka v LIDO 1.1 (XML)",
                 "The collection in LIDO 1.1 (XML)"),
            dump("edm", "RDF_XML", "application/rdf+xml", "Sbírka v EDM (RDF/XML)",
                 "The collection in EDM (RDF/XML)"),
            {"title": {"cs": "Sbírka přes OAI-PMH (lido, edm, oai_dc)",
                       "en": "The collection over OAI-PMH (lido, edm, oai_dc)"},
             "access_url": f"{oai}?verb=ListSets", "format": "XML",
             "media_type": "text/xml", "license": "CC0-1.0", "terms_special_db_rights": "cc0",
             "access_service": {"title": OAI_TITLE, "endpoint_url": oai,
                                "endpoint_description": f"{oai}?verb=Identify",
                                "license": "CC0-1.0"}},
        ],
    }


def sync_collection_datasets(session: Session, *, publisher: str, base_url: str
                             ) -> Iterator[tuple[str, Upsert]]:
    """Upsert the collection dataset of every museum with published objects (a museum whose
    collection is empty gets none)."""
    holding = select(CollectionObject.institution_id).where(
        CollectionObject.state == RecordState.PUBLISHED).distinct()
    museums = session.exec(select(Agent).where(Agent.kind == AgentKind.INSTITUTION,
                                               col(Agent.id).in_(holding))
                           .order_by(col(Agent.slug))).all()
    for museum in museums:
        record = collection_dataset(museum, publisher=publisher, base_url=base_url)
        _, outcome = upsert_dataset(session, f"museum:{museum.slug}", record, base_url=base_url)
        yield record["slug"], outcome
