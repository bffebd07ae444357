"""REST API v1 reads of reuses (the showcase): the published ones, newest first, paged by
cursor, filtered by type or dataset; declared on the REST API's registry like its other
operations, so they are part of its OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, cast

from pydantic import Field

from catalog.models import Dataset
from catalog.reuses import queries
from catalog.reuses.models import Reuse, ReuseType
from portal.api import rest_models as m
from portal.api import rest_records as records
from portal.api.rest import ID, _base, api, next_url, time_key
from portal.state import db_session

ReuseTypeCode = Literal["application", "visualisation", "article", "idea", "api"]


class DatasetRef(m.Closed):
    slug: str
    title: m.Texts
    links: m.Links


class ReuseRecord(m.Closed):
    id: int
    type: ReuseTypeCode = Field(description="application, visualisation, article, idea or api")
    title: str = Field(description="plain text in `language`")
    description: str = Field(description="plain text in `language` (never HTML)")
    url: str = Field(description="where the reuse can be seen or used (http or https)")
    author_name: str | None
    language: str = Field(description="language of the title and description: cs, en, de, pl")
    datasets: list[DatasetRef] = Field(description="the published datasets it is built on")
    published_at: datetime
    updated_at: datetime
    links: m.Links


class ReusePage(m.Page):
    items: list[ReuseRecord]


class ReuseQuery(m.Query):
    type: Annotated[ReuseTypeCode | None, Field(description="only reuses of this type")] = None
    dataset: Annotated[m.Slug | None, Field(description="only reuses of this dataset")] = None


def _record(reuse: Reuse, datasets: list[Dataset], base: str) -> ReuseRecord:
    return ReuseRecord(
        id=reuse.id or 0,
        type=cast(ReuseTypeCode, reuse.type),
        title=reuse.title,
        description=reuse.description,
        url=reuse.url,
        author_name=reuse.author_name,
        language=reuse.language,
        datasets=[
            DatasetRef(
                slug=d.slug,
                title=records.texts(d.title),
                links=records.links(base, f"datasets/{d.slug}", f"datasets/{d.slug}"),
            )
            for d in datasets
        ],
        published_at=records.aware(reuse.published_at or reuse.created_at),
        updated_at=records.aware(reuse.updated_at),
        links=records.links(base, f"reuses/{reuse.id}", f"reuses/{reuse.id}"),
    )


@api.operation(
    "/reuses",
    operation_id="listReuses",
    summary="List reuses (the showcase)",
    tag="reuses",
    query=ReuseQuery,
    response=ReusePage,
)
def list_reuses(params: ReuseQuery) -> ReusePage:
    """Published applications, visualisations, articles, ideas and APIs built on the data,
    most recently published first; `type` and `dataset` narrow the listing."""
    session = db_session()
    key = time_key(params.cursor, "p")
    dataset_id = None
    if params.dataset is not None:
        dataset_id = queries.published_dataset_id(session, params.dataset)
        if dataset_id is None:
            return ReusePage(items=[], total=0, limit=params.limit, next=None)
    type_ = ReuseType(params.type) if params.type else None
    page = queries.published_page(
        session, params.limit, type_=type_, dataset_id=dataset_id, after=key
    )
    linked = queries.datasets_of(session, [r.id or 0 for r in page.items])
    base = _base()
    cursor = {"p": [page.next_key[0].isoformat(), page.next_key[1]]} if page.next_key else None
    return ReusePage(
        items=[_record(r, linked[r.id or 0], base) for r in page.items],
        total=page.total,
        limit=params.limit,
        next=next_url(cursor),
    )


@api.operation(
    "/reuses/{id}",
    operation_id="getReuse",
    summary="A reuse",
    tag="reuses",
    response=ReuseRecord,
    path_params=(ID,),
    errors=(404,),
)
def get_reuse(id: int) -> ReuseRecord:  # noqa: A002 - the path parameter's name
    """A published reuse with the datasets it uses."""
    session = db_session()
    reuse = queries.published_reuse(session, id)
    return _record(reuse, queries.datasets_of(session, [id])[id], _base())
