"""Register records → simple Dublin Core (``oai_dc``, the format every OAI-PMH harvester reads)."""

from __future__ import annotations

from lxml import etree

from catalog.models import Agent, CollectionObject
from catalog.museum.edm import DC_NS, edm_rights
from catalog.museum.lido_export import absolute
from catalog.museum.xmlwriter import Node, declarations

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
DECLARATIONS = declarations({"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}) + (
    f' xsi:schemaLocation="{OAI_DC_NS} {OAI_DC_SCHEMA}"')


def _add(parent: Node, name: str, text: str, lang: str | None = None) -> None:
    parent.add("dc:" + name, text, {"xml:lang": lang} if lang else None)


def dc_xml(obj: CollectionObject, institution: Agent, *, base_url: str) -> str:
    """One object as the XML text of an ``oai_dc:dc`` element."""
    root = Node("oai_dc:dc")
    for lang, text in obj.title.items():
        _add(root, "title", text, lang)
    if obj.maker:
        for maker in obj.maker.split("; "):
            _add(root, "creator", maker)
    for subject in obj.subjects:
        _add(root, "subject", subject, "cs")
    for lang, text in obj.description.items():
        _add(root, "description", text, lang)
    _add(root, "publisher", institution.name.get("cs") or institution.slug)
    if obj.production_date:
        _add(root, "date", obj.production_date)
    _add(root, "type", obj.object_type, "cs")
    _add(root, "type", "PhysicalObject")
    for m in obj.measurements:
        _add(root, "format", f"{m['type']}: {m['value']} {m['unit']}", "cs")
    for material in obj.materials:
        _add(root, "format", material, "cs")
    _add(root, "identifier", obj.iri)
    _add(root, "identifier", obj.inventory_number)
    for image in obj.images[:1]:
        _add(root, "relation", absolute(base_url, image["url"]))
    if obj.production_place:
        _add(root, "coverage", obj.production_place)
    _add(root, "rights", edm_rights(obj))
    return root.render(DECLARATIONS)


def object_to_dc(obj: CollectionObject, institution: Agent, *, base_url: str) -> etree._Element:
    """One object as an lxml ``oai_dc:dc`` element."""
    element: etree._Element = etree.fromstring(dc_xml(obj, institution, base_url=base_url))
    return element
