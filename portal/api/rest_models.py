"""Response and query models of the REST API v1. Their JSON Schemas are the OpenAPI document's
schemas: every object is closed (``additionalProperties: false``) and every field required."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from catalog import vocabularies as voc
from catalog.search.base import Sort

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,400}$"

ThemeCode = Literal[tuple(voc.THEMES)]  # type: ignore[valid-type]
FormatCode = Literal[tuple(voc.FILE_TYPES)]  # type: ignore[valid-type]
LicenceCode = Literal[tuple(voc.LICENCES)]  # type: ignore[valid-type]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=120)]
FilterText = Annotated[str, Field(min_length=1, max_length=200)]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True,
                              frozen=True)


class Texts(Closed):
    """A text in the portal's languages (Czech always present for records)."""

    cs: str | None = None
    en: str | None = None
    de: str | None = None
    pl: str | None = None


class TextLists(Closed):
    """Words (keywords) per language."""

    cs: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    de: list[str] = Field(default_factory=list)
    pl: list[str] = Field(default_factory=list)


class Links(Closed):
    self: str = Field(description="this resource in the API")
    html: str = Field(description="its page on the portal")


class Problem(Closed):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    invalid_params: list[InvalidParam]


class InvalidParam(Closed):
    name: str
    reason: str


class AgentRef(Closed):
    slug: str
    name: Texts


class Contact(Closed):
    name: str | None
    email: str | None
    url: str | None


class Temporal(Closed):
    start: date | None
    end: date | None


class Terms(Closed):
    """The four Czech terms-of-use slots (IRIs)."""

    author_work: str
    database_work: str
    special_db_rights: str
    personal_data: str


class Distribution(Closed):
    id: int
    iri: str
    dataset: str
    title: Texts
    description: Texts
    access_url: str
    download_url: str | None
    format: str | None = Field(description="EU file-type code, e.g. CSV")
    media_type: str | None
    byte_size: int | None
    licence: str | None = Field(description="licence code, e.g. CC-BY-4.0")
    licence_iri: str | None
    terms: Terms
    issued: date | None
    modified: date | None
    links: Links


class Dataset(Closed):
    slug: str
    iri: str
    title: Texts
    description: Texts
    keywords: TextLists
    themes: list[str] = Field(description="EU data-theme codes")
    publisher: AgentRef
    contact: Contact | None
    spatial: list[str]
    bbox: list[float] | None = Field(description="[west, south, east, north] in WGS84")
    temporal: Temporal | None
    frequency: str | None
    landing_page: str | None
    documentation: str | None
    issued: date | None
    modified: date | None
    updated_at: datetime
    distributions: list[Distribution]
    links: Links


class Page(Closed):
    total: int = Field(description="how many items the whole listing has")
    limit: int
    next: str | None = Field(description="URL of the next page; null on the last page")


class DatasetPage(Page):
    items: list[Dataset]


class DistributionPage(Page):
    items: list[Distribution]


class Agent(Closed):
    slug: str
    iri: str
    name: Texts
    homepage: str | None
    email: str | None
    ico: str | None
    city: str | None
    count: int = Field(description="published datasets (publishers) or objects (institutions)")
    links: Links


class AgentPage(Page):
    items: list[Agent]


class Theme(Closed):
    code: str
    iri: str
    label: Texts
    count: int
    links: Links


class ThemePage(Page):
    items: list[Theme]


class Measurement(Closed):
    type: str
    value: float
    unit: str


class Image(Closed):
    url: str
    rights: str | None
    caption: Texts


class CollectionObject(Closed):
    id: int
    iri: str
    institution: AgentRef
    inventory_number: str
    accession_number: str | None
    collection: str | None
    title: Texts
    object_type: str
    classification: list[str]
    description: Texts
    materials: list[str]
    techniques: list[str]
    measurements: list[Measurement]
    maker: str | None
    production_date: str | None
    earliest_year: int | None
    latest_year: int | None
    production_place: str | None
    subjects: list[str]
    images: list[Image]
    rights: str | None
    esbirky_url: str | None
    europeana_url: str | None
    updated_at: datetime
    links: Links


class ObjectPage(Page):
    items: list[CollectionObject]


class WifiLocation(Closed):
    slug: str
    name: Texts
    kind: str
    lat: float
    lon: float
    municipality: str | None
    stop_ids: list[str]
    welcome: Texts
    links: Links


class WifiLocationPage(Page):
    items: list[WifiLocation]


class FacetValue(Closed):
    value: str
    count: int


HitKind = Literal["dataset", "object", "reuse"]


class SearchHit(Closed):
    kind: HitKind
    id: str = Field(description="dataset slug, object id or reuse id")
    title: Texts
    description: Texts
    snippet: str = Field(description="matched text; matches between \u0002 and \u0003")
    links: Links


class SearchPage(Page):
    items: list[SearchHit]
    kinds: dict[str, int] = Field(description="matches per kind, before the kind filter")
    facets: dict[str, list[FacetValue]]


# -- queries ----------------------------------------------------------------------------------

class Query(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: Annotated[int, Field(ge=1, le=100, description="items per page")] = 20
    cursor: Annotated[str | None, Field(pattern=CURSOR_PATTERN,
                                        description="from the previous page's next link")] = None


class TextQuery(Query):
    q: Annotated[str | None, Field(max_length=500, description="words to search for")] = None
    sort: Annotated[Sort | None, Field(description="relevance (default with q), newest "
                                                   "(default without), title")] = None


class DatasetQuery(TextQuery):
    theme: list[ThemeCode] = Field(default_factory=list, max_length=20)
    publisher: list[Slug] = Field(default_factory=list, max_length=20)
    format: list[FormatCode] = Field(default_factory=list, max_length=20)
    licence: list[LicenceCode] = Field(default_factory=list, max_length=20)
    keyword: list[FilterText] = Field(default_factory=list, max_length=20)


class ObjectQuery(TextQuery):
    institution: list[Slug] = Field(default_factory=list, max_length=20)
    object_type: list[FilterText] = Field(default_factory=list, max_length=20)


class SearchQueryParams(DatasetQuery):
    kind: HitKind | None = None
    institution: list[Slug] = Field(default_factory=list, max_length=20)
    object_type: list[FilterText] = Field(default_factory=list, max_length=20)


Problem.model_rebuild()
