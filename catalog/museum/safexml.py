"""Hardened XML reading for untrusted uploads and harvests: no DTD, no entities, no network.

Every document with a DOCTYPE is refused outright (that is where entity bombs and external
entities live); lxml is also told never to load a DTD, resolve an entity or touch the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from lxml import etree


class XmlError(ValueError):
    """The document is refused: it declares a DTD or entities, is not well-formed, or its root
    is not what the caller reads."""


def parser() -> etree.XMLParser:
    """An lxml parser that loads no DTD, expands no entity and never uses the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True)


def _refuse_doctype(tree: etree._ElementTree) -> None:
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlError("a DOCTYPE (DTD or entity declarations) is not allowed")


def parse_bytes(data: bytes) -> etree._Element:
    """The root element of ``data``; XmlError for a DOCTYPE or malformed XML."""
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        if b"<!DOCTYPE" in data:  # libxml2 stopped an entity bomb before we could look
            raise XmlError("a DOCTYPE (DTD or entity declarations) is not allowed") from None
        raise XmlError(f"not well-formed XML: {exc}") from None
    _refuse_doctype(root.getroottree())
    return root


def iterparse(source: IO[bytes] | str, tag: str, *, roots: set[str] | None = None
              ) -> Iterator[etree._Element]:
    """Stream the elements named ``tag`` (Clark notation) of a possibly huge document.

    Each element is yielded when complete; the caller must not keep it: it is cleared (with its
    finished siblings) as soon as the caller asks for the next one, so memory stays flat.
    ``roots`` (Clark names) restricts the root element.
    """
    events = etree.iterparse(source, events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    checked = False
    try:
        for event, element in events:
            if not checked:
                _refuse_doctype(element.getroottree())
                if roots is not None and element.tag not in roots:
                    expected = " or ".join(sorted(roots))
                    raise XmlError(f"the root element is {element.tag}; expected {expected}")
                checked = True
            if event != "end" or element.tag != tag:
                continue
            yield element
            element.clear(keep_tail=True)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        if "entity" in str(exc).lower() and not checked:
            raise XmlError("a DOCTYPE (DTD or entity declarations) is not allowed") from None
        raise XmlError(f"not well-formed XML: {exc}") from None
