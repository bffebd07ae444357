"""Streaming RDF writers: N-Triples, Turtle, JSON-LD and RDF/XML written triple by triple, one
dataset at a time, so a dump of any size keeps memory flat (no whole-catalog Graph).

    with open(path, "w", encoding="utf-8") as out:
        count = write_catalog(out, records, "ttl", catalog=catalog_record)

Blank-node labels are unique within one writer. LKOD JSON-LD dumps use ``write_lkod``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from catalog.rdf import dcat_ap_3, dcat_ap_cz
from catalog.rdf.contexts import CONTEXT_2024
from catalog.rdf.dcat_ap_3 import Triple
from catalog.rdf.namespaces import PREFIXES
from catalog.rdf.records import CatalogRecord, DatasetRecord

FORMATS = ("nt", "ttl", "jsonld", "rdf")
MEDIA_TYPES = {"nt": "application/n-triples", "ttl": "text/turtle",
               "jsonld": "application/ld+json", "rdf": "application/rdf+xml"}
RDF_TYPE = str(RDF.type)
DCAT_DATASET = URIRef("http://www.w3.org/ns/dcat#dataset")
_LOCAL_NAME = re.compile(r"^[^\W\d][\w-]*$")
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda item: -len(str(item[1])))
# Every namespace ends with "/" or "#" and a local name holds neither: an IRI's only candidate
# namespace is what precedes its last "/" or "#" (one look-up instead of a scan).
_PREFIX_OF = {str(namespace): prefix for prefix, namespace in PREFIXES.items()}
assert all(namespace.endswith(("/", "#")) for namespace in _PREFIX_OF)


def _escape_literal(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


def _iri(value: str) -> str:
    if _IRI_ESCAPE.search(value):
        value = _IRI_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", value)
    return f"<{value}>"


class _Labels:
    """Stable blank-node labels for one output."""

    def __init__(self) -> None:
        self._labels: dict[BNode, str] = {}
        self._count = 0

    def __call__(self, node: BNode) -> str:
        label = self._labels.get(node)
        if label is None:
            self._count += 1
            label = self._labels[node] = f"b{self._count}"
        return label

    def forget(self) -> None:
        """Blank nodes never span datasets: drop the map after each one (labels stay unique)."""
        self._labels.clear()


class Writer:
    """One syntax: ``start``, then ``triples`` per chunk, then ``end``."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.labels = _Labels()

    def start(self) -> None:
        pass

    def triples(self, triples: Iterable[Triple]) -> None:
        raise NotImplementedError

    def end(self) -> None:
        pass


class NTriplesWriter(Writer):
    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self._encoded: dict[Node, str] = {}

    def term(self, node: Node) -> str:
        # Dispatch on the exact type first (the hot path: rdflib's isinstance checks go through
        # abc); subclasses of the term types take the general path below.
        kind = type(node)
        if kind is URIRef:
            # Predicates and vocabulary IRIs repeat in every dataset: encode each once.
            encoded = self._encoded.get(node)
            if encoded is None:
                if len(self._encoded) > 10_000:  # bounded: memory stays flat
                    self._encoded.clear()
                encoded = self._encoded[node] = self.encode_iri(node)  # type: ignore[arg-type]
            return encoded
        if kind is Literal:
            return self.literal(node)  # type: ignore[arg-type]
        if kind is BNode:
            return "_:" + self.labels(node)  # type: ignore[arg-type]
        if isinstance(node, URIRef):
            return _iri(str(node))
        if isinstance(node, BNode):
            return "_:" + self.labels(node)
        assert isinstance(node, Literal)
        return NTriplesWriter.literal(self, node)

    def literal(self, node: Literal) -> str:
        text = f'"{_escape_literal(str(node))}"'
        language = node.language
        if language:
            return f"{text}@{language}"
        datatype = node.datatype
        if datatype:
            return f"{text}^^{_iri(str(datatype))}"
        return text

    def encode_iri(self, node: URIRef) -> str:
        return _iri(str(node))

    def triples(self, triples: Iterable[Triple]) -> None:
        term, encoded = self.term, self._encoded
        parts = []
        subject: Node | None = None
        encoded_subject = ""
        for s, p, o in triples:
            if s is not subject:  # a dataset's triples come in runs of one subject
                subject, encoded_subject = s, term(s)
            parts.append(f"{encoded_subject} {encoded.get(p) or term(p)} {term(o)} .\n")
        self.out.write("".join(parts))
        self.labels.forget()


def _joined(term: Callable[[Node], str], objects: list[Node]) -> str:
    return ", ".join([term(o) for o in objects])


class TurtleWriter(NTriplesWriter):
    """Turtle grouped by subject, with our prefixes; no inlined blank nodes (labels)."""

    def start(self) -> None:
        self.out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n")

    def encode_iri(self, node: URIRef) -> str:
        value = str(node)
        if value == RDF_TYPE:
            return "a"
        cut = max(value.rfind("/"), value.rfind("#")) + 1
        prefix = _PREFIX_OF.get(value[:cut])
        if prefix is not None:
            local = value[cut:]
            if _LOCAL_NAME.match(local) and not local.endswith("."):
                return f"{prefix}:{local}"
        return _iri(value)

    def literal(self, node: Literal) -> str:
        datatype = node.datatype
        if datatype and not node.language:  # the datatype by its prefixed name
            return f'"{_escape_literal(str(node))}"^^{self.term(datatype)}'
        return super().literal(node)

    def triples(self, triples: Iterable[Triple]) -> None:
        subjects: dict[Node, dict[Node, list[Node]]] = {}
        subject: Node | None = None
        predicates: dict[Node, list[Node]] = {}
        for s, p, o in triples:
            if s is not subject:
                subject = s
                predicates = subjects.setdefault(s, {})
            objects = predicates.get(p)
            if objects is None:
                predicates[p] = [o]
            else:
                objects.append(o)
        term = self.term
        parts = []
        for node, by_predicate in subjects.items():
            body = " ;\n    ".join([
                f"{term(p)} {term(objects[0]) if len(objects) == 1 else _joined(term, objects)}"
                for p, objects in by_predicate.items()])
            parts.append(f"{term(node)} {body} .\n\n")
        self.out.write("".join(parts))
        self.labels.forget()


class JsonLdWriter(Writer):
    """A JSON-LD document with a prefix-only context and one node object per subject."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.first = True

    def start(self) -> None:
        context = {p: str(ns) for p, ns in PREFIXES.items()}
        self.out.write('{"@context": ' + json.dumps(context) + ', "@graph": [\n')

    def _compact(self, iri: str) -> str:
        for prefix, namespace in _PREFIX_ORDER:
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def _value(self, node: Node) -> dict[str, Any]:
        if isinstance(node, URIRef):
            return {"@id": str(node)}
        if isinstance(node, BNode):
            return {"@id": "_:" + self.labels(node)}
        assert isinstance(node, Literal)
        if node.language:
            return {"@value": str(node), "@language": node.language}
        if node.datatype:
            return {"@value": str(node), "@type": self._compact(str(node.datatype))}
        return {"@value": str(node)}

    def triples(self, triples: Iterable[Triple]) -> None:
        nodes: dict[Node, dict[str, Any]] = {}
        for s, p, o in triples:
            node = nodes.get(s)
            if node is None:
                node = nodes[s] = {"@id": self._value(s)["@id"]}
            if str(p) == RDF_TYPE and isinstance(o, URIRef):
                node.setdefault("@type", []).append(self._compact(str(o)))
            else:
                node.setdefault(self._compact(str(p)), []).append(self._value(o))
        for node in nodes.values():
            self.out.write(("" if self.first else ",\n") + json.dumps(node, ensure_ascii=False))
            self.first = False
        self.labels.forget()

    def end(self) -> None:
        self.out.write("\n]}\n")


class RdfXmlWriter(Writer):
    """RDF/XML with one rdf:Description per subject."""

    def start(self) -> None:
        namespaces = "".join(f'\n    xmlns:{p}="{ns}"' for p, ns in PREFIXES.items())
        self.out.write(f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{namespaces}>\n')

    def _qname(self, iri: str) -> str:
        for prefix, namespace in _PREFIX_ORDER:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if _LOCAL_NAME.match(local):
                    return f"{prefix}:{local}"
        raise ValueError(f"no XML name for the property {iri}")

    def _subject(self, node: Node) -> str:
        if isinstance(node, BNode):
            return f"rdf:nodeID={quoteattr(self.labels(node))}"
        return f"rdf:about={quoteattr(str(node))}"

    def _property(self, predicate: Node, obj: Node) -> str:
        name = self._qname(str(predicate))
        if isinstance(obj, URIRef):
            return f"    <{name} rdf:resource={quoteattr(str(obj))}/>\n"
        if isinstance(obj, BNode):
            return f"    <{name} rdf:nodeID={quoteattr(self.labels(obj))}/>\n"
        assert isinstance(obj, Literal)
        if obj.language:
            attribute = f" xml:lang={quoteattr(obj.language)}"
        elif obj.datatype:
            attribute = f" rdf:datatype={quoteattr(str(obj.datatype))}"
        else:
            attribute = ""
        return f"    <{name}{attribute}>{escape(str(obj))}</{name}>\n"

    def triples(self, triples: Iterable[Triple]) -> None:
        subjects: dict[Node, list[tuple[Node, Node]]] = {}
        for s, p, o in triples:
            subjects.setdefault(s, []).append((p, o))
        parts = []
        for subject, pairs in subjects.items():
            parts.append(f"  <rdf:Description {self._subject(subject)}>\n")
            parts.extend(self._property(p, o) for p, o in pairs)
            parts.append("  </rdf:Description>\n")
        self.out.write("".join(parts))
        self.labels.forget()

    def end(self) -> None:
        self.out.write("</rdf:RDF>\n")


WRITERS: dict[str, type[Writer]] = {"nt": NTriplesWriter, "ttl": TurtleWriter,
                                    "jsonld": JsonLdWriter, "rdf": RdfXmlWriter}


def writer(out: TextIO, fmt: str) -> Writer:
    try:
        return WRITERS[fmt](out)
    except KeyError:
        raise ValueError(f"unknown RDF format {fmt!r}; use one of {', '.join(FORMATS)}") from None


def write_catalog(out: TextIO, records: Iterable[DatasetRecord], fmt: str, *,
                  catalog: CatalogRecord | None = None,
                  dataset_triples: Callable[..., list[Triple]] = dcat_ap_cz.dataset_triples,
                  extra: Iterable[Triple] = ()) -> int:
    """Write ``records`` (and the catalog node linking them, if given) to ``out`` in ``fmt``
    (nt, ttl, jsonld, rdf), one dataset at a time; returns how many datasets were written."""
    sink = writer(out, fmt)
    sink.start()
    catalog_node = URIRef(catalog.iri if catalog is not None else "")
    count = 0
    described: set[str] = set() if catalog is None else {catalog.publisher.iri}
    for record in records:
        new_publisher = record.publisher.iri not in described
        described.add(record.publisher.iri)
        triples = dataset_triples(record, publisher=new_publisher)
        if catalog is not None:
            triples.append((catalog_node, DCAT_DATASET, URIRef(record.iri)))
        sink.triples(triples)
        count += 1
    if catalog is not None:
        sink.triples(dcat_ap_3.catalog_triples(catalog))
    extra = list(extra)
    if extra:
        sink.triples(extra)
    sink.end()
    return count


def write_lkod(out: TextIO, catalog: CatalogRecord, records: Iterable[DatasetRecord]) -> int:
    """One JSON-LD document (2024-05-28 context) holding the LKOD catalog and every dataset
    record: the bulk form of ``/katalog.jsonld`` plus the documents its IRIs lead to."""
    out.write('{"@context": ' + json.dumps(CONTEXT_2024, ensure_ascii=False) + ',\n"@graph": [\n')
    count = 0
    iris = []
    for record in records:
        document = dcat_ap_cz.dataset_to_lkod(record)
        del document["@context"]
        out.write(json.dumps(document, ensure_ascii=False) + ",\n")
        iris.append(record.iri)
        count += 1
    catalog_doc = dcat_ap_cz.catalog_to_lkod(catalog, iris)
    del catalog_doc["@context"]
    out.write(json.dumps(catalog_doc, ensure_ascii=False) + "\n]}\n")
    return count
