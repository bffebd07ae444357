"""How reuses are shown: their type and status in the visitor's language, plain text as
escaped paragraphs, a dataset's published reuses for its page, a publisher's count."""

from __future__ import annotations

import re

from flask_babel import gettext
from markupsafe import Markup, escape

from catalog.reuses import queries
from catalog.reuses.models import STATUS_LABELS, TYPE_LABELS, Reuse, ReuseStatus, ReuseType
from portal.state import db_session


def type_label(value: str) -> str:
    return gettext(TYPE_LABELS[ReuseType(value)]) if value in set(ReuseType) else value


def status_label(value: str) -> str:
    return gettext(STATUS_LABELS[ReuseStatus(value)]) if value in set(ReuseStatus) else value


def paragraphs(text: str) -> Markup:
    """Plain text as escaped paragraphs (the text is never read as HTML)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


def dataset_reuses(dataset_id: int | None) -> list[Reuse]:
    """The published reuses of a dataset (the dataset page's section)."""
    return queries.for_dataset(db_session(), dataset_id) if dataset_id else []


def publisher_reuse_count(publisher_id: int | None) -> int:
    """How many published reuses use the publisher's datasets (its page's facts)."""
    return queries.count_for_publisher(db_session(), publisher_id) if publisher_id else 0
