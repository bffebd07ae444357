"""Parameters of Action API calls, read as CKAN's validators read them: query-string values are
strings, lists may come as JSON strings, and a wrong value is a 409 Validation Error naming the
field with CKAN's message."""

from __future__ import annotations

import json
from typing import Any

from portal.api.ckan import validation_error

MAX_TEXT = 1000


def text(data: dict[str, Any], name: str, default: str = "") -> str:
    value = data.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise validation_error(**{name: "Must be a string"})
    value = str(value)
    if len(value) > MAX_TEXT:
        raise validation_error(**{name: f"Must be at most {MAX_TEXT} characters"})
    if "\x00" in value:
        raise validation_error(**{name: "Must not contain NUL characters"})
    return value


def required_text(data: dict[str, Any], name: str, *aliases: str) -> str:
    for key in (name, *aliases):
        value = text(data, key)
        if value.strip():
            return value.strip()
    raise validation_error(**{name: "Missing value"})


def integer(data: dict[str, Any], name: str, default: int | None, *, minimum: int = 0,
            maximum: int | None = None, clamp: bool = False) -> int | None:
    """A natural number; values above ``maximum`` are clamped (CKAN's ``rows``) or refused."""
    value = data.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or isinstance(value, (dict, list, float)):
        raise validation_error(**{name: "Invalid integer"})
    try:
        number = int(str(value).strip())
    except ValueError:
        raise validation_error(**{name: "Invalid integer"}) from None
    if number < minimum:
        raise validation_error(**{name: "Must be a natural number" if minimum == 0
                                  else f"Must be at least {minimum}"})
    if maximum is not None and number > maximum:
        if clamp:
            return maximum
        raise validation_error(**{name: f"Must be at most {maximum}"})
    return number


def boolean(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise validation_error(**{name: "Value must be one of: true, false"})


def string_list(data: dict[str, Any], name: str, *, maximum: int = 50) -> list[str]:
    """A list of strings given as a list, a JSON list string or one plain string."""
    value = data.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except ValueError:
                raise validation_error(**{name: "Must be a JSON list of strings"}) from None
        else:
            value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise validation_error(**{name: "Must be a list of strings"})
    if len(value) > maximum:
        raise validation_error(**{name: f"Must have at most {maximum} items"})
    if any(len(v) > MAX_TEXT or "\x00" in v for v in value):
        raise validation_error(**{name: f"Items must be strings of at most {MAX_TEXT} "
                                  "characters"})
    return value
