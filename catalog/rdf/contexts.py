"""The JSON-LD contexts of the Czech LKOD interface (OFN "Rozhraní katalogů otevřených dat"),
written here from the specification so that no document ever makes us fetch a remote @context.

``with_local_context`` swaps a document's context URL for the mapping before rdflib parses it.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import unquote

CONTEXT_2024 = ("https://ofn.gov.cz/dcat-ap-cz-rozhraní-katalogů-otevřených-dat/2024-05-28/"
                "kontexty/rozhraní-katalogů-otevřených-dat.jsonld")
CONTEXT_2021 = ("https://ofn.gov.cz/rozhraní-katalogů-otevřených-dat/2021-01-11/"
                "kontexty/rozhraní-katalogů-otevřených-dat.jsonld")

_PREFIXES = {
    "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "location": "http://www.w3.org/ns/locn#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "prov": "http://www.w3.org/ns/prov#",
    "pu": "https://data.gov.cz/slovník/podmínky-užití/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "time": "http://www.w3.org/2006/time#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Classes: the JSON "typ" values (OFN §"Třídy").
_CLASSES = {
    "Katalog": "dcat:Catalog",
    "Datová sada": "dcat:Dataset",
    "Distribuce": "dcat:Distribution",
    "Datová služba": "dcat:DataService",
    "Specifikace podmínek užití": "pu:Specifikace",
    "Organizace": "vcard:Organization",
    "Časový interval": "dcterms:PeriodOfTime",
}

# Properties whose values are IRIs (JSON strings read as @id).
_IRI_PROPERTIES = {
    "poskytovatel": "dcterms:publisher",
    "datová_sada": "dcat:dataset",
    "domovská_stránka": "foaf:homepage",
    "téma": "dcat:theme",
    "koncept_euroVoc": "dcat:theme",
    "periodicita_aktualizace": "dcterms:accrualPeriodicity",
    "geografické_území": "dcterms:spatial",
    "prvek_rúian": "dcterms:spatial",
    "prostorové_pokrytí": "dcterms:spatial",
    "časové_pokrytí": "dcterms:temporal",
    "kontaktní_bod": "dcat:contactPoint",
    "e-mail": "vcard:hasEmail",
    "dokumentace": "foaf:page",
    "specifikace": "dcterms:conformsTo",
    "distribuce": "dcat:distribution",
    "podmínky_užití": "pu:specifikace",
    "autorské_dílo": "pu:autorské-dílo",
    "databáze_jako_autorské_dílo": "pu:databáze-jako-autorské-dílo",
    "databáze_chráněná_zvláštními_právy": "pu:databáze-chráněná-zvláštními-právy",
    "osobní_údaje": "pu:osobní-údaje",
    "přístupové_url": "dcat:accessURL",
    "soubor_ke_stažení": "dcat:downloadURL",
    "formát": "dcterms:format",
    "typ_média": "dcat:mediaType",
    "schéma": "dcterms:conformsTo",
    "typ_média_komprese": "dcat:compressFormat",
    "typ_média_balíčku": "dcat:packageFormat",
    "přístupová_služba": "dcat:accessService",
    "přístupový_bod": "dcat:endpointURL",
    "popis_přístupového_bodu": "dcat:endpointDescription",
    "poskytuje_datovou_sadu": "dcat:servesDataset",
}

# Text properties given as language maps ({"cs": "...", "en": "..."}).
_LANGUAGE_MAPS = {
    "název": "dcterms:title",
    "popis": "dcterms:description",
    "klíčové_slovo": "dcat:keyword",
    "jméno": "vcard:fn",
    "autor": "pu:autor",
    "autor_databáze": "pu:autor-databáze",
}

_TYPED = {
    "začátek": ("dcat:startDate", "xsd:date"),
    "konec": ("dcat:endDate", "xsd:date"),
    "prostorové_rozlišení_v_metrech": ("dcat:spatialResolutionInMeters", "xsd:decimal"),
    "časové_rozlišení": ("dcat:temporalResolution", "xsd:duration"),
}


def _context(version: str) -> dict[str, Any]:
    context: dict[str, Any] = {"@language": "cs", **_PREFIXES, "iri": "@id", "typ": "@type"}
    context.update(_CLASSES)
    context.update({key: {"@id": iri, "@type": "@id"} for key, iri in _IRI_PROPERTIES.items()})
    context.update({key: {"@id": iri, "@container": "@language"}
                    for key, iri in _LANGUAGE_MAPS.items()})
    context.update({key: {"@id": iri, "@type": datatype}
                    for key, (iri, datatype) in _TYPED.items()})
    if version == "2021-01-11":
        context["je_součástí"] = {"@id": "dcterms:isPartOf", "@type": "@id"}
    else:  # 2024-05-28: dataset series, HVD and the applicable legislation
        context["nkod"] = "https://data.gov.cz/slovník/nkod/"
        context["Datová série"] = "dcat:DatasetSeries"
        context["je_součástí"] = {"@id": "dcat:inSeries", "@type": "@id"}
        context["právní_předpis"] = {"@id": "dcatap:applicableLegislation", "@type": "@id"}
        context["kategorie_hvd"] = {"@id": "dcatap:hvdCategory", "@type": "@id"}
    return context


CONTEXTS: dict[str, dict[str, Any]] = {
    CONTEXT_2024: _context("2024-05-28"),
    CONTEXT_2021: _context("2021-01-11"),
}


class UnknownContext(ValueError):
    """A document names a remote @context we do not know (and will not fetch)."""


def with_local_context(document: Any) -> Any:
    """A copy of the JSON-LD ``document`` whose known context URLs are replaced by our mappings.
    An unknown remote context is refused rather than fetched."""
    return _replace(copy.deepcopy(document))


def _replace(node: Any) -> Any:
    if isinstance(node, list):
        return [_replace(item) for item in node]
    if not isinstance(node, dict):
        return node
    for key, value in list(node.items()):
        if key == "@context":
            node[key] = _local(value)
        else:
            node[key] = _replace(value)
    return node


def _local(context: Any) -> Any:
    if isinstance(context, list):
        return [_local(item) for item in context]
    if isinstance(context, str):
        if context in CONTEXTS:
            return CONTEXTS[context]
        normalised = context.rstrip("/")
        for url, mapping in CONTEXTS.items():
            if _same_url(url, normalised):
                return mapping
        raise UnknownContext(f"unknown remote JSON-LD context {context!r}")
    return context


def _same_url(known: str, given: str) -> bool:
    """Context URLs also circulate percent-encoded and over http."""
    def norm(url: str) -> str:
        return unquote(url).removeprefix("https://").removeprefix("http://")
    return norm(known) == norm(given)
