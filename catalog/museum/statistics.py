"""Figures of one museum's collection in the register, for its statistics page: records by
state, sub-collection, object type, century, material and rights, and how many have images."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from catalog.models import CollectionObject, RecordState

TOP = 15


@dataclass
class CollectionStatistics:
    published: int = 0
    withdrawn: int = 0
    drafts: int = 0
    with_images: int = 0
    undated: int = 0
    collections: list[tuple[str, int]] = field(default_factory=list)
    object_types: list[tuple[str, int]] = field(default_factory=list)
    # (century, count): 19 is 1801–1900
    centuries: list[tuple[int, int]] = field(default_factory=list)
    materials: list[tuple[str, int]] = field(default_factory=list)
    rights: list[tuple[str, int]] = field(default_factory=list)


def century(year: int) -> int:
    """1801–1900 → 19; 1–100 → 1; -99–0 → 0; -199–-100 → -1 (centuries BC as negatives)."""
    return (year - 1) // 100 + 1


def collection_statistics(session: Session, institution_id: int) -> CollectionStatistics:
    """Counts over the museum's published records (and how many are withdrawn or drafts)."""
    stats = CollectionStatistics()
    mine = CollectionObject.institution_id == institution_id
    published = CollectionObject.state == RecordState.PUBLISHED
    for state, count in session.exec(select(CollectionObject.state, func.count()).where(mine)
                                     .group_by(CollectionObject.state)):
        if state == RecordState.PUBLISHED:
            stats.published = count
        elif state == RecordState.ARCHIVED:
            stats.withdrawn = count
        else:
            stats.drafts += count

    def grouped(column: object) -> list[tuple[str, int]]:
        rows = session.exec(select(column, func.count()).where(mine, published)  # type: ignore[call-overload]
                            .group_by(column).order_by(func.count().desc()).limit(TOP)).all()
        return [(value, count) for value, count in rows if value]

    stats.collections = grouped(CollectionObject.collection)
    stats.object_types = grouped(CollectionObject.object_type)
    stats.rights = grouped(CollectionObject.rights)
    centuries: Counter[int] = Counter()
    materials: Counter[str] = Counter()
    rows = session.exec(select(CollectionObject.earliest_year, CollectionObject.materials,
                               CollectionObject.images).where(mine, published)
                        .execution_options(yield_per=1000))
    for earliest, object_materials, images in rows:
        if earliest is None:
            stats.undated += 1
        else:
            centuries[century(earliest)] += 1
        materials.update(m.casefold() for m in object_materials or [])
        stats.with_images += bool(images)
    stats.centuries = sorted(centuries.items())
    stats.materials = materials.most_common(TOP)
    return stats
