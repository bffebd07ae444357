"""One problem found in a record, by SHACL or by the NKOD-style checks."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    focus: str        # the IRI (or blank node) the finding is about
    path: str         # the property or field, "" when about the node itself
    message: str
    source: str       # "shacl:<shapes>" or "nkod"
