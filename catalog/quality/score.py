"""The metadata quality score, in the spirit of data.europa.eu's MQA: five dimensions
(findability, accessibility, interoperability, reusability, contextuality), each the sum of
named checks worth points, 405 points in all. Accessibility points come from the link checks;
interoperability includes conformance to our SHACL shapes. Freshness flags a dataset not
modified within its declared update frequency. A harvested dataset whose source filled fields
with unfilled template placeholders (``{{orgContactEmail}}``) is flagged and loses
``PLACEHOLDER_PENALTY`` points. Pure functions: the batch job is in ``jobs``."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from catalog import vocabularies as voc
from catalog.rdf.records import DatasetRecord

# The labels are English msgids marked for extraction; the portal translates them.
from catalog.vocabularies import N_

NON_PROPRIETARY = {"CSV", "JSON", "GEOJSON", "XML", "ODS", "HTML", "RDF_TURTLE", "JSON_LD",
                   "RDF_XML", "TXT", "KML", "GML", "GPKG", "WMS_SRVC", "WFS_SRVC"}
MACHINE_READABLE = {"CSV", "JSON", "GEOJSON", "XML", "XLSX", "XLS", "ODS", "SHP", "KML", "GML",
                    "GPKG", "RDF_TURTLE", "JSON_LD", "RDF_XML", "WMS_SRVC", "WFS_SRVC"}
# Days a dataset may go unmodified for its frequency (None: not judged).
PERIOD_DAYS = {"CONT": 1, "UPDATE_CONT": 1, "HOURLY": 1, "BIHOURLY": 1, "TRIHOURLY": 1,
               "DAILY": 1, "DAILY_2": 1, "WEEKLY": 7, "WEEKLY_2": 7, "WEEKLY_3": 7,
               "BIWEEKLY": 14, "MONTHLY": 31, "MONTHLY_2": 31, "MONTHLY_3": 31,
               "BIMONTHLY": 62, "QUARTERLY": 92, "BIANNUAL": 183, "ANNUAL_2": 183,
               "ANNUAL_3": 122, "ANNUAL": 366, "BIENNIAL": 731, "TRIENNIAL": 1096,
               "QUADRENNIAL": 1461, "QUINQUENNIAL": 1827, "DECENNIAL": 3653,
               "BIDECENNIAL": 7305, "TRIDECENNIAL": 10958}


class Dimension(enum.StrEnum):
    FINDABILITY = "findability"
    ACCESSIBILITY = "accessibility"
    INTEROPERABILITY = "interoperability"
    REUSABILITY = "reusability"
    CONTEXTUALITY = "contextuality"


DIMENSION_LABELS = {
    Dimension.FINDABILITY: N_("Findability"),
    Dimension.ACCESSIBILITY: N_("Accessibility"),
    Dimension.INTEROPERABILITY: N_("Interoperability"),
    Dimension.REUSABILITY: N_("Reusability"),
    Dimension.CONTEXTUALITY: N_("Contextuality"),
}

CHECK_LABELS = {
    "keywords": N_("Keywords"),
    "themes": N_("Themes"),
    "spatial": N_("Spatial coverage"),
    "temporal": N_("Temporal coverage"),
    "access_url_ok": N_("Access URLs answer"),
    "download_url": N_("Download URLs given"),
    "download_url_ok": N_("Download URLs answer"),
    "format": N_("Format given"),
    "media_type": N_("Media type given"),
    "format_vocabulary": N_("Format from the EU list"),
    "non_proprietary": N_("Non-proprietary format"),
    "machine_readable": N_("Machine-readable format"),
    "shacl": N_("Conforms to DCAT-AP-CZ"),
    "licence": N_("Licence given"),
    "licence_vocabulary": N_("Licence from the EU list"),
    "terms_of_use": N_("Czech terms of use"),
    "personal_data": N_("Personal data declared"),
    "contact": N_("Contact point"),
    "publisher": N_("Publisher"),
    "rights": N_("Rights of authors stated"),
    "byte_size": N_("File size"),
    "issued": N_("Release date"),
    "modified": N_("Modification date"),
}

PLACEHOLDER_CHECK = "placeholders"  # stored with the checks; it has no maximum of its own
PLACEHOLDER_PENALTY = 20
PLACEHOLDER_LABEL = N_("placeholder values in source")

RATINGS = ((351 / 405, N_("Excellent")), (221 / 405, N_("Good")),
           (121 / 405, N_("Sufficient")), (0.0, N_("Bad")))


@dataclass(frozen=True)
class Check:
    dimension: Dimension
    name: str
    points: int
    max: int


@dataclass(frozen=True)
class Score:
    checks: tuple[Check, ...]
    violations: int
    fresh: bool | None  # None: the frequency does not say when to expect an update
    dimensions: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # Fields the harvest source filled with unfilled template placeholders.
    placeholders: tuple[str, ...] = ()

    @property
    def penalty(self) -> int:
        return PLACEHOLDER_PENALTY if self.placeholders else 0

    @property
    def points(self) -> int:
        return max(0, sum(c.points for c in self.checks) - self.penalty)

    @property
    def max_points(self) -> int:
        return sum(c.max for c in self.checks)


@dataclass(frozen=True)
class LinkState:
    """What the link checker last saw at a URL."""

    ok: bool
    status: int | None = None


def rating(points: float, max_points: float) -> str:
    """MQA's rating bands (Excellent 351–405, Good 221–350, Sufficient 121–220, Bad)."""
    share = points / max_points if max_points else 0.0
    return next(label for floor, label in RATINGS if share >= floor)


def _share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def is_fresh(record: DatasetRecord, today: date) -> bool | None:
    """Whether the dataset was modified within its update frequency (with half a period of
    grace); None when the frequency sets no expectation or nothing says when it changed."""
    frequency = record.dataset.frequency
    code = frequency.removeprefix(voc.FREQUENCY_BASE) if frequency else None
    days = PERIOD_DAYS.get(code or "")
    changed = record.dataset.modified or record.dataset.issued
    if days is None or changed is None:
        return None
    return today - changed <= timedelta(days=max(2, days * 3 // 2))


def score_record(record: DatasetRecord, *, links: Mapping[str, LinkState], violations: int,
                 today: date, placeholders: Sequence[str] = ()) -> Score:
    """The quality score of one dataset: ``links`` are the last link-check results by URL,
    ``violations`` how many SHACL violations its nodes have, ``placeholders`` the fields its
    harvest source filled with template placeholders."""
    ds = record.dataset
    dists = [d.distribution for d in record.distributions]
    formats = [(d.format or "").removeprefix(voc.FILE_TYPE_BASE) for d in dists]

    def check(dimension: Dimension, name: str, maximum: int, share: float | bool) -> Check:
        return Check(dimension, name, round(maximum * float(share)), maximum)

    def link_ok(url: str | None) -> bool:
        state = links.get(url or "")
        return bool(state and state.ok)

    downloads = [d.download_url for d in dists if d.download_url]
    sizes = [d.byte_size is not None for d in dists if d.access_service is None]
    f, a, i, r, c = (Dimension.FINDABILITY, Dimension.ACCESSIBILITY,
                     Dimension.INTEROPERABILITY, Dimension.REUSABILITY,
                     Dimension.CONTEXTUALITY)
    checks = (
        check(f, "keywords", 30, any(ds.keywords.values())),
        check(f, "themes", 30, bool(ds.themes)),
        check(f, "spatial", 20, bool(ds.spatial or ds.bbox)),
        check(f, "temporal", 20, bool(ds.temporal and (ds.temporal.start or ds.temporal.end))),
        check(a, "access_url_ok", 50, _share([link_ok(d.access_url) for d in dists])),
        check(a, "download_url", 20, _share([bool(d.download_url) for d in dists])),
        check(a, "download_url_ok", 30, _share([link_ok(u) for u in downloads])),
        check(i, "format", 20, _share([bool(d.format) for d in dists])),
        check(i, "media_type", 10, _share([bool(d.media_type) for d in dists])),
        check(i, "format_vocabulary", 10, _share([f in voc.FILE_TYPES for f in formats])),
        check(i, "non_proprietary", 20, _share([f in NON_PROPRIETARY for f in formats])),
        check(i, "machine_readable", 20, _share([f in MACHINE_READABLE for f in formats])),
        check(i, "shacl", 30, violations == 0),
        check(r, "licence", 20, _share([bool(d.license) for d in dists])),
        check(r, "licence_vocabulary", 10,
              _share([(d.license or "").startswith(voc.LICENCE_BASE) for d in dists])),
        check(r, "terms_of_use", 10, bool(dists)),
        check(r, "personal_data", 5, _share([d.personal_data != voc.TERMS_PERSONAL_DATA[
            "unspecified"] for d in dists])),
        check(r, "contact", 20, bool(ds.contact and (ds.contact.email or ds.contact.url))),
        check(r, "publisher", 10, True),
        check(c, "rights", 5, _share([bool(d.terms_author or d.terms_database_author)
                                      or d.terms_author_work == voc.TERMS_AUTHOR_WORK["none"]
                                      for d in dists])),
        check(c, "byte_size", 5, _share(sizes) if sizes else bool(dists)),
        check(c, "issued", 5, ds.issued is not None),
        check(c, "modified", 5, ds.modified is not None),
    )
    dimensions = {
        dimension.value: {"points": sum(x.points for x in checks if x.dimension is dimension),
                          "max": sum(x.max for x in checks if x.dimension is dimension)}
        for dimension in Dimension
    }
    return Score(checks=checks, violations=violations, fresh=is_fresh(record, today),
                 dimensions=dimensions, placeholders=tuple(sorted(set(placeholders))))
