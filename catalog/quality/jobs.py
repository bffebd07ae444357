"""The quality batch job (outside the harvest and request paths): score every published
dataset with our SHACL shapes, the NKOD-style checks, the last link checks and what its harvest
source's records said (``SourceFlags``, given by the caller), in batches, and store one
``QualityScore`` per dataset."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rdflib import BNode, Graph, URIRef
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from catalog.models import Dataset, RecordState, utcnow
from catalog.quality.findings import Severity
from catalog.quality.models import LinkCheck, QualityScore
from catalog.quality.nkod import check_record
from catalog.quality.score import PLACEHOLDER_CHECK, LinkState, Score, score_record
from catalog.quality.validation import load_shapes, shacl_findings
from catalog.rdf import dcat_ap_3, dcat_ap_cz
from catalog.rdf.queries import iter_dataset_records
from catalog.rdf.records import DatasetRecord

# Dataset ids → the fields their harvest source filled with template placeholders (the
# harvesters know; the catalog does not import them).
SourceFlags = Callable[[Session, list[int]], Mapping[int, Sequence[str]]]


@dataclass
class AssessReport:
    datasets: int = 0
    violations: int = 0
    stale: int = 0
    placeholders: int = 0  # datasets flagged for template placeholders at their source


def link_states(session: Session, urls: Iterable[str]) -> dict[str, LinkState]:
    wanted = sorted(set(urls))
    found: dict[str, LinkState] = {}
    for start in range(0, len(wanted), 500):
        for check in session.exec(select(LinkCheck).where(
                col(LinkCheck.url).in_(wanted[start:start + 500]))):
            found[check.url] = LinkState(ok=check.ok, status=check.status)
    return found


def _owner(graph: Graph, node: object, owners: dict[str, str]) -> str | None:
    """The dataset a SHACL focus node belongs to (blank nodes through their referrers)."""
    seen = 0
    current = node
    while isinstance(current, BNode) and seen < 5:
        current = next(iter(graph.subjects(None, current)), None)
        seen += 1
    return owners.get(str(current)) if isinstance(current, URIRef) else None


def _violations(records: list[DatasetRecord]) -> Counter[str]:
    graph = dcat_ap_3.to_graph(t for record in records
                               for t in dcat_ap_cz.dataset_triples(record))
    owners: dict[str, str] = {}
    for record in records:
        owners[record.iri] = record.iri
        for dist in record.distributions:
            owners[dist.iri] = record.iri
            if dist.service_iri:
                owners.setdefault(dist.service_iri, record.iri)
    counts: Counter[str] = Counter()
    for finding in shacl_findings(graph, load_shapes()):
        if finding.severity is Severity.VIOLATION:
            focus = finding.focus
            node = URIRef(focus) if ":" in focus else BNode(focus)  # blank-node ids have none
            owner = _owner(graph, node, owners)
            if owner:
                counts[owner] += 1
    for record in records:
        counts[record.iri] += sum(1 for f in check_record(record)
                                  if f.severity is Severity.VIOLATION)
    return counts


def _store(session: Session, dataset_id: int, score: Score) -> None:
    row = session.exec(select(QualityScore).where(QualityScore.dataset_id == dataset_id)).first()
    if row is None:
        row = QualityScore(dataset_id=dataset_id)
        session.add(row)
    row.points = score.points
    row.max_points = score.max_points
    row.dimensions = {name: dict(value) for name, value in score.dimensions.items()}
    row.checks = [{"dimension": c.dimension.value, "check": c.name, "points": c.points,
                   "max": c.max} for c in score.checks]
    row.checks.append({"dimension": "contextuality", "check": "fresh", "points": 0, "max": 0,
                       "fresh": score.fresh})
    if score.placeholders:
        row.checks.append({"dimension": "contextuality", "check": PLACEHOLDER_CHECK,
                           "points": -score.penalty, "max": 0,
                           "fields": list(score.placeholders)})
    row.violations = score.violations
    row.computed_at = utcnow()


def assess_catalog(engine: Engine, *, today: date, batch: int = 200,
                   progress: Callable[[int], None] | None = None,
                   source_flags: SourceFlags | None = None) -> AssessReport:
    """Score every published dataset and store the scores; scores of datasets no longer
    published are removed. One transaction per batch. ``source_flags`` reads the template
    placeholders harvest sources had in the datasets (penalised and flagged)."""
    report = AssessReport()
    with Session(engine) as reader:
        chunk: list[DatasetRecord] = []
        for record in iter_dataset_records(reader):
            chunk.append(record)
            if len(chunk) == batch:
                _assess(engine, chunk, today, report, source_flags)
                chunk = []
                if progress:
                    progress(report.datasets)
        if chunk:
            _assess(engine, chunk, today, report, source_flags)
    with Session(engine) as session:
        published = select(Dataset.id).where(col(Dataset.state) == RecordState.PUBLISHED)
        session.exec(delete(QualityScore).where(  # type: ignore[call-overload]
            col(QualityScore.dataset_id).not_in(published)))
        session.commit()
    return report


def _assess(engine: Engine, records: list[DatasetRecord], today: date,
            report: AssessReport, source_flags: SourceFlags | None) -> None:
    violations = _violations(records)
    with Session(engine) as session:
        ids = dict(session.exec(select(Dataset.iri, Dataset.id).where(
            col(Dataset.iri).in_([r.iri for r in records]))).all())
        urls = [u for r in records for d in r.distributions
                for u in (d.distribution.access_url, d.distribution.download_url) if u]
        links = link_states(session, urls)
        flags = source_flags(session, [i for i in ids.values() if i]) if source_flags else {}
        for record in records:
            score = score_record(record, links=links, violations=violations[record.iri],
                                 today=today, placeholders=flags.get(ids[record.iri] or 0, ()))
            _store(session, ids[record.iri] or 0, score)
            report.datasets += 1
            report.violations += score.violations
            report.stale += score.fresh is False
            report.placeholders += bool(score.placeholders)
        session.commit()
