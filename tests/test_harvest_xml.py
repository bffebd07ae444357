"""Hardened XML parsing: XML bombs, external entities, truncation and streaming."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from harvesters.errors import ParseError, UnsafeXml
from harvesters.xml import iter_elements, parse_bytes
from tests.harvest_server import LocalServer, Reply, serve

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>
"""

QUADRATIC = (b'<?xml version="1.0"?>\n<!DOCTYPE bomb [<!ENTITY a "' + b"x" * 50_000
             + b'">]>\n<bomb>' + b"&a;" * 50_000 + b"</bomb>")

RECORDS = b"""<?xml version="1.0" encoding="UTF-8"?>
<wrap xmlns="urn:test"><rec n="1"/><rec n="2"/><rec n="3"/></wrap>"""


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def chunks(data: bytes, size: int = 7) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


@pytest.mark.parametrize("document", [BILLION_LAUGHS, QUADRATIC], ids=["billion", "quadratic"])
def test_entity_bombs_are_refused_quickly(document: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(UnsafeXml, match="entities"):
        parse_bytes(document)
    with pytest.raises(UnsafeXml):
        list(iter_elements(chunks(document, 1000), ["lolz", "bomb"]))
    assert time.monotonic() - started < 1.0


def test_an_external_entity_is_refused_and_never_fetched(server: LocalServer) -> None:
    server.route("/secret", Reply(b"top secret"))
    document = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY ext SYSTEM "{server.url("/secret")}">'
                f']><r>&ext;</r>').encode()
    with pytest.raises(UnsafeXml):
        parse_bytes(document)
    local = b'<!DOCTYPE r [<!ENTITY ext SYSTEM "file:///etc/passwd">]><r>&ext;</r>'
    with pytest.raises(UnsafeXml):
        parse_bytes(local)
    assert server.requests == []


def test_a_parameter_entity_is_refused() -> None:
    with pytest.raises(UnsafeXml):
        parse_bytes(b'<!DOCTYPE r [<!ENTITY % p "x"> ]><r/>')


def test_a_utf16_document_declaring_entities_is_refused() -> None:
    with pytest.raises(UnsafeXml):
        parse_bytes('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]>'
                    '<r>&a;</r>'.encode("utf-16"))


def test_an_external_dtd_is_not_loaded(server: LocalServer) -> None:
    server.route("/r.dtd", Reply(b'<!ENTITY a "b">'))
    with pytest.raises(UnsafeXml, match="external DTD"):
        parse_bytes(f'<!DOCTYPE r SYSTEM "{server.url("/r.dtd")}"><r>&a;</r>'.encode())
    with pytest.raises(UnsafeXml, match="external DTD"):
        list(iter_elements(chunks(b'<!DOCTYPE r SYSTEM "/dev/zero"><r><a/></r>'), ["a"]))
    assert server.requests == []


def test_a_doctype_without_entities_is_accepted() -> None:
    assert parse_bytes(b"<!DOCTYPE r><r>text</r>").text == "text"


def test_an_entity_mentioned_in_a_comment_is_not_a_declaration() -> None:
    root = parse_bytes(b"<!-- no <!ENTITY here --><r>ok</r>")
    assert root.text == "ok"


@pytest.mark.parametrize("document, message", [
    (b"", "empty"),
    (b"<r><a></r>", "malformed XML"),
    (b"<html><body>Not RDF</body>", "malformed XML"),
])
def test_malformed_documents_give_a_parse_error(document: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_bytes(document)


def test_iter_elements_yields_each_record_of_a_chunked_stream() -> None:
    found = [e.get("n") for e in iter_elements(chunks(RECORDS), ["{urn:test}rec"])]
    assert found == ["1", "2", "3"]


def test_a_truncated_stream_yields_the_complete_records_then_fails() -> None:
    truncated = RECORDS[:RECORDS.index(b'<rec n="3"') + 5]
    seen: list[str | None] = []
    with pytest.raises(ParseError, match="truncated or malformed"):
        for element in iter_elements(chunks(truncated), ["{urn:test}rec"]):
            seen.append(element.get("n"))
    assert seen == ["1", "2"]


def test_processed_records_are_released_while_streaming() -> None:
    body = b'<wrap xmlns="urn:test">' + b'<rec n="x"><t>text</t></rec>' * 2000 + b"</wrap>"
    sizes = []
    for element in iter_elements(chunks(body, 4096), ["{urn:test}rec"]):
        parent = element.getparent()
        assert parent is not None
        sizes.append(len(parent))
    # What is held is at most one chunk's worth of records, whatever the document's length.
    assert len(sizes) == 2000 and max(sizes) < 200
