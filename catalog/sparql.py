"""The read-only SPARQL endpoint's engine: an embedded Oxigraph store (kept by
``catalog.sparql_store``: rebuilt, and updated by the outbox drain) and queries run in
a child process that is killed at the timeout, so a runaway query really stops and the web
worker stays healthy. SELECT/ASK results as SPARQL JSON, XML or CSV, CONSTRUCT/DESCRIBE as RDF;
at most ``row_cap`` rows or triples. Updates are refused."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
}
GRAPH_TYPES = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
                     re.IGNORECASE)
_COMMENT = re.compile(r"(?m)#[^\n<>\"']*$")


class SparqlError(Exception):
    """Base of the endpoint's refusals; the web layer maps each to a status."""


class SparqlSyntaxError(SparqlError):
    """The query does not parse (400, with the parser's message)."""


class SparqlUpdateRefused(SparqlError):
    """An update was sent to the read-only endpoint (400)."""


class SparqlTimeout(SparqlError):
    """The query ran past the timeout and was stopped (503)."""


class SparqlUnavailable(SparqlError):
    """There is no store yet (run ``portal sparql rebuild``) or it cannot be opened (503)."""


@dataclass(frozen=True)
class SparqlAnswer:
    media_type: str
    body: bytes
    truncated: bool


def check_query(query: str) -> None:
    """Refuse updates before anything runs (the store is opened read-only as well)."""
    if _UPDATE.match(_COMMENT.sub("", query)):
        raise SparqlUpdateRefused("this endpoint is read-only: SPARQL updates are refused")


def run_query(store_path: Path, query: str, fmt: str, *, row_cap: int,
              timeout: float) -> SparqlAnswer:
    """Run ``query`` on the store in a child process; kill it after ``timeout`` seconds."""
    check_query(query)
    if not store_path.exists():
        raise SparqlUnavailable("the SPARQL store has not been built yet")
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, str(store_path), query, fmt, row_cap),
                            daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise SparqlTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        kind, payload = receiver.recv()
    except EOFError:
        raise SparqlUnavailable("the query process ended without an answer") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if kind == "syntax":
        raise SparqlSyntaxError(payload)
    if kind == "error":
        raise SparqlUnavailable(payload)
    media_type, body, truncated = payload
    return SparqlAnswer(media_type, body, truncated)


def _child(sender: Any, store_path: str, query: str, fmt: str, row_cap: int) -> None:
    try:
        store = ox.Store.read_only(store_path)
        try:
            # Each dataset, publisher and the catalog node have a graph: query their union.
            results = store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            sender.send(("syntax", str(exc)))
            return
        sender.send(("ok", _serialize(results, fmt, row_cap)))
    except Exception as exc:  # reported to the parent, which answers 503
        sender.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def _serialize(results: Any, fmt: str, row_cap: int) -> tuple[str, bytes, bool]:
    if isinstance(results, ox.QueryBoolean):
        value = bool(results)
        if fmt == "xml":
            body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n")
            return RESULT_TYPES["xml"], body.encode(), False
        if fmt == "csv":
            return RESULT_TYPES["csv"], f"_askResult\r\n{str(value).lower()}\r\n".encode(), False
        return RESULT_TYPES["json"], json.dumps({"head": {}, "boolean": value}).encode(), False
    if isinstance(results, ox.QueryTriples):
        triples: list[Any] = []
        truncated = False
        for triple in results:
            if len(triples) >= row_cap:
                truncated = True
                break
            triples.append(triple)
        media_type, rdf_format = GRAPH_TYPES.get(fmt, GRAPH_TYPES["ttl"])
        return media_type, ox.serialize(triples, format=rdf_format) or b"", truncated
    variables = [v.value for v in results.variables]
    rows: list[list[Any]] = []
    truncated = False
    for solution in results:
        if len(rows) >= row_cap:
            truncated = True
            break
        rows.append([solution[v] for v in variables])
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if term is None else _plain(term) for term in row])
        return RESULT_TYPES["csv"], out.getvalue().encode(), truncated
    if fmt == "xml":
        return RESULT_TYPES["xml"], _xml(variables, rows).encode(), truncated
    bindings = [{name: _json_term(term) for name, term in zip(variables, row, strict=True)
                 if term is not None} for row in rows]
    body = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False)
    return RESULT_TYPES["json"], body.encode(), truncated


def _plain(term: Any) -> str:
    return str(term.value)


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value: dict[str, str] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def _xml(variables: list[str], rows: list[list[Any]]) -> str:
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
             "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>",
             "<results>"]
    for row in rows:
        parts.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is None:
                continue
            data = _json_term(term)
            if data["type"] == "uri":
                inner = f"<uri>{escape(data['value'])}</uri>"
            elif data["type"] == "bnode":
                inner = f"<bnode>{escape(data['value'])}</bnode>"
            else:
                attributes = ""
                if "xml:lang" in data:
                    attributes = f" xml:lang={quoteattr(data['xml:lang'])}"
                elif "datatype" in data:
                    attributes = f" datatype={quoteattr(data['datatype'])}"
                inner = f"<literal{attributes}>{escape(data['value'])}</literal>"
            parts.append(f"<binding name={quoteattr(name)}>{inner}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts)
