"""NKOD-style checks beyond SHACL, modelled on the national catalog's mandatory-attribute
queries: RÚIAN spatial coverage, EU code-list IRIs (our trimmed copy in
``catalog.vocabularies``), IANA media types, ``mailto:`` e-mails, https URLs the 2024 JSON
Schemas require, and no unfilled template placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterator

from catalog import vocabularies as voc
from catalog.quality.findings import Finding, Severity
from catalog.rdf.namespaces import RPP_OVM
from catalog.rdf.records import DatasetRecord

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MEDIA_TYPE = re.compile(r"^[a-z]+/[\w.+-]+$")
# Unfilled templates ({{orgContactEmail}}), and stand-ins people type for "unknown".
PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}|\$\{.*?\}|^\s*(todo|tbd|n/?a|null|none|undefined|xxx+|-+|\?+|placeholder|"
    r"lorem ipsum.*)\s*$", re.IGNORECASE)
ALLOWED_PERSONAL_DATA = {voc.TERMS_PERSONAL_DATA["no"], voc.TERMS_PERSONAL_DATA["yes"]}


def _vocabulary_iris(vocabulary: dict[str, voc.Term]) -> set[str]:
    return {term.iri for term in vocabulary.values()}


THEMES = _vocabulary_iris(voc.THEMES)
FREQUENCIES = _vocabulary_iris(voc.FREQUENCIES)
FILE_TYPES = _vocabulary_iris(voc.FILE_TYPES)


def check_record(record: DatasetRecord) -> list[Finding]:
    """Every NKOD-style problem of one dataset record."""
    return list(_checks(record))


def _finding(focus: str, path: str, message: str,
             severity: Severity = Severity.VIOLATION) -> Finding:
    return Finding(severity, focus, path, message, "nkod")


def _texts(record: DatasetRecord) -> Iterator[tuple[str, str, str]]:
    ds = record.dataset
    for field in ("title", "description"):
        for lang, text in getattr(ds, field).items():
            yield record.iri, f"{field}.{lang}", text
    for lang, words in ds.keywords.items():
        for word in words:
            yield record.iri, f"keywords.{lang}", word
    if ds.contact:
        for field in ("name", "email", "url"):
            value = getattr(ds.contact, field)
            if value is not None:
                yield record.iri, f"contact.{field}", value
    for dist in record.distributions:
        for lang, text in dist.distribution.title.items():
            yield dist.iri, f"title.{lang}", text
        for field in ("access_url", "download_url"):
            value = getattr(dist.distribution, field)
            if value:
                yield dist.iri, field, value
    agent = record.publisher.agent
    for lang, text in agent.name.items():
        yield record.publisher.iri, f"name.{lang}", text
    if agent.email:
        yield record.publisher.iri, "email", agent.email


def _checks(record: DatasetRecord) -> Iterator[Finding]:
    ds = record.dataset
    iri = record.iri
    if not iri.startswith("https://"):
        yield _finding(iri, "iri", "LKOD dataset IRIs must be https IRIs")
    if not ds.spatial:
        yield _finding(iri, "spatial", "no RÚIAN element (prvek_rúian) as spatial coverage")
    for place in ds.spatial:
        if not re.match(re.escape(voc.RUIAN_BASE) + r"[a-z-]+/\d+$", place):
            yield _finding(iri, "spatial", f"not a RÚIAN IRI: {place}")
    if not any(theme in THEMES for theme in ds.themes):
        yield _finding(iri, "themes", "no theme from the EU data-theme list")
    for theme in ds.themes:
        if theme not in THEMES:
            yield _finding(iri, "themes", f"not an EU data-theme IRI: {theme}")
    if ds.frequency is None:
        yield _finding(iri, "frequency", "no update frequency (periodicita_aktualizace)")
    elif ds.frequency not in FREQUENCIES:
        yield _finding(iri, "frequency", f"not an EU frequency IRI: {ds.frequency}")
    if not any(ds.keywords.values()):
        yield _finding(iri, "keywords", "no keyword (klíčové_slovo)")
    if not record.distributions:
        yield _finding(iri, "distributions", "no distribution")
    if ds.contact and ds.contact.email and not EMAIL.match(ds.contact.email):
        yield _finding(iri, "contact.email", f"not an e-mail address: {ds.contact.email}")
    if not record.publisher.iri.startswith(RPP_OVM):
        yield _finding(iri, "publisher", "the publisher has no IČO, so no RPP IRI for NKOD",
                       Severity.WARNING)
    if ds.hvd_categories and voc.HVD_LEGISLATION not in ds.applicable_legislation:
        yield _finding(iri, "applicable_legislation",
                       "an HVD dataset must name the HVD regulation (2023/138)")
    for dist in record.distributions:
        item = dist.distribution
        if not dist.iri.startswith(("https://", "http://")):
            yield _finding(dist.iri, "iri", "a distribution needs an http(s) IRI")
        for field in ("access_url", "download_url"):
            value = getattr(item, field)
            if value and not value.startswith("https://"):
                yield _finding(dist.iri, field, f"the 2024 LKOD schema requires https: {value}")
        if item.access_service is None:
            for field, value in (("download_url", item.download_url), ("format", item.format),
                                 ("media_type", item.media_type)):
                if not value:
                    yield _finding(dist.iri, field,
                                   f"a file distribution needs {field.replace('_', ' ')}")
        elif not item.access_service.endpoint_url.startswith("https://"):
            yield _finding(dist.iri, "access_service.endpoint_url",
                           "the 2024 LKOD schema requires an https endpoint")
        if item.format and item.format not in FILE_TYPES:
            yield _finding(dist.iri, "format", f"not an EU file-type IRI: {item.format}")
        if item.media_type and not MEDIA_TYPE.match(item.media_type):
            yield _finding(dist.iri, "media_type", f"not an IANA media type: {item.media_type}")
        if item.personal_data not in ALLOWED_PERSONAL_DATA:
            yield _finding(dist.iri, "personal_data",
                           "the 2024 LKOD schema allows only 'contains' or 'does not contain' "
                           "personal data")
    for focus, field, text in _texts(record):
        if PLACEHOLDER.search(text):
            yield _finding(focus, field, f"placeholder value {text!r}")
