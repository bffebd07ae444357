"""Hardened XML parsing for everything harvested: no entity expansion, no network, no DTD loading,
lxml's default size limits (huge_tree off), and entity declarations refused outright, as
defusedxml does, so billion-laughs, quadratic-blowup and external-entity documents fail fast.

``parse_bytes`` parses a whole (already size-capped) document; ``iter_elements`` streams a large
one and yields the elements of interest, clearing each after use so memory stays flat.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import IO

from lxml import etree

from harvesters.errors import ParseError, UnsafeXml

PROLOG_LIMIT = 1024 * 1024  # bytes before the root element (XML declaration, comments, DOCTYPE)
READ_SIZE = 64 * 1024

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "recover": False,
    "remove_pis": True,
    "collect_ids": False,
}

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PI = re.compile(r"<\?.*?\?>", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE([^\[>]*)", re.I)
_EXTERNAL_ID = re.compile(r"\b(SYSTEM|PUBLIC)\b", re.I)


def hardened_parser() -> etree.XMLParser:
    """An lxml parser that expands no entity, reads no DTD and opens no connection."""
    return etree.XMLParser(**_PARSER_OPTIONS)


def _decode_head(head: bytes) -> str:
    """The beginning of a document as text, enough to read its prolog."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, errors="ignore")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="ignore")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("latin-1")


def _root_start(text: str) -> int | None:
    """Index of the root element's ``<`` in ``text`` (None if the prolog is not finished)."""
    position = 0
    while True:
        found = text.find("<", position)
        if found < 0:
            return None
        if text.startswith("<?", found):
            end = text.find("?>", found)
        elif text.startswith("<!--", found):
            end = text.find("-->", found)
        elif text.startswith("<!", found):  # DOCTYPE, possibly with an internal subset
            bracket = text.find("[", found)
            close = text.find(">", found)
            if bracket >= 0 and (close < 0 or bracket < close):
                end = text.find("]", bracket)
                end = text.find(">", end) if end >= 0 else -1
            else:
                end = close
        else:
            return found
        if end < 0:
            return None
        position = end + 1


def check_prolog(head: bytes, *, complete: bool = False) -> bool:
    """Refuse a document whose prolog declares entities. Returns whether the prolog was fully
    seen in ``head`` (else feed more bytes); ``complete`` says ``head`` is the whole document."""
    text = _decode_head(head)
    root = _root_start(text)
    prolog = text if root is None else text[:root]
    scrubbed = _PI.sub("", _COMMENT.sub("", prolog))
    if "<!ENTITY" in scrubbed.upper():
        raise UnsafeXml("the document declares XML entities, which are refused (entity "
                        "expansion and external entities are not allowed)")
    doctype = _DOCTYPE.search(scrubbed)
    if doctype and _EXTERNAL_ID.search(doctype.group(1)):
        # libxml2 reads a local external subset even with load_dtd off: refuse it outright.
        raise UnsafeXml("the document refers to an external DTD, which is refused")
    if root is None and not complete and len(head) >= PROLOG_LIMIT:
        raise UnsafeXml(f"no root element within the first {PROLOG_LIMIT} bytes")
    return root is not None or complete


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
    if "network" in message.lower():
        return f"refused to load an external DTD or entity over the network: {message}"
    if "amplification" in message.lower() or "entity" in message.lower():
        return f"refused XML entity use: {message}"
    return f"malformed XML: {message}"


def _entity_error(exc: etree.XMLSyntaxError) -> bool:
    message = str(exc).lower()
    return "amplification" in message or "entity" in message or "network" in message


def parse_bytes(data: bytes) -> etree._Element:
    """Parse a whole document with the hardened parser; any problem is a ``ParseError``."""
    if not data.strip():
        raise ParseError("the document is empty")
    check_prolog(data[:PROLOG_LIMIT], complete=len(data) <= PROLOG_LIMIT)
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        if _entity_error(exc):
            raise UnsafeXml(_syntax_message(exc)) from None
        raise ParseError(_syntax_message(exc)) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnsafeXml("the document declares XML entities, which are refused")
    return root


def iter_elements(stream: IO[bytes] | Iterable[bytes], tags: Iterable[str], *,
                  roots: Iterable[str] | None = None) -> Iterator[etree._Element]:
    """Stream ``stream`` (a file-like object or an iterable of byte chunks) and yield each
    complete element whose Clark name is in ``tags``. Each element is cleared, and its processed
    siblings removed, once the consumer asks for the next one: memory does not grow with the
    document. With ``roots``, the document's root element must be one of them (a document of
    another kind is an error, not an empty source). Malformed or truncated XML raises
    ``ParseError`` where it is found."""
    wanted = tuple(tags)
    allowed = tuple(roots or ())
    events = ("start", "end") if allowed else ("end",)
    parser = etree.XMLPullParser(events=events, tag=wanted + allowed, **_PARSER_OPTIONS)
    state = _RootCheck(allowed)
    head = b""
    prolog_checked = False
    for chunk in _chunks(stream):
        if not prolog_checked:
            head += chunk
            prolog_checked = check_prolog(head[:PROLOG_LIMIT])
            if not prolog_checked:
                continue
            chunk, head = head, b""
        yield from _feed(parser, chunk, wanted, state)
    if not prolog_checked:
        if not head.strip():
            raise ParseError("the document is empty")
        check_prolog(head, complete=True)
        yield from _feed(parser, head, wanted, state)
    try:
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise ParseError(_syntax_message(exc) + " (the document is truncated or malformed)") \
            from None
    yield from _events(parser, wanted, state)
    if allowed and not state.seen:
        raise ParseError("the root element is not " + " or ".join(allowed))


class _RootCheck:
    def __init__(self, roots: tuple[str, ...]) -> None:
        self.roots = roots
        self.seen = False

    def start(self, element: etree._Element) -> None:
        if self.seen or not self.roots:
            return
        if element.getparent() is not None or element.tag not in self.roots:
            raise ParseError(f"the root element is not {' or '.join(self.roots)} "
                             f"(found {element.getroottree().getroot().tag})")
        self.seen = True


def _chunks(stream: IO[bytes] | Iterable[bytes]) -> Iterator[bytes]:
    read = getattr(stream, "read", None)
    if read is None:
        yield from stream
        return
    while True:
        chunk = read(READ_SIZE)
        if not chunk:
            return
        yield chunk


def _feed(parser: etree.XMLPullParser, chunk: bytes, wanted: tuple[str, ...],
          state: _RootCheck) -> Iterator[etree._Element]:
    try:
        parser.feed(chunk)
    except etree.XMLSyntaxError as exc:
        if _entity_error(exc):
            raise UnsafeXml(_syntax_message(exc)) from None
        raise ParseError(_syntax_message(exc)) from None
    yield from _events(parser, wanted, state)


def _events(parser: etree.XMLPullParser, wanted: tuple[str, ...],
            state: _RootCheck) -> Iterator[etree._Element]:
    for event, element in parser.read_events():
        if event == "start":
            state.start(element)
            continue
        if element.tag not in wanted:
            continue
        yield element
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]


def local_name(element: etree._Element) -> str:
    """The tag of ``element`` without its namespace."""
    return etree.QName(element).localname
