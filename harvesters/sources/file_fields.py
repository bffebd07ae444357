"""The fields a JSON catalog writes of one downloadable file (a CKAN resource, a DCAT-US
distribution) mapped to the catalog's distribution input, shared by those adapters."""

from __future__ import annotations

from typing import Any

from harvesters import normalize as norm


def file_fields(lang: str, *, title: Any, description: Any, file_format: Any, media_type: Any,
                licence: str | None, flags: list[str], noun: str) -> dict[str, Any]:
    """Title and description (in ``lang``), format, media type and licence of a file; a format
    outside the catalog's list is left out and flagged (the file called ``noun``)."""
    values: dict[str, Any] = {}
    if (name := norm.text(title)) is not None:
        values["title"] = {lang: name}
    if (text := norm.text(description)) is not None:
        values["description"] = {lang: text}
    if found := norm.file_format(file_format, media_type):
        values["format"] = found
    elif file_format:
        flags.append(f"{noun} format not in the catalog's list: left out")
    if (media := norm.media_type(media_type)) is not None:
        values["media_type"] = media
    if licence:
        values["license"] = licence
    return values
