"""Reads of the stored quality scores and link checks: per dataset, per publisher, and the
broken-links report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, or_, select

from catalog.errors import NotFound
from catalog.models import Agent, AgentKind, Dataset, Distribution, RecordState
from catalog.quality.models import LinkCheck, QualityScore
from catalog.quality.score import PLACEHOLDER_CHECK, Dimension, rating


@dataclass(frozen=True)
class DatasetQuality:
    slug: str
    title: dict[str, str]
    points: int
    max_points: int
    dimensions: dict[str, Any]
    checks: list[dict[str, Any]]
    violations: int
    fresh: bool | None

    @property
    def rating(self) -> str:
        return rating(self.points, self.max_points)

    @property
    def missing(self) -> list[dict[str, Any]]:
        """The checks that did not earn all their points."""
        return [c for c in self.checks if c["max"] and c["points"] < c["max"]]

    @property
    def placeholders(self) -> list[str]:
        """The fields the harvest source filled with template placeholders (flagged)."""
        return next((list(c.get("fields", [])) for c in self.checks
                     if c.get("check") == PLACEHOLDER_CHECK), [])

    @property
    def penalty(self) -> int:
        return sum(-c["points"] for c in self.checks if c.get("check") == PLACEHOLDER_CHECK)

    def as_json(self) -> dict[str, Any]:
        flags = [{"flag": "source_placeholders", "label": "placeholder values in source",
                  "fields": self.placeholders, "penalty": self.penalty}] \
            if self.placeholders else []
        return {"dataset": self.slug, "points": self.points, "max_points": self.max_points,
                "rating": self.rating, "dimensions": self.dimensions,
                "checks": [c for c in self.checks
                           if c["check"] not in ("fresh", PLACEHOLDER_CHECK)],
                "violations": self.violations, "fresh": self.fresh, "flags": flags}


@dataclass(frozen=True)
class BrokenLink:
    dataset: str
    url: str
    status: int | None
    error: str | None


@dataclass
class PublisherQuality:
    agent: Agent
    datasets: list[DatasetQuality] = field(default_factory=list)
    broken_links: list[BrokenLink] = field(default_factory=list)
    links_checked_at: datetime | None = None  # the last check of any of its links; None: never

    @property
    def points(self) -> float:
        return sum(d.points for d in self.datasets) / len(self.datasets) if self.datasets else 0

    @property
    def max_points(self) -> int:
        return self.datasets[0].max_points if self.datasets else 405

    @property
    def rating(self) -> str:
        return rating(self.points, self.max_points)

    @property
    def stale(self) -> int:
        return sum(1 for d in self.datasets if d.fresh is False)

    @property
    def with_placeholders(self) -> int:
        """Datasets flagged for template placeholders at their harvest source."""
        return sum(1 for d in self.datasets if d.placeholders)

    def dimensions(self) -> dict[str, dict[str, float]]:
        result = {}
        for dimension in Dimension:
            got = [d.dimensions.get(dimension.value, {}) for d in self.datasets]
            result[dimension.value] = {
                "points": round(sum(g.get("points", 0) for g in got) / len(got), 1)
                if got else 0.0,
                "max": got[0].get("max", 0) if got else 0}
        return result

    def as_json(self, *, with_datasets: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "publisher": self.agent.slug, "name": self.agent.name,
            "datasets": len(self.datasets), "points": round(self.points, 1),
            "max_points": self.max_points, "rating": self.rating,
            "dimensions": self.dimensions(), "stale": self.stale,
            "placeholder_datasets": self.with_placeholders,
            "broken_links": len(self.broken_links),
            "links_checked_at": self.links_checked_at.isoformat() + "Z"
            if self.links_checked_at else None}
        if with_datasets:
            data["dataset_scores"] = [d.as_json() for d in self.datasets]
            data["broken_link_report"] = [b.__dict__ for b in self.broken_links]
        return data


def _dataset_quality(dataset: Dataset, score: QualityScore) -> DatasetQuality:
    fresh = next((c.get("fresh") for c in score.checks if c.get("check") == "fresh"), None)
    return DatasetQuality(dataset.slug, dataset.title, score.points, score.max_points,
                          score.dimensions, score.checks, score.violations, fresh)


def dataset_quality(session: Session, slug: str) -> DatasetQuality | None:
    """The last stored score of a published dataset (None until the job has scored it)."""
    row = session.exec(select(Dataset, QualityScore).join(
        QualityScore, QualityScore.dataset_id == Dataset.id).where(  # type: ignore[arg-type]
        Dataset.slug == slug, col(Dataset.state) == RecordState.PUBLISHED)).first()
    return _dataset_quality(*row) if row else None


def publishers_quality(session: Session, slug: str | None = None) -> list[PublisherQuality]:
    """Every publisher with its scored datasets and broken links (one publisher: ``slug``)."""
    agents_query = select(Agent).where(Agent.kind == AgentKind.PUBLISHER)
    if slug is not None:
        agents_query = agents_query.where(Agent.slug == slug)
    agents = {a.id: PublisherQuality(a) for a in session.exec(agents_query.order_by(
        col(Agent.slug)))}
    if slug is not None and not agents:
        raise NotFound("publisher", slug)
    rows = session.exec(select(Dataset, QualityScore).join(
        QualityScore, QualityScore.dataset_id == Dataset.id).where(  # type: ignore[arg-type]
        col(Dataset.state) == RecordState.PUBLISHED,
        col(Dataset.publisher_id).in_(list(agents))).order_by(col(Dataset.slug)))
    for dataset, score in rows:
        agents[dataset.publisher_id].datasets.append(_dataset_quality(dataset, score))
    publisher_ids = list(agents)
    for publisher_id, last in session.exec(_checked_links(
            publisher_ids, Dataset.publisher_id, func.max(LinkCheck.checked_at))
            .group_by(col(Dataset.publisher_id))):
        agents[publisher_id].links_checked_at = last
    broken: defaultdict[int, list[BrokenLink]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for publisher_id, dataset_slug, check in session.exec(_checked_links(
            publisher_ids, Dataset.publisher_id, Dataset.slug, LinkCheck)
            .where(col(LinkCheck.ok).is_(False)).order_by(col(Dataset.slug))):
        if (dataset_slug, check.url) not in seen:
            seen.add((dataset_slug, check.url))
            broken[publisher_id].append(BrokenLink(dataset_slug, check.url, check.status,
                                                   check.error))
    for publisher_id, items in broken.items():
        agents[publisher_id].broken_links = items
    return list(agents.values())


def _checked_links(publisher_ids: list[int | None], *columns: Any) -> Any:
    """``columns`` over the link checks of the published distributions of ``publisher_ids``
    (a check matches a distribution's access or download URL)."""
    return select(*columns).join(
        Distribution, Distribution.dataset_id == Dataset.id).join(  # type: ignore[arg-type]
        LinkCheck, or_(LinkCheck.url == Distribution.access_url,
                       LinkCheck.url == Distribution.download_url)).where(
        col(Dataset.state) == RecordState.PUBLISHED,
        col(Dataset.publisher_id).in_(publisher_ids))
