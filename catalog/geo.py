"""Spatial reads: published datasets whose bounding box meets a given box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from catalog.models import Dataset, RecordState


@dataclass(frozen=True)
class BBox:
    """A WGS 84 bounding box (degrees)."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        if not (-180 <= self.west <= 180 and -180 <= self.east <= 180
                and -90 <= self.south <= 90 and -90 <= self.north <= 90):
            raise ValueError("coordinates out of range")
        if self.west > self.east or self.south > self.north:
            raise ValueError("west must not exceed east, nor south north")


def datasets_in_bbox(session: Session, box: BBox | None, limit: int = 200) -> Sequence[Dataset]:
    """Published datasets with a bounding box that intersects ``box`` (all with one when
    ``box`` is None), newest first."""
    query = select(Dataset).where(Dataset.state == RecordState.PUBLISHED,
                                  col(Dataset.bbox_west).is_not(None))
    if box is not None:
        query = query.where(col(Dataset.bbox_west) <= box.east,
                            col(Dataset.bbox_east) >= box.west,
                            col(Dataset.bbox_south) <= box.north,
                            col(Dataset.bbox_north) >= box.south)
    return session.exec(query.order_by(col(Dataset.modified).desc().nulls_last(),
                                       col(Dataset.id).desc()).limit(limit)).all()
