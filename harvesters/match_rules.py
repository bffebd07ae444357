"""Configured merge rules: a source's ``FIELD=REGEX`` options whose first capture group is an
identity key (``match:<value>``), so records that two sources write in different URL forms are
recognised as one record. The key is also compared with the built-in identities of other sources
(``iri:``, ``identifier:``, ``landing:``, ``arcgis:`` with the same value), in both directions."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from catalog.errors import ValidationError
from harvesters.sources.base import Harvested, Item

PREFIX = "match:"
# The built-in identity kinds a configured key is compared with.
BUILT_IN = ("iri", "identifier", "landing", "arcgis")
FIELDS = ("identifier", "landing-page", "iri", "remote-id")
MAX_PATTERN = 500


@dataclass(frozen=True)
class MatchRule:
    """``field``: which values of a record are read; ``pattern``: the first group of its first
    match (searched anywhere in the value) is the identity."""

    field: str
    pattern: re.Pattern[str]

    @property
    def text(self) -> str:
        return f"{self.field}={self.pattern.pattern}"


def parse_rule(text: str) -> MatchRule:
    """A rule from ``FIELD=REGEX``; ``ValidationError`` on the ``match`` field naming what is
    wrong (unknown field, invalid expression, no capture group)."""
    field, sep, pattern = text.partition("=")
    field = field.strip()
    if not sep or not field:
        raise ValidationError(
            "match", f"{text!r}: write FIELD=REGEX, FIELD one of " + ", ".join(FIELDS)
        )
    if field not in FIELDS:
        raise ValidationError("match", f"unknown field {field!r}; use one of " + ", ".join(FIELDS))
    if not pattern or len(pattern) > MAX_PATTERN:
        raise ValidationError(
            "match", f"the expression of {field} must have 1 to {MAX_PATTERN} characters"
        )
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValidationError(
            "match", f"{pattern!r} is not a valid regular expression: {exc}"
        ) from None
    if compiled.groups < 1:
        raise ValidationError(
            "match",
            f"{pattern!r} has no capture group: put the part that "
            "identifies the record in parentheses, e.g. id=([0-9a-f]+)",
        )
    return MatchRule(field, compiled)


def parse_rules(texts: Iterable[str]) -> list[MatchRule]:
    return [parse_rule(text) for text in texts]


def rules_of(options: dict[str, object] | None) -> list[MatchRule]:
    """The rules stored in a source's options (validated when the source was added)."""
    texts = (options or {}).get("match") or []
    return parse_rules(texts) if isinstance(texts, list) else []


def normalized(value: str) -> str:
    return value.strip().casefold()


def _values(item: Harvested, field: str) -> list[str]:
    if field == "remote-id":
        return [item.remote_id]
    prefix = {"identifier": "identifier:", "landing-page": "landing:", "iri": "iri:"}[field]
    values = [key[len(prefix) :] for key in item.identities if key.startswith(prefix)]
    if field == "identifier":
        values += [str(v) for v in item.data.get("identifiers") or []]
    elif field == "landing-page" and item.data.get("landing_page"):
        values.append(str(item.data["landing_page"]))
    return list(dict.fromkeys(values))


def rule_keys(rules: Sequence[MatchRule], item: Harvested) -> list[str]:
    """The configured identity keys of ``item``."""
    keys: list[str] = []
    for rule in rules:
        for value in _values(item, rule.field):
            found = rule.pattern.search(value)
            if found and found.group(1) and (key := normalized(found.group(1))):
                keys.append(PREFIX + key)
    return list(dict.fromkeys(keys))


def with_rule_keys(items: Iterable[Item], rules: Sequence[MatchRule]) -> Iterator[Item]:
    """The items of a source with their configured keys added to their identities."""
    if not rules:
        yield from items
        return
    for item in items:
        if isinstance(item, Harvested) and (keys := rule_keys(rules, item)):
            item = dataclasses.replace(
                item, identities=tuple(dict.fromkeys((*item.identities, *keys)))
            )
        yield item


def counterparts(key: str) -> list[str]:
    """The keys another source may hold for the same record as ``key``: a configured key meets
    the built-in keys of the same value and the other way round."""
    if key.startswith(PREFIX):
        value = key[len(PREFIX) :]
        return [f"{kind}:{value}" for kind in BUILT_IN]
    kind, sep, value = key.partition(":")
    if sep and kind in BUILT_IN and (value := normalized(value)):
        return [PREFIX + value]
    return []
