"""SHACL validation with pyshacl: our own shapes (``shapes.ttl``) or any given shapes graph,
over a graph or over the whole catalog in batches (memory stays flat: the shapes look at one
dataset's nodes at a time)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from catalog.quality.findings import Finding, Severity
from catalog.quality.nkod import check_record
from catalog.rdf import dcat_ap_3, dcat_ap_cz
from catalog.rdf.records import CatalogRecord, DatasetRecord

SHAPES = Path(__file__).with_name("shapes.ttl")
SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING,
              SH.Info: Severity.INFO}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    datasets: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def conforms(self) -> bool:
        return self.count(Severity.VIOLATION) == 0


@lru_cache(maxsize=4)
def load_shapes(*paths: Path) -> Graph:
    """One graph of the shapes in ``paths`` (default: ours), parsed once per process."""
    graph = Graph()
    for path in paths or (SHAPES,):
        graph.parse(path, format="turtle")
    return graph


def shacl_findings(data: Graph, shapes: Graph, source: str = "shacl") -> list[Finding]:
    """The results of validating ``data`` against ``shapes``, as findings."""
    _conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                                 allow_warnings=True, advanced=True)
    assert isinstance(results, Graph)
    findings = []
    for result in results.subjects(SH.resultSeverity, None):
        severity = SEVERITIES.get(results.value(result, SH.resultSeverity),  # type: ignore
                                  Severity.VIOLATION)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        findings.append(Finding(severity, str(results.value(result, SH.focusNode)),
                                str(path) if isinstance(path, URIRef) else "",
                                str(message or ""), source))
    return findings


def validate_records(records: Iterable[DatasetRecord], *, catalog: CatalogRecord | None = None,
                     shapes: Graph | None = None, batch: int = 200,
                     progress: Callable[[int], None] | None = None) -> Report:
    """SHACL (ours unless ``shapes`` is given) and the NKOD-style checks over ``records``,
    validated ``batch`` datasets at a time."""
    shapes = shapes if shapes is not None else load_shapes()
    report = Report()
    for chunk in _chunks(records, batch):
        graph = dcat_ap_3.to_graph(t for record in chunk
                                   for t in dcat_ap_cz.dataset_triples(record))
        report.findings.extend(shacl_findings(graph, shapes))
        for record in chunk:
            report.findings.extend(check_record(record))
        report.datasets += len(chunk)
        if progress:
            progress(report.datasets)
    if catalog is not None:
        report.findings.extend(shacl_findings(
            dcat_ap_3.to_graph(dcat_ap_3.catalog_triples(catalog)), shapes))
    return report


def _chunks(records: Iterable[DatasetRecord], size: int) -> Iterator[list[DatasetRecord]]:
    chunk: list[DatasetRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
