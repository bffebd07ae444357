"""schema.org ``Dataset`` JSON-LD for search engines (Google Dataset Search), embedded in the
dataset page, in the spirit of ckanext-dcat's structured-data plugin."""

from __future__ import annotations

from typing import Any

from catalog import vocabularies as voc
from catalog.queries import DatasetView
from catalog.rdf.records import publisher_iri


def _text(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("cs") or next(iter(texts.values()), "")


def dataset_to_schema_org(view: DatasetView, page_url: str, lang: str = "cs") -> dict[str, Any]:
    """The dataset described with schema.org terms, texts in ``lang`` (Czech as fallback)."""
    ds = view.dataset
    publisher = view.publisher
    organization: dict[str, Any] = {
        "@type": "Organization", "@id": publisher_iri(publisher.iri, publisher.ico),
        "name": _text(publisher.name, lang)}
    if publisher.homepage:
        organization["url"] = publisher.homepage
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": ds.iri,
        "url": page_url,
        "name": _text(ds.title, lang),
        "description": _text(ds.description, lang),
        "inLanguage": lang,
        "isAccessibleForFree": True,
        "publisher": organization,
        "creator": organization,
    }
    keywords = ds.keywords.get(lang) or ds.keywords.get("cs") or []
    if keywords:
        data["keywords"] = list(keywords)
    identifiers = [ds.iri, *ds.identifiers]
    data["identifier"] = identifiers if len(identifiers) > 1 else ds.iri
    licences = sorted({d.license for d in view.distributions if d.license})
    if licences:
        data["license"] = licences[0] if len(licences) == 1 else licences
    if ds.temporal_start or ds.temporal_end:
        start = ds.temporal_start.isoformat() if ds.temporal_start else ".."
        end = ds.temporal_end.isoformat() if ds.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    places: list[dict[str, Any]] = [{"@type": "Place", "@id": iri, "name": voc.ruian_label(iri)}
                                    for iri in ds.spatial]
    if ds.bbox_west is not None:
        places.append({"@type": "Place", "geo": {
            "@type": "GeoShape",
            "box": f"{ds.bbox_south} {ds.bbox_west} {ds.bbox_north} {ds.bbox_east}"}})
    if places:
        data["spatialCoverage"] = places if len(places) > 1 else places[0]
    if ds.issued:
        data["datePublished"] = ds.issued.isoformat()
    if ds.modified:
        data["dateModified"] = ds.modified.isoformat()
    if ds.landing_page:
        data["sameAs"] = ds.landing_page
    if view.contact is not None and (view.contact.email or view.contact.url):
        point: dict[str, Any] = {"@type": "ContactPoint", "contactType": "customer support"}
        if view.contact.name:
            point["name"] = view.contact.name
        if view.contact.email:
            point["email"] = view.contact.email
        if view.contact.url:
            point["url"] = view.contact.url
        organization = {**organization, "contactPoint": point}
        data["creator"] = organization
    distributions = []
    for dist in view.distributions:
        item: dict[str, Any] = {"@type": "DataDownload",
                                "contentUrl": dist.download_url or dist.access_url}
        title = _text(dist.title, lang)
        if title:
            item["name"] = title
        if dist.media_type:
            item["encodingFormat"] = dist.media_type
        if dist.byte_size is not None:
            item["contentSize"] = f"{dist.byte_size} B"
        distributions.append(item)
    if distributions:
        data["distribution"] = distributions
    return data
