"""From an EDM record (``rdf:RDF`` with ``edm:ProvidedCHO`` and ``ore:Aggregation``, as OAI-PMH
``metadataPrefix=edm`` serves it) to a harvested collection object. Read with lxml, not rdflib:
the record is small and its shape is fixed by Europeana's XSD."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from catalog import vocabularies as voc
from catalog.schemas import LANGUAGES
from harvesters import normalize as norm
from harvesters.models import RecordKind
from harvesters.sources.base import Failed, Harvested, Item

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
EDM = "{http://www.europeana.eu/schemas/edm/}"
ORE = "{http://www.openarchives.org/ore/terms/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RIGHTS_BY_IRI = {term.iri: term.iri for term in voc.RIGHTS.values()}


def _texts(node: etree._Element, tag: str) -> list[etree._Element]:
    return [e for e in node.findall(tag) if (e.text or "").strip()]


def _lang_map(elements: list[etree._Element], flags: list[str], what: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    other: list[str] = []
    for element in elements:
        lang = (element.get(XML_LANG) or "cs").lower().split("-")[0]
        lang = {"cze": "cs", "ces": "cs", "eng": "en", "ger": "de", "deu": "de",
                "pol": "pl"}.get(lang, lang)
        if lang in LANGUAGES:
            texts.setdefault(lang, (element.text or "").strip())
        else:
            other.append((element.text or "").strip())
    if "cs" not in texts and (texts or other):
        texts["cs"] = next(iter(texts.values()), None) or other[0]
        flags.append(f"no Czech {what}: another language stands in")
    return texts


def _resource(node: etree._Element | None, tag: str) -> str | None:
    if node is None:
        return None
    found = node.find(tag)
    return found.get(RDF + "resource") if found is not None else None


def rights_iri(value: str | None) -> str | None:
    """A rights URI as Europeana lists it (http, no ``deed``, trailing slash), if we keep it."""
    if not value:
        return None
    iri = re.sub(r"^https://", "http://", value.strip())
    iri = re.sub(r"/(deed|legalcode)(\.[A-Za-z-]+)?/?$", "/", iri)
    iri = iri if iri.endswith("/") else iri + "/"
    return RIGHTS_BY_IRI.get(iri)


def edm_item(root: etree._Element, *, institution: str, remote_id: str) -> Item:
    """Map one EDM record; a record without a title or an object type is a Failed item."""
    cho = root.find(EDM + "ProvidedCHO")
    if cho is None:
        return Failed(remote_id, "an EDM record without edm:ProvidedCHO")
    aggregation = root.find(ORE + "Aggregation")
    flags: list[str] = []
    title = _lang_map(_texts(cho, DC + "title"), flags, "title")
    if not title:
        return Failed(remote_id, "dc:title: an EDM record without a title")
    types = [e.text.strip() for e in _texts(cho, DC + "type") if e.text]
    edm_type = (cho.findtext(EDM + "type") or "").strip()
    identifiers = [e.text.strip() for e in _texts(cho, DC + "identifier") if e.text]
    about = cho.get(RDF + "about") or remote_id
    data: dict[str, Any] = {
        "institution": institution,
        "inventory_number": (identifiers[0] if identifiers else about.rsplit("/", 1)[-1])[:100],
        "title": title,
        "object_type": (types[0] if types else edm_type.lower() or "")[:200],
        "description": _lang_map(_texts(cho, DC + "description"), flags, "description"),
        "materials": [e.text.strip() for e in _texts(cho, DCTERMS + "medium") if e.text],
        "subjects": [e.text.strip() for e in _texts(cho, DC + "subject") if e.text],
    }
    if not data["object_type"]:
        return Failed(remote_id, "dc:type: an EDM record without an object type")
    creators = [e.text.strip() for e in _texts(cho, DC + "creator") if e.text]
    created = (cho.findtext(DCTERMS + "created") or cho.findtext(DC + "date") or "").strip()
    if creators or created:
        data["production"] = {k: v for k, v in (("maker", creators[0] if creators else None),
                                                ("date", created or None)) if v}
    rights_value = _resource(aggregation, EDM + "rights")
    rights = rights_iri(rights_value)
    if rights:
        data["rights"] = rights
    elif rights_value:
        flags.append("edm:rights not in the catalog's list: left out")
    images: list[dict[str, str]] = []
    for tag in (EDM + "isShownBy", EDM + "object"):
        link = norm.url(_resource(aggregation, tag))
        if link and all(i["url"] != link for i in images):
            images.append({"url": link, **({"rights": rights} if rights else {})})
    if images:
        data["images"] = images
    shown_at = norm.url(_resource(aggregation, EDM + "isShownAt"))
    identities = [f"edm:{about}"] + ([f"landing:{shown_at}"] if shown_at else [])
    return Harvested(remote_id=remote_id[:500], kind=RecordKind.OBJECT, data=data,
                     identities=tuple(identities), flags=tuple(dict.fromkeys(flags)),
                     label=title.get("cs", remote_id))
