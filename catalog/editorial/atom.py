"""Atom 1.0 feeds (RFC 4287) of editorial items, as a pure function of already-localized
entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedEntry:
    id: str  # a stable IRI
    title: str
    link: str
    updated: datetime
    summary: str
    content_html: str


def _stamp(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def feed(*, feed_id: str, title: str, link: str, self_link: str, lang: str,
         entries: Iterable[FeedEntry], updated: datetime) -> bytes:
    """The feed document (UTF-8 XML)."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    ET.SubElement(root, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(root, f"{{{ATOM}}}title").text = title
    ET.SubElement(root, f"{{{ATOM}}}updated").text = _stamp(updated)
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self", "href": self_link})
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = title
    for entry in entries:
        node = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(node, f"{{{ATOM}}}id").text = entry.id
        ET.SubElement(node, f"{{{ATOM}}}title").text = entry.title
        ET.SubElement(node, f"{{{ATOM}}}link", {"rel": "alternate", "href": entry.link})
        ET.SubElement(node, f"{{{ATOM}}}updated").text = _stamp(entry.updated)
        if entry.summary:
            ET.SubElement(node, f"{{{ATOM}}}summary").text = entry.summary
        if entry.content_html:
            ET.SubElement(node, f"{{{ATOM}}}content", {"type": "html"}).text = \
                entry.content_html
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
