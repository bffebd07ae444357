"""Register records → LIDO 1.1 (valid against the official ``lido-v1.1.xsd``): one record, or
a streamed ``lidoWrap`` dump of any size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from catalog import vocabularies as voc
from catalog.models import Agent, CollectionObject
from catalog.museum.lido import LIDO_NS, TERMS
from catalog.museum.xmlwriter import Node, declarations

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{LIDO_NS} http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd"
DECLARATIONS = declarations({"lido": LIDO_NS, "xsi": XSI})
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
EDM_TYPES = ("IMAGE", "TEXT", "3D", "SOUND", "VIDEO")

URI = TERMS + "lido00099"
LOCAL = TERMS + "lido00100"
INVENTORY = TERMS + "lido00113"
ITEM_RECORD = TERMS + "lido00141"
PRODUCTION = TERMS + "lido00007"
MATERIAL = TERMS + "lido00132"
TECHNIQUE = TERMS + "lido00131"
PREFERRED = TERMS + "lido00169"
CURRENT_REPOSITORY = TERMS + "lido00475"
HUMAN_MADE_OBJECT = "http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object"
ACCESSION = "accession number"
COLLECTION = "podsbírka"
MIME_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
              ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
              ".tif": "image/tiff", ".tiff": "image/tiff"}


def _sub(parent: Node, name: str, text: str | None = None, **attributes: str) -> Node:
    """A ``lido:`` child; ``lang`` is ``xml:lang``, any other keyword a ``lido:`` attribute."""
    return parent.add("lido:" + name, text, {
        ("xml:lang" if key == "lang" else "lido:" + key): value
        for key, value in attributes.items()} or None)


def _concept(parent: Node, name: str, term: str, *, concept_id: str | None = None,
             lang: str | None = None, **attributes: str) -> Node:
    element = _sub(parent, name, **attributes)
    if concept_id:
        _sub(element, "conceptID", concept_id, type=URI)
    if lang:
        _sub(element, "term", term, lang=lang)
    else:
        _sub(element, "term", term)
    return element


def _legal_body(parent: Node, name: str, institution: Agent) -> None:
    body = _sub(parent, name)
    _sub(body, "legalBodyID", institution.iri, type=URI)
    names = _sub(body, "legalBodyName")
    for lang, text in institution.name.items():
        _sub(names, "appellationValue", text, lang=lang)
    if institution.homepage:
        _sub(body, "legalBodyWeblink", institution.homepage)


def mime_type(url: str) -> str | None:
    path = url.split("?")[0].lower()
    return next((mime for ext, mime in MIME_TYPES.items() if path.endswith(ext)), None)


def absolute(base_url: str, url: str) -> str:
    """Images of the register may be paths on the portal (``/static/...``)."""
    return urljoin(base_url.rstrip("/") + "/", url)


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def lido_xml(obj: CollectionObject, institution: Agent, *, base_url: str,
             schema_location: bool = False) -> str:
    """One register record as a ``lido:lido`` element's XML text (LIDO 1.1, schema order)."""
    lido = Node("lido:lido")
    _sub(lido, "lidoRecID", obj.iri, type=URI, source=institution.name.get("cs", ""))
    _sub(lido, "objectPublishedID", obj.iri, type=URI)
    for link in (obj.esbirky_url, obj.europeana_url):
        if link:
            _sub(lido, "objectPublishedID", link, type=URI)
    _concept(lido, "category", "Human-Made Object", concept_id=HUMAN_MADE_OBJECT, lang="en")
    _descriptive(lido, obj, institution)
    _administrative(lido, obj, institution, base_url)
    namespaces = DECLARATIONS + (f' xsi:schemaLocation="{SCHEMA_LOCATION}"'
                                 if schema_location else "")
    return lido.render(namespaces)


def object_to_lido(obj: CollectionObject, institution: Agent, *, base_url: str
                   ) -> etree._Element:
    """One register record as an lxml ``lido:lido`` element."""
    element: etree._Element = etree.fromstring(lido_xml(obj, institution, base_url=base_url))
    return element


def _descriptive(lido: Node, obj: CollectionObject, institution: Agent) -> None:
    block = _sub(lido, "descriptiveMetadata", lang="cs")
    classification_wrap = _sub(block, "objectClassificationWrap")
    _concept(_sub(classification_wrap, "objectWorkTypeWrap"), "objectWorkType", obj.object_type,
             lang="cs")
    if obj.classification or obj.collection:
        classes = _sub(classification_wrap, "classificationWrap")
        for value in obj.classification:
            if value in EDM_TYPES:
                _concept(classes, "classification", value, type="europeana:type")
            else:
                _concept(classes, "classification", value, lang="cs")
        if obj.collection:
            _concept(classes, "classification", obj.collection, lang="cs", type=COLLECTION)

    identification = _sub(block, "objectIdentificationWrap")
    title_set = _sub(_sub(identification, "titleWrap"), "titleSet")
    for lang, text in obj.title.items():
        _sub(title_set, "appellationValue", text, lang=lang, pref=PREFERRED)
    repository = _sub(_sub(identification, "repositoryWrap"), "repositorySet",
                      type=CURRENT_REPOSITORY)
    _legal_body(repository, "repositoryName", institution)
    _sub(repository, "workID", obj.inventory_number, type=INVENTORY)
    if obj.accession_number:
        _sub(repository, "workID", obj.accession_number, type=ACCESSION)
    if obj.description:
        description_set = _sub(_sub(identification, "objectDescriptionWrap"),
                               "objectDescriptionSet")
        for lang, text in obj.description.items():
            _sub(description_set, "descriptiveNoteValue", text, lang=lang)
    if obj.measurements:
        measurements_set = _sub(_sub(identification, "objectMeasurementsWrap"),
                                "objectMeasurementsSet")
        display = "; ".join(f"{m['type']} {_number(m['value'])} {m['unit']}"
                            for m in obj.measurements)
        _sub(measurements_set, "displayObjectMeasurements", display, lang="cs")
        measurements = _sub(measurements_set, "objectMeasurements")
        for m in obj.measurements:
            item = _sub(measurements, "measurementsSet")
            _sub(item, "measurementType", m["type"], lang="cs")
            _sub(item, "measurementUnit", m["unit"])
            _sub(item, "measurementValue", _number(m["value"]))

    events = _events(obj)
    if events:
        _sub(block, "eventWrap").children.extend(events)
    if obj.subjects:
        subjects = _sub(_sub(block, "objectRelationWrap"), "subjectWrap")
        for subject in obj.subjects:
            _concept(_sub(_sub(subjects, "subjectSet"), "subject"), "subjectConcept", subject,
                     lang="cs")


def _events(obj: CollectionObject) -> list[Node]:
    events: list[Node] = []
    if obj.maker or obj.production_date or obj.earliest_year is not None \
            or obj.production_place or obj.materials or obj.techniques:
        event_set = Node("lido:eventSet")
        event = _sub(event_set, "event")
        event_type = _sub(event, "eventType")
        _sub(event_type, "conceptID", PRODUCTION, type=URI)
        _sub(event_type, "term", "výroba", lang="cs")
        _sub(event_type, "term", "Production", lang="en")
        if obj.maker:
            for maker in obj.maker.split("; "):
                actor = _sub(_sub(_sub(event, "eventActor"), "actorInRole"), "actor")
                _sub(_sub(actor, "nameActorSet"), "appellationValue", maker)
        if obj.production_date or obj.earliest_year is not None:
            event_date = _sub(event, "eventDate")
            if obj.production_date:
                _sub(event_date, "displayDate", obj.production_date, lang="cs")
            if obj.earliest_year is not None or obj.latest_year is not None:
                date = _sub(event_date, "date")
                if obj.earliest_year is not None:
                    _sub(date, "earliestDate", str(obj.earliest_year))
                if obj.latest_year is not None:
                    _sub(date, "latestDate", str(obj.latest_year))
        if obj.production_place:
            place = _sub(event, "eventPlace")
            _sub(place, "displayPlace", obj.production_place, lang="cs")
            _sub(_sub(_sub(place, "place"), "namePlaceSet"), "appellationValue",
                 obj.production_place)
        if obj.materials or obj.techniques:
            materials = _sub(_sub(event, "eventMaterialsTech"), "materialsTech")
            for material in obj.materials:
                _concept(materials, "termMaterialsTech", material, lang="cs", type=MATERIAL)
            for technique in obj.techniques:
                _concept(materials, "termMaterialsTech", technique, lang="cs", type=TECHNIQUE)
        events.append(event_set)
    if obj.acquisition:
        event_set = Node("lido:eventSet")
        event = _sub(event_set, "event")
        event_type = _sub(event, "eventType")
        _sub(event_type, "term", "nabytí", lang="cs")
        _sub(event_type, "term", "Acquisition", lang="en")
        _sub(_sub(event, "eventDescriptionSet"), "descriptiveNoteValue", obj.acquisition,
             lang="cs")
        events.append(event_set)
    return events


def _rights(parent: Node, name: str, iri: str) -> None:
    rights = _sub(parent, name)
    term = voc.by_iri(voc.RIGHTS, iri)
    rights_type = _sub(rights, "rightsType")
    _sub(rights_type, "conceptID", iri, type=URI)
    _sub(rights_type, "term", term.label if term else iri)


def _administrative(lido: Node, obj: CollectionObject, institution: Agent,
                    base_url: str) -> None:
    block = _sub(lido, "administrativeMetadata", lang="cs")
    record = _sub(block, "recordWrap")
    _sub(record, "recordID", str(obj.id), type=LOCAL)
    _concept(record, "recordType", "item-level record", concept_id=ITEM_RECORD, lang="en")
    _legal_body(record, "recordSource", institution)
    if obj.rights:
        _rights(record, "recordRights", obj.rights)
    info = _sub(record, "recordInfoSet")
    _sub(info, "recordInfoLink", obj.iri, formatResource="text/html")
    _sub(info, "recordMetadataDate", obj.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if obj.images:
        resources = _sub(block, "resourceWrap")
        for position, image in enumerate(obj.images, start=1):
            resource = _sub(resources, "resourceSet", sortorder=str(position))
            url = absolute(base_url, image["url"])
            representation = _sub(resource, "resourceRepresentation", type="image_master")
            mime = mime_type(url)
            if mime:
                _sub(representation, "linkResource", url, formatResource=mime)
            else:
                _sub(representation, "linkResource", url)
            _sub(_sub(resource, "resourceType"), "term", "image", lang="en")
            for lang, caption in (image.get("caption") or {}).items():
                _sub(resource, "resourceDescription", caption, lang=lang)
            if image.get("rights"):
                _rights(resource, "rightsResource", image["rights"])


def to_bytes(element: etree._Element) -> bytes:
    """One record as a standalone XML document (with its schema location)."""
    element.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    data: bytes = etree.tostring(element, xml_declaration=True, encoding="UTF-8")
    return data


def record_document(obj: CollectionObject, institution: Agent, *, base_url: str) -> bytes:
    """One record as a standalone XML document (with its schema location)."""
    return (XML_DECLARATION + lido_xml(obj, institution, base_url=base_url,
                                       schema_location=True)).encode()


def iter_dump(records: Iterable[tuple[CollectionObject, Agent]], *, base_url: str
              ) -> Iterator[bytes]:
    """A ``lidoWrap`` document in chunks, one record at a time: memory stays flat."""
    yield (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<lido:lidoWrap xmlns:lido="' + LIDO_NS.encode() + b'" xmlns:xsi="' + XSI.encode()
           + b'" xsi:schemaLocation="' + SCHEMA_LOCATION.encode() + b'">\n')
    for obj, institution in records:
        yield lido_xml(obj, institution, base_url=base_url).encode() + b"\n"
    yield b"</lido:lidoWrap>\n"
