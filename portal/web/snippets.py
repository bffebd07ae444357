"""Copyable snippets that download a distribution with curl and with Python."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Snippet:
    language: str
    code: str


def download_snippets(url: str) -> list[Snippet]:
    """curl and Python (standard library only) commands that fetch ``url`` into a file named
    after its last path segment."""
    name = PurePosixPath(urlsplit(url).path).name or "data"
    python = (
        "import urllib.request\n\n"
        f"urllib.request.urlretrieve({url!r}, {name!r})\n"
    )
    return [Snippet("curl", f"curl -L -o {shlex.quote(name)} {shlex.quote(url)}"),
            Snippet("Python", python)]
