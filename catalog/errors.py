"""Domain errors of the catalog; the web layer maps them to HTTP in one place."""

from __future__ import annotations


class CatalogError(Exception):
    """Base of every error the catalog raises on purpose."""


class ValidationError(CatalogError):
    """A record was refused; ``field`` names the offending field (dotted path)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(CatalogError):
    """The requested record does not exist (or is not visible)."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class ConfigurationError(CatalogError):
    """A setting is missing or inconsistent; ``variable`` names the environment variable."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable
        self.message = message


class NotPublishable(CatalogError):
    """A dataset cannot be published as it is: ``problems`` lists (field, message) pairs, the
    fields as the NKOD-style checks name them (``spatial``, ``download_url``, ``license``)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
        self.problems = problems
