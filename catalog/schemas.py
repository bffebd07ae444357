"""Input models of the catalog's services: what a caller may submit, validated field by field.

Vocabulary values may be given as a short code ("TRAN") or as the full IRI; they are stored as IRIs.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from catalog import vocabularies as voc
from catalog.errors import ValidationError

LANGUAGES = ("cs", "en", "de", "pl")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _http_url(value: str) -> str:
    if not URL_RE.match(value):
        raise ValueError("must be an http(s) URL")
    return value


def _slug(value: str) -> str:
    if not SLUG_RE.match(value) or len(value) > 120:
        raise ValueError("must be lowercase letters, digits and single hyphens (at most 120)")
    return value


def _lang_keys(value: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r}; use one of {', '.join(LANGUAGES)}")
    return value


def _lang_text(value: dict[str, str]) -> dict[str, str]:
    _lang_keys(value)
    cleaned = {lang: text.strip() for lang, text in value.items() if text and text.strip()}
    return cleaned


def _required_cs(value: dict[str, str]) -> dict[str, str]:
    if not value.get("cs"):
        raise ValueError("a Czech text (cs) is required")
    return value


def _vocabulary(vocabulary: dict[str, voc.Term], name: str) -> Any:
    def check(value: str) -> str:
        term = vocabulary.get(value) or voc.by_iri(vocabulary, value)
        if term is None:
            raise ValueError(f"unknown {name} {value!r}")
        return term.iri

    return AfterValidator(check)


def _choice(mapping: dict[str, str], name: str) -> Any:
    def check(value: str) -> str:
        if value in mapping:
            return mapping[value]
        if value in mapping.values():
            return value
        raise ValueError(f"unknown {name} {value!r}; use one of {', '.join(mapping)}")

    return AfterValidator(check)


def _ruian(value: str) -> str:
    if not value.startswith(voc.RUIAN_BASE) or not re.match(r"^[a-z-]+/\d+$",
                                                             value[len(voc.RUIAN_BASE):]):
        raise ValueError(f"must be a RÚIAN IRI such as {voc.LIBEREC_REGION_IRI}")
    return value


def _hvd_category(value: str) -> str:
    if not value.startswith(voc.HVD_CATEGORY_BASE) or len(value) > 300:
        raise ValueError(f"must be an HVD category IRI ({voc.HVD_CATEGORY_BASE}c_…)")
    return value


def _identifier(value: str) -> str:
    if not value or len(value) > 500 or any(ch.isspace() for ch in value):
        raise ValueError("must be 1 to 500 characters without spaces")
    return value


def _bbox(value: list[float]) -> list[float]:
    west, south, east, north = value
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError("must be [west, south, east, north] in WGS84 degrees")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
Slug = Annotated[str, AfterValidator(_slug)]
LangText = Annotated[dict[str, str], AfterValidator(_lang_text)]
RequiredLangText = Annotated[
    dict[str, str], AfterValidator(_lang_text), AfterValidator(_required_cs)]
ThemeIri = Annotated[str, _vocabulary(voc.THEMES, "theme")]
FrequencyIri = Annotated[str, _vocabulary(voc.FREQUENCIES, "frequency")]
FormatIri = Annotated[str, _vocabulary(voc.FILE_TYPES, "file type")]
LicenceIri = Annotated[str, _vocabulary(voc.LICENCES, "licence")]
RightsIri = Annotated[str, _vocabulary(voc.RIGHTS, "rights statement")]
RuianIri = Annotated[str, AfterValidator(_ruian)]
HvdCategoryIri = Annotated[str, AfterValidator(_hvd_category)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True,
                              validate_default=True)


class AgentInput(_Input):
    slug: Slug
    name: RequiredLangText
    homepage: HttpUrl | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    ico: Annotated[str, Field(pattern=r"^\d{8}$")] | None = None
    city: str | None = None


class ContactInput(_Input):
    name: str | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    url: HttpUrl | None = None


class TemporalInput(_Input):
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TemporalInput:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end is before start")
        return self


class DataServiceInput(_Input):
    """A dcat:DataService a distribution is served through (an API, SPARQL, WMS endpoint).
    Services are identified by their endpoint URL: datasets naming one endpoint share it."""

    title: RequiredLangText
    description: LangText = Field(default_factory=dict)
    endpoint_url: HttpUrl
    endpoint_description: HttpUrl | None = None
    license: LicenceIri | None = None


class DistributionInput(_Input):
    title: LangText = Field(default_factory=dict)
    description: LangText = Field(default_factory=dict)
    access_url: HttpUrl
    download_url: HttpUrl | None = None
    format: FormatIri | None = None
    media_type: Annotated[str, Field(pattern=r"^[\w.+-]+/[\w.+-]+$")] | None = None
    byte_size: Annotated[int, Field(ge=0)] | None = None
    license: LicenceIri | None = None
    terms_author_work: Annotated[str, _choice(voc.TERMS_AUTHOR_WORK, "author-work term")] = "none"
    terms_author: LangText = Field(default_factory=dict)
    terms_database_work: Annotated[
        str, _choice(voc.TERMS_DATABASE_WORK, "database-work term")] = "none"
    terms_database_author: LangText = Field(default_factory=dict)
    terms_special_db_rights: Annotated[
        str, _choice(voc.TERMS_SPECIAL_DB_RIGHTS, "special database right term")] = "none"
    personal_data: Annotated[str, _choice(voc.TERMS_PERSONAL_DATA, "personal-data term")] = "no"
    issued: date | None = None
    modified: date | None = None
    access_service: DataServiceInput | None = None


class DatasetInput(_Input):
    slug: Slug
    title: RequiredLangText
    description: RequiredLangText
    keywords: Annotated[dict[str, list[str]], AfterValidator(_lang_keys)] = Field(
        default_factory=dict)
    publisher: Slug
    themes: list[ThemeIri] = Field(default_factory=list)
    concepts: list[HttpUrl] = Field(default_factory=list)
    # The source's own identifiers (its dataset IRI, a DCAT-US identifier, a CKAN id): published
    # as adms:identifier (and owl:sameAs when an IRI) so the record keeps its identity.
    identifiers: list[Annotated[str, AfterValidator(_identifier)]] = Field(default_factory=list)
    # High-Value Datasets (EU 2023/138): ELI IRIs and HVD category IRIs.
    applicable_legislation: list[HttpUrl] = Field(default_factory=list)
    hvd_categories: list[HvdCategoryIri] = Field(default_factory=list)
    spatial: list[RuianIri] = Field(default_factory=list)
    bbox: Annotated[list[float], Field(min_length=4, max_length=4),
                    AfterValidator(_bbox)] | None = None
    temporal: TemporalInput | None = None
    frequency: FrequencyIri | None = None
    landing_page: HttpUrl | None = None
    documentation: HttpUrl | None = None
    contact: ContactInput | None = None
    issued: date | None = None
    modified: date | None = None
    state: Annotated[str, Field(pattern="^(draft|published|archived)$")] = "published"
    distributions: list[DistributionInput] = Field(default_factory=list)


class MeasurementInput(_Input):
    type: str
    value: float
    unit: str


class ProductionInput(_Input):
    maker: str | None = None
    date: str | None = None
    earliest_year: Annotated[int, Field(ge=-3_000_000, le=2100)] | None = None
    latest_year: Annotated[int, Field(ge=-3_000_000, le=2100)] | None = None
    place: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ProductionInput:
        if (self.earliest_year is not None and self.latest_year is not None
                and self.latest_year < self.earliest_year):
            raise ValueError("latest_year is before earliest_year")
        return self


class ImageInput(_Input):
    url: str
    rights: RightsIri | None = None
    caption: LangText = Field(default_factory=dict)

    @model_validator(mode="after")
    def _url(self) -> ImageInput:
        if not (URL_RE.match(self.url) or self.url.startswith("/static/")):
            raise ValueError("url must be an http(s) URL or a path under /static/")
        return self


class ObjectInput(_Input):
    institution: Slug
    inventory_number: Annotated[str, Field(min_length=1, max_length=100)]
    accession_number: str | None = None
    collection: str | None = None
    title: RequiredLangText
    object_type: Annotated[str, Field(min_length=1, max_length=200)]
    classification: list[str] = Field(default_factory=list)
    description: LangText = Field(default_factory=dict)
    materials: list[str] = Field(default_factory=list)
    techniques: list[str] = Field(default_factory=list)
    measurements: list[MeasurementInput] = Field(default_factory=list)
    production: ProductionInput = Field(default_factory=ProductionInput)
    subjects: list[str] = Field(default_factory=list)
    images: list[ImageInput] = Field(default_factory=list)
    rights: RightsIri | None = None
    esbirky_url: HttpUrl | None = None
    europeana_url: HttpUrl | None = None
    state: Annotated[str, Field(pattern="^(draft|published|archived)$")] = "published"
    acquisition: Annotated[str, Field(max_length=500)] | None = None


M = TypeVar("M", bound=BaseModel)


def parse_input(model: type[M], data: Any) -> M:
    """Validate ``data`` as ``model``; the first problem is raised naming its field."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "record"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ValidationError(field, message) from None
