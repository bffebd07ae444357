"""Published reuses in the portal's search: their documents (kind ``reuse``), registered as a
document source by ``catalog.search.indexer``."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, col, select

from catalog.reuses.models import Reuse, ReuseStatus, ReuseType
from catalog.search.base import SearchDocument
from catalog.search.documents import make_document

KIND = "reuse"
# Words a visitor may search a reuse by, per type (in the portal's languages).
TYPE_WORDS = {
    ReuseType.APPLICATION: "aplikace application Anwendung aplikacja",
    ReuseType.VISUALISATION: "vizualizace visualisation Visualisierung wizualizacja",
    ReuseType.ARTICLE: "článek article Artikel artykuł",
    ReuseType.IDEA: "nápad idea Idee pomysł",
    ReuseType.API: "API",
}


def reuse_document(reuse: Reuse) -> SearchDocument:
    """The search document of a published reuse: its text in its one language."""
    text = " ".join(filter(None, [TYPE_WORDS.get(ReuseType(reuse.type), ""), reuse.author_name]))
    return make_document(
        KIND,
        reuse.id or 0,
        str(reuse.id),
        {reuse.language: reuse.title},
        {reuse.language: reuse.description},
        [],
        text,
        {},
        reuse.updated_at.date().isoformat(),
        created=reuse.published_at or reuse.created_at,
        updated=reuse.updated_at,
        sort_text=reuse.title,
    )


def published_reuse_ids(session: Session, after: int, limit: int) -> list[int]:
    return [
        i
        for i in session.exec(
            select(Reuse.id)
            .where(col(Reuse.id) > after, Reuse.status == ReuseStatus.PUBLISHED)
            .order_by(col(Reuse.id))
            .limit(limit)
        )
        if i is not None
    ]


def reuse_documents(session: Session, ids: list[int]) -> Iterator[SearchDocument]:
    for reuse in session.exec(
        select(Reuse)
        .where(col(Reuse.id).in_(ids), Reuse.status == ReuseStatus.PUBLISHED)
        .order_by(col(Reuse.id))
    ):
        yield reuse_document(reuse)
