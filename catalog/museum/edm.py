"""Register records → the Europeana Data Model (RDF/XML valid against Europeana's ``EDM.xsd``):
``edm:ProvidedCHO``, one ``edm:WebResource`` per image and the ``ore:Aggregation``, following the
standard LIDO→EDM mapping (Linked Heritage / AthenaPlus) on the register's LIDO core."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from catalog.models import Agent, CollectionObject
from catalog.museum.lido_export import EDM_TYPES, absolute, mime_type
from catalog.museum.rights import NOT_EVALUATED
from catalog.museum.xmlwriter import Node, declarations

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
EDM_NS = "http://www.europeana.eu/schemas/edm/"
ORE_NS = "http://www.openarchives.org/ore/terms/"
OWL_NS = "http://www.w3.org/2002/07/owl#"
EBUCORE_NS = "http://www.ebu.ch/metadata/ontologies/ebucore/ebucore#"
NSMAP = {"rdf": RDF_NS, "dc": DC_NS, "dcterms": DCTERMS_NS, "edm": EDM_NS, "ore": ORE_NS,
         "owl": OWL_NS, "ebucore": EBUCORE_NS}
DECLARATIONS = declarations(NSMAP)
# qualified-name prefixes for the writer
RDF, DC, DCTERMS, EDM, ORE, OWL, EBUCORE = ("rdf:", "dc:", "dcterms:", "edm:", "ore:", "owl:",
                                            "ebucore:")

# Object names (Czech museum practice) whose digital surrogate is a picture or a text; every
# other object is a three-dimensional thing. An explicit IMAGE/TEXT/3D/SOUND/VIDEO in the
# record's classification wins (the LIDO convention ``classification[@type='europeana:type']``).
IMAGE_TYPES = {"obraz", "kresba", "grafický list", "grafika", "fotografie", "plakát", "mapa",
               "pohlednice", "akvarel", "podmalba", "návrh", "ex libris", "etiketa", "plán",
               "negativ", "diapozitiv", "litografie", "lept", "mědiryt", "dřevoryt", "veduta",
               "vzorová karta", "bankovka", "gobelín"}
TEXT_TYPES = {"kniha", "listina", "rukopis", "dopis", "sešit", "katalog", "ceník", "výuční list",
              "noviny", "časopis", "kronika", "tisk", "dokument", "kancionál", "matrika"}
SOUND_TYPES = {"zvukový záznam", "gramofonová deska", "magnetofonový pásek"}
VIDEO_TYPES = {"film", "videozáznam"}
# The register records no language of a text: ISO 639-2 "undetermined", which Europeana accepts
# where dc:language is mandatory (edm:type TEXT).
UNDETERMINED_LANGUAGE = "und"


def edm_type(obj: CollectionObject) -> str:
    """The Europeana content type of ``obj``."""
    for value in obj.classification:
        if value.upper() in EDM_TYPES:
            return value.upper()
    name = obj.object_type.strip().lower()
    if name in IMAGE_TYPES:
        return "IMAGE"
    if name in TEXT_TYPES:
        return "TEXT"
    if name in SOUND_TYPES:
        return "SOUND"
    if name in VIDEO_TYPES:
        return "VIDEO"
    return "3D"


def edm_rights(obj: CollectionObject) -> str:
    """edm:rights of the digital object: the first image's statement, else the record's, else
    "copyright not evaluated" (all three already in Europeana's ``http://…/`` form)."""
    for image in obj.images:
        if image.get("rights"):
            return str(image["rights"])
    return obj.rights or NOT_EVALUATED


def _literal(parent: Node, tag: str, text: str, lang: str | None = None) -> None:
    parent.add(tag, text, {"xml:lang": lang} if lang else None)


def _resource(parent: Node, tag: str, uri: str) -> None:
    parent.add(tag, None, {"rdf:resource": uri})


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _created(obj: CollectionObject) -> str | None:
    if obj.production_date:
        return obj.production_date
    if obj.earliest_year is None:
        return None
    if obj.latest_year in (None, obj.earliest_year):
        return str(obj.earliest_year)
    return f"{obj.earliest_year}/{obj.latest_year}"


def edm_nodes(obj: CollectionObject, institution: Agent, *, base_url: str, provider: str
              ) -> list[Node]:
    """The ProvidedCHO, WebResources and Aggregation of ``obj`` (children of an ``rdf:RDF``)."""
    cho = Node("edm:ProvidedCHO", attributes={"rdf:about": obj.iri})
    nodes = [cho]
    if obj.maker:
        for maker in obj.maker.split("; "):
            _literal(cho, DC + "creator", maker)
    for lang, text in obj.description.items():
        _literal(cho, DC + "description", text, lang)
    _literal(cho, DC + "identifier", obj.inventory_number)
    if obj.accession_number:
        _literal(cho, DC + "identifier", obj.accession_number)
    content_type = edm_type(obj)
    if content_type == "TEXT":
        _literal(cho, DC + "language", UNDETERMINED_LANGUAGE)
    for subject in obj.subjects:
        _literal(cho, DC + "subject", subject, "cs")
    for lang, text in obj.title.items():
        _literal(cho, DC + "title", text, lang)
    _literal(cho, DC + "type", obj.object_type, "cs")
    for value in obj.classification:
        if value.upper() not in EDM_TYPES:
            _literal(cho, DC + "type", value, "cs")
    created = _created(obj)
    if created:
        _literal(cho, DCTERMS + "created", created)
    for m in obj.measurements:
        _literal(cho, DCTERMS + "extent", f"{m['type']}: {_number(m['value'])} {m['unit']}",
                 "cs")
    if obj.collection:
        _literal(cho, DCTERMS + "isPartOf", obj.collection, "cs")
    for material in obj.materials:
        _literal(cho, DCTERMS + "medium", material, "cs")
    if obj.acquisition:
        _literal(cho, DCTERMS + "provenance", obj.acquisition, "cs")
    if obj.production_place:
        _literal(cho, DCTERMS + "spatial", obj.production_place)
    cho.add("edm:type", content_type)
    for link in (obj.esbirky_url, obj.europeana_url):
        if link:
            _resource(cho, OWL + "sameAs", link)

    images = [(absolute(base_url, image["url"]), image) for image in obj.images]
    for url, image in images:
        resource = Node("edm:WebResource", attributes={"rdf:about": url})
        nodes.append(resource)
        for lang, caption in (image.get("caption") or {}).items():
            _literal(resource, DC + "description", caption, lang)
        if image.get("rights"):
            _resource(resource, EDM + "rights", image["rights"])
        mime = mime_type(url)
        if mime:
            _literal(resource, EBUCORE + "hasMimeType", mime)

    aggregation = Node("ore:Aggregation", attributes={"rdf:about": f"{obj.iri}#aggregation"})
    nodes.append(aggregation)
    _resource(aggregation, EDM + "aggregatedCHO", obj.iri)
    _literal(aggregation, EDM + "dataProvider", institution.name.get("cs")
             or next(iter(institution.name.values()), institution.slug))
    for url, _image in images[1:]:
        _resource(aggregation, EDM + "hasView", url)
    _resource(aggregation, EDM + "isShownAt", obj.iri)
    if images:
        _resource(aggregation, EDM + "isShownBy", images[0][0])
        _resource(aggregation, EDM + "object", images[0][0])
    _literal(aggregation, EDM + "provider", provider)
    _resource(aggregation, EDM + "rights", edm_rights(obj))
    return nodes


def edm_xml(obj: CollectionObject, institution: Agent, *, base_url: str, provider: str) -> str:
    """One object as the XML text of an ``rdf:RDF`` element of EDM."""
    root = Node("rdf:RDF")
    root.children = edm_nodes(obj, institution, base_url=base_url, provider=provider)
    return root.render(DECLARATIONS)


def object_to_edm(obj: CollectionObject, institution: Agent, *, base_url: str,
                  provider: str) -> etree._Element:
    """One object as an lxml ``rdf:RDF`` element of EDM."""
    root: etree._Element = etree.fromstring(edm_xml(obj, institution, base_url=base_url,
                                                    provider=provider))
    return root


def to_bytes(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data


def iter_dump(records: Iterable[tuple[CollectionObject, Agent]], *, base_url: str,
              provider: str) -> Iterator[bytes]:
    """One ``rdf:RDF`` document holding every record, in chunks: memory stays flat."""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF {DECLARATIONS}>\n'.encode()
    for obj, institution in records:
        nodes = edm_nodes(obj, institution, base_url=base_url, provider=provider)
        yield "".join(node.render() for node in nodes).encode() + b"\n"
    yield b"</rdf:RDF>\n"
