"""Europeana's content rules beyond EDM.xsd, written as XPath from
shared/reference/museums-lido-edm-oaipmh.md §2.2 (the schematron of europeana/metis-schema)."""

from __future__ import annotations

import re

from lxml import etree

NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "dcterms": "http://purl.org/dc/terms/", "edm": "http://www.europeana.eu/schemas/edm/",
      "ore": "http://www.openarchives.org/ore/terms/"}
CC_VERSIONS = r"(1\.0|2\.0|2\.1|2\.5|3\.0|4\.0)"
RIGHTS_PATTERNS = [
    re.compile(r"^http://creativecommons\.org/licenses/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd)/"
               + CC_VERSIONS + r"/([a-z]{2}/)?$"),
    re.compile(r"^http://creativecommons\.org/publicdomain/(zero|mark)/1\.0/$"),
    re.compile(r"^http://rightsstatements\.org/vocab/(NoC-NC|NoC-OKLR|InC|InC-EDU|InC-OW-EU|CNE)"
               r"/1\.0/$"),
]
EDM_TYPES = {"TEXT", "VIDEO", "IMAGE", "SOUND", "3D"}
ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


def _nonempty(element: etree._Element, path: str) -> bool:
    for found in element.xpath(path, namespaces=NS):
        if (found.text or "").strip() or found.get(f"{{{NS['rdf']}}}resource"):
            return True
    return False


def violations(rdf: etree._Element) -> list[str]:
    """Every broken rule of every ProvidedCHO and Aggregation in ``rdf`` (empty when valid)."""
    problems: list[str] = []
    for cho in rdf.xpath("edm:ProvidedCHO", namespaces=NS):
        about = cho.get(ABOUT)
        if not any(_nonempty(cho, p) for p in ("dc:subject", "dc:type", "dcterms:temporal",
                                               "dcterms:spatial")):
            problems.append(f"{about}: no dc:subject, dc:type, dcterms:temporal or spatial")
        if not (_nonempty(cho, "dc:title") or _nonempty(cho, "dc:description")):
            problems.append(f"{about}: no dc:title or dc:description")
        types = [t.text for t in cho.xpath("edm:type", namespaces=NS)]
        if len(types) != 1 or types[0] not in EDM_TYPES:
            problems.append(f"{about}: edm:type {types}")
        if "TEXT" in types and not _nonempty(cho, "dc:language"):
            problems.append(f"{about}: edm:type TEXT without dc:language")
    for aggregation in rdf.xpath("ore:Aggregation", namespaces=NS):
        about = aggregation.get(ABOUT)
        for name in ("edm:dataProvider", "edm:provider"):
            if not _nonempty(aggregation, name):
                problems.append(f"{about}: no {name}")
        shown = aggregation.xpath("edm:isShownAt/@rdf:resource | edm:isShownBy/@rdf:resource",
                                  namespaces=NS)
        if not shown:
            problems.append(f"{about}: neither edm:isShownAt nor edm:isShownBy")
        rights = aggregation.xpath("edm:rights/@rdf:resource", namespaces=NS)
        if len(rights) != 1 or not any(p.match(rights[0]) for p in RIGHTS_PATTERNS):
            problems.append(f"{about}: edm:rights {rights} is not an accepted http:// URI")
    for resource in rdf.xpath("edm:WebResource[edm:rights]", namespaces=NS):
        rights = resource.xpath("edm:rights/@rdf:resource", namespaces=NS)
        if not any(p.match(rights[0]) for p in RIGHTS_PATTERNS):
            about = resource.get(ABOUT)
            problems.append(f"{about}: edm:rights {rights}")
    return problems
