"""The editor's HTML forms ↔ the catalog's input records, and the schema's validation errors as
messages next to the fields, in the visitor's language. Validation itself is the catalog's
(``catalog.schemas``): this module only collects all of its errors at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from catalog import vocabularies as voc
from catalog.editor import places
from catalog.schemas import DatasetInput, DistributionInput
from portal.multilingual_fields import read_texts, text_inputs

KEYWORD_LANGS = ("cs", "en")
PLACE_SLOTS = 3  # empty place choosers offered besides the chosen ones

# The catalog's own validation messages (catalog.schemas, catalog.services), translated.
KNOWN_MESSAGES = {
    "must be an http(s) URL": _l("Enter an address that starts with http:// or https://."),
    "a Czech text (cs) is required": _l("A Czech text is required."),
    "must be lowercase letters, digits and single hyphens (at most 120)":
        _l("Use lowercase letters without diacritics, digits and single hyphens (at most 120)."),
    "must be [west, south, east, north] in WGS84 degrees":
        _l("Enter west ≤ east and south ≤ north in degrees (WGS84)."),
    "end is before start": _l("The end is before the start."),
    "the slug of an existing dataset cannot change": _l("The web address cannot change."),
    "the dataset already has a distribution with this URL":
        _l("The dataset already has a distribution with this address."),
}
PREFIX_MESSAGES = {
    "a dataset ": _l("A dataset with this web address already exists."),
    "unknown publisher": _l("Choose one of the publishers."),
    "unknown theme": _l("Choose themes from the list."),
    "unknown frequency": _l("Choose a frequency from the list."),
    "unknown licence": _l("Choose a licence from the list."),
    "unknown file type": _l("Choose a format from the list."),
    "must be a RÚIAN IRI": _l("Choose places from the list."),
}
TYPE_MESSAGES = {
    "missing": _l("This field is required."),
    "date_from_datetime_parsing": _l("Enter a date as YYYY-MM-DD."),
    "date_parsing": _l("Enter a date as YYYY-MM-DD."),
    "date_type": _l("Enter a date as YYYY-MM-DD."),
    "float_parsing": _l("Enter a number."),
    "int_parsing": _l("Enter a whole number."),
    "string_pattern_mismatch": _l("The value has the wrong form."),
    "string_too_long": _l("The text is too long."),
}


# What keeps a dataset from being published (catalog.editor.services.publishing_problems), by
# the field the check names.
PUBLISHING_MESSAGES = {
    "spatial": _l("Choose at least one place the data covers."),
    "themes": _l("Choose at least one theme."),
    "frequency": _l("Choose how often the data is updated."),
    "keywords": _l("Enter at least one keyword."),
    "distributions": _l("Add at least one distribution (a file, a web address or an API)."),
    "download_url": _l("Give each file distribution a direct download address."),
    "format": _l("Choose the format of each file distribution."),
    "media_type": _l("Choose the format of each file distribution."),
    "license": _l("Choose a licence for each distribution."),
    "access_url": _l("Web addresses must start with https://."),
    "access_service.endpoint_url": _l("Web addresses must start with https://."),
    "contact.email": _l("Enter a valid contact e-mail address."),
}


def publishing_messages(problems: list[tuple[str, str]]) -> list[str]:
    """The publishing problems as messages in the visitor's language, each once."""
    found = [str(PUBLISHING_MESSAGES[field]) if field in PUBLISHING_MESSAGES
             else gettext("To fix before publishing: %(field)s (%(problem)s)", field=field,
                     problem=problem)
             for field, problem in problems]
    return list(dict.fromkeys(found))


def message(text: str, error_type: str | None = None) -> str:
    """A catalog validation message in the visitor's language."""
    if text in KNOWN_MESSAGES:
        return str(KNOWN_MESSAGES[text])
    for prefix, translated in PREFIX_MESSAGES.items():
        if text.startswith(prefix):
            return str(translated)
    if error_type in TYPE_MESSAGES:
        return str(TYPE_MESSAGES[error_type])
    return gettext(text)


def field_name(loc: tuple[Any, ...]) -> str:
    """The form input of a schema error location (("title",) → "title_cs",
    ("contact", "email") → "contact_email", ("spatial", 2) → "places")."""
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if not parts:
        return "form"
    head = parts[0]
    if head in ("title", "description", "keywords", "terms_author", "terms_database_author"):
        return f"{head}_{parts[1] if len(parts) > 1 else 'cs'}"
    if head == "spatial":
        return "places"
    if head in ("bbox", "themes", "concepts", "hvd_categories"):
        return head
    if head == "temporal":
        return f"temporal_{parts[1]}" if len(parts) > 1 else "temporal_end"
    if head == "contact":
        return f"contact_{parts[1]}" if len(parts) > 1 else "contact_email"
    if head == "license":
        return "licence"
    return head


def schema_errors(model: type[pydantic.BaseModel], record: Mapping[str, Any]) -> dict[str, str]:
    """Every validation error of ``record`` as ``{form field: message}`` (first per field)."""
    try:
        model.model_validate(dict(record))
    except pydantic.ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = field_name(tuple(error["loc"]))
            text = str(error["msg"]).removeprefix("Value error, ")
            errors.setdefault(name, message(text, error["type"]))
        return errors
    return {}


def _text(form: MultiDict[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def _optional(form: MultiDict[str, str], name: str) -> str | None:
    return _text(form, name) or None


def dataset_record(form: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The ``DatasetInput`` mapping a dataset form describes, and the errors of inputs that
    cannot even be read (a place not in the list, a non-number coordinate)."""
    errors: dict[str, str] = {}
    spatial = []
    for value in form.getlist("places"):
        if not value.strip():
            continue
        place = places.resolve(value)
        if place is None:
            errors["places"] = gettext("Unknown place %(name)s: choose one from the list.",
                                       name=value.strip())
        else:
            spatial.append(place.iri)
    bbox_values = [_text(form, f"bbox_{side}") for side in ("west", "south", "east", "north")]
    bbox: list[float] | None = None
    if any(bbox_values):
        try:
            bbox = [float(v.replace(",", ".")) for v in bbox_values]
        except ValueError:
            errors["bbox"] = gettext("Enter all four coordinates as numbers.")
    start, end = _optional(form, "temporal_start"), _optional(form, "temporal_end")
    contact = {"name": _optional(form, "contact_name"), "email": _optional(form, "contact_email"),
               "url": _optional(form, "contact_url")}
    record: dict[str, Any] = {
        "slug": _text(form, "slug"),
        "title": read_texts(form, "title"),
        "description": read_texts(form, "description"),
        "keywords": {lang: [w.strip() for w in _text(form, f"keywords_{lang}").split(",")
                            if w.strip()]
                     for lang in KEYWORD_LANGS if _text(form, f"keywords_{lang}")},
        "publisher": _text(form, "publisher"),
        "themes": [t for t in form.getlist("themes") if t],
        "hvd_categories": [c for c in form.getlist("hvd_categories") if c],
        "concepts": [line.strip() for line in _text(form, "concepts").splitlines()
                     if line.strip()],
        "spatial": list(dict.fromkeys(spatial)),
        "bbox": bbox,
        "temporal": {"start": start, "end": end} if start or end else None,
        "frequency": _optional(form, "frequency"),
        "landing_page": _optional(form, "landing_page"),
        "documentation": _optional(form, "documentation"),
        "contact": contact if any(contact.values()) else None,
        "issued": _optional(form, "issued"),
        "modified": _optional(form, "modified"),
    }
    return record, errors


def dataset_form(record: Mapping[str, Any]) -> MultiDict[str, str]:
    """The form values showing a stored ``DatasetInput`` record."""
    form: MultiDict[str, str] = MultiDict()
    form["slug"] = record["slug"]
    form["publisher"] = record["publisher"]
    for name in ("title", "description"):
        form.update(text_inputs(name, record[name]))
    for lang, words in record["keywords"].items():
        form[f"keywords_{lang}"] = ", ".join(words)
    for theme in record["themes"]:
        form.add("themes", theme)
    for category in record["hvd_categories"]:
        form.add("hvd_categories", category)
    form["concepts"] = "\n".join(record["concepts"])
    for iri in record["spatial"]:
        form.add("places", places.label_of(iri))
    if record["bbox"]:
        for side, value in zip(("west", "south", "east", "north"), record["bbox"], strict=True):
            form[f"bbox_{side}"] = str(value)
    if record["temporal"]:
        form["temporal_start"] = record["temporal"]["start"] or ""
        form["temporal_end"] = record["temporal"]["end"] or ""
    for name in ("frequency", "landing_page", "documentation", "issued", "modified"):
        form[name] = record[name] or ""
    for name, value in (record["contact"] or {}).items():
        form[f"contact_{name}"] = value or ""
    return form


def distribution_record(form: MultiDict[str, str]) -> dict[str, Any]:
    """The ``DistributionInput`` mapping of a distribution form (without an uploaded file)."""
    return {
        "title": read_texts(form, "title"),
        "description": read_texts(form, "description"),
        "access_url": _text(form, "access_url"),
        # The form asks for a direct download address "if different" from the file's address.
        "download_url": _optional(form, "download_url") or (
            _optional(form, "access_url") if form.get("kind") == "url" else None),
        "format": _optional(form, "format"),
        "license": _optional(form, "licence"),
        "terms_author_work": _text(form, "terms_author_work") or "none",
        "terms_author": read_texts(form, "terms_author"),
        "terms_database_work": _text(form, "terms_database_work") or "none",
        "terms_database_author": read_texts(form, "terms_database_author"),
        "terms_special_db_rights": _text(form, "terms_special_db_rights") or "none",
        "personal_data": _text(form, "personal_data") or "no",
    }


def dataset_errors(record: Mapping[str, Any]) -> dict[str, str]:
    return schema_errors(DatasetInput, {**record, "distributions": []})


def distribution_errors(record: Mapping[str, Any]) -> dict[str, str]:
    return schema_errors(DistributionInput, record)


def choices() -> dict[str, Any]:
    """The choosers' options: (value, translated label) pairs."""
    return {
        "themes": [(t.iri, gettext(t.label)) for t in voc.THEMES.values()],
        "hvd_categories": [(t.iri, gettext(t.label)) for t in voc.HVD_CATEGORIES.values()],
        "frequencies": [(t.iri, gettext(t.label)) for t in voc.FREQUENCIES.values()],
        "formats": [(t.code, gettext(t.label)) for t in voc.FILE_TYPES.values()],
        "licences": [(t.code, t.label) for t in voc.LICENCES.values()],
        "places": places.PLACES,
        "terms_author_work": [("none", gettext("contains no copyrighted works")),
                              ("ccby", gettext("licensed under CC BY 4.0")),
                              ("multiple", gettext("contains several copyrighted works"))],
        "terms_database_work": [("none", gettext("is not a copyrighted database")),
                                ("ccby", gettext("licensed under CC BY 4.0"))],
        "terms_special_db_rights": [("none", gettext("not protected by the special right of "
                                                     "the database maker")),
                                    ("cc0", gettext("the special right waived (CC0)"))],
        "personal_data": [("no", gettext("contains no personal data")),
                          ("yes", gettext("contains personal data")),
                          ("unspecified", gettext("not specified"))],
    }
