"""A fast reader of one Turtle or N-Triples document (a harvested catalog page): oxigraph's
parser fills an rdflib graph whose store only indexes triples by subject and by predicate and
object, which is all the DCAT mapping asks of it (``objects``, ``subjects``). Several times
faster than rdflib's own Turtle parser and Memory store; the graph is read-only after parsing.

A document oxigraph refuses gives ``None``: the caller then reads it with rdflib (more lenient,
and its error names the problem)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.store import Store

SYNTAXES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_NOTHING: tuple[()] = ()
_EMPTY: dict[Any, Any] = {}

Triple = tuple[Any, Any, Any]


class SubjectIndexStore(Store):
    """An in-memory rdflib store of one graph with two indexes: subject → predicate → objects
    and predicate → object → subjects (insertion order kept, duplicates ignored)."""

    def __init__(self) -> None:
        super().__init__()
        self._spo: dict[Any, dict[Any, dict[Any, None]]] = {}
        self._pos: dict[Any, dict[Any, dict[Any, None]]] = {}
        self._count = 0

    def add(self, triple: Triple, context: Any = None, quoted: bool = False) -> None:
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            return
        objects[o] = None
        self._pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self._count += 1

    def addN(self, quads: Iterable[tuple[Any, Any, Any, Any]]) -> None:  # noqa: N802 - rdflib
        for s, p, o, _ in quads:
            self.add((s, p, o))

    def __len__(self, context: Any = None) -> int:
        return self._count

    def triples(self, triple_pattern: Any, context: Any = None
                ) -> Iterator[tuple[Triple, Iterator[Any]]]:
        s, p, o = triple_pattern
        if s is not None:
            predicates = self._spo.get(s) or {}
            pairs = [(p, predicates.get(p) or {})] if p is not None else predicates.items()
            for predicate, objects in pairs:
                for obj in objects if o is None else ([o] if o in objects else []):
                    yield (s, predicate, obj), iter(_NOTHING)
        elif p is not None:
            by_object = self._pos.get(p) or {}
            pairs = [(o, by_object.get(o) or {})] if o is not None else by_object.items()
            for obj, subjects in pairs:
                for subject in subjects:
                    yield (subject, p, obj), iter(_NOTHING)
        else:
            for subject, predicates in self._spo.items():
                for predicate, objects in predicates.items():
                    for obj in objects if o is None else ([o] if o in objects else []):
                        yield (subject, predicate, obj), iter(_NOTHING)


class IndexedGraph(Graph):
    """An rdflib graph over a ``SubjectIndexStore`` whose ``objects`` and ``subjects`` of a
    fixed pair read the indexes directly (the DCAT mapping makes some 70 such calls per
    dataset)."""

    def __init__(self) -> None:
        super().__init__(store=SubjectIndexStore())
        self._index: SubjectIndexStore = self.store  # type: ignore[assignment]

    def objects(self, subject: Any = None, predicate: Any = None,  # type: ignore[override]
                unique: bool = False) -> Iterator[Any]:
        if subject is not None and type(predicate) is URIRef:
            return iter(self._index._spo.get(subject, _EMPTY).get(predicate, _EMPTY))
        return super().objects(subject, predicate, unique)

    def subjects(self, predicate: Any = None, object: Any = None,  # type: ignore[override]  # noqa: A002
                 unique: bool = False) -> Iterator[Any]:
        if object is not None and type(predicate) is URIRef:
            return iter(self._index._pos.get(predicate, _EMPTY).get(object, _EMPTY))
        return super().subjects(predicate, object, unique)


def read_graph(data: bytes, syntax: str, base_iri: str) -> Graph | None:
    """The graph of a Turtle or N-Triples document (relative IRIs resolved against
    ``base_iri``); ``None`` for another syntax or a document oxigraph cannot read."""
    fmt = SYNTAXES.get(syntax)
    if fmt is None:
        return None
    graph = IndexedGraph()
    add = graph.store.add
    iris: dict[str, URIRef] = {}
    # Literals repeat (keywords, dates, code values): each is converted once per page.
    literals: dict[ox.Literal, Literal] = {}
    named, blank = ox.NamedNode, ox.BlankNode

    def term(node: Any) -> Any:
        kind = type(node)
        if kind is named:
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = URIRef(node.value)
            return iri
        if kind is blank:
            return BNode(node.value)
        literal = literals.get(node)
        if literal is None:
            if node.language:
                literal = Literal(node.value, lang=node.language)
            else:
                datatype = node.datatype
                literal = Literal(node.value, datatype=None if datatype.value == XSD_STRING
                                  else term(datatype))
            literals[node] = literal
        return literal

    try:
        for triple in ox.parse(data, fmt, base_iri=base_iri):
            add((term(triple.subject), term(triple.predicate), term(triple.object)), graph)
    except (SyntaxError, ValueError):
        return None
    return graph
