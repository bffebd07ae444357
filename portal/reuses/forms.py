"""The submit form ↔ the catalog's ``ReuseInput``: dataset addresses read from what a visitor
typed, and every validation problem as a message next to its field, in the visitor's language
(the validation itself is the catalog's)."""

from __future__ import annotations

import re
from typing import Any

import pydantic
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from catalog.reuses.services import ReuseInput
from portal.editor.forms import message as editor_message

DATASET_PATH = re.compile(r"/datasets/([a-z0-9-]+)")
# Pydantic's error types on the submit form, in the visitor's language.
FORM_MESSAGES = {
    "missing": _l("This field is required."),
    "string_too_short": _l("This field is required."),
    "string_too_long": _l("The text is too long."),
    "too_short": _l("Name at least one dataset of the portal."),
    "too_long": _l("Name at most 20 datasets."),
    "enum": _l("Choose a type from the list."),
    "literal_error": _l("Choose a language from the list."),
}
TEXT_MESSAGES = {
    "must not contain control characters": _l("Remove the control characters from the text."),
    "a rejection needs a note for the submitter": _l(
        "Write a note for the submitter: why the reuse is not published."
    ),
}


def dataset_slugs(text: str) -> list[str]:
    """Dataset slugs from what a visitor typed: slugs or the datasets' page addresses,
    separated by spaces, commas or lines."""
    slugs = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        found = DATASET_PATH.search(token)
        slugs.append(found.group(1) if found else token.strip("/"))
    return list(dict.fromkeys(slugs))


def form_record(form: MultiDict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {
        name: form.get(name, "").strip()
        for name in ("type", "title", "description", "url", "author_name", "language")
    }
    record["author_name"] = record["author_name"] or None
    record["datasets"] = dataset_slugs(form.get("datasets", ""))
    return record


def message(text: str, error_type: str | None = None) -> str:
    """A validation message of the reuse services (or pydantic's, by type) for the visitor."""
    if text in TEXT_MESSAGES:
        return str(TEXT_MESSAGES[text])
    if text.startswith("unknown dataset"):
        return gettext(
            "No published dataset of the portal has the address %(slug)s.",
            slug=text.removeprefix("unknown dataset ").strip("'\""),
        )
    if text.startswith("at most"):
        return gettext(
            "You have too many submissions waiting for approval; wait until they are reviewed."
        )
    if text == "the reuse was withdrawn":
        return gettext("The submitter withdrew the reuse.")
    if text.startswith("the reuse is already"):
        return gettext("The reuse already has this status.")
    if error_type in FORM_MESSAGES:
        return str(FORM_MESSAGES[error_type])
    return editor_message(text, error_type)


def form_errors(record: dict[str, Any]) -> dict[str, str]:
    """Every problem of the submitted form, first per field, in the visitor's language."""
    try:
        ReuseInput.model_validate(record)
    except pydantic.ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            text = str(error["msg"]).removeprefix("Value error, ")
            errors.setdefault(name, message(text, error["type"]))
        return errors
    return {}
