"""A safe reading of CKAN's Solr filter syntax (``fq``, ``fq_list`` and field queries in ``q``).

Only the forms CKAN clients send are understood: ``field:value``, ``field:"quoted value"``,
``field:(a OR b)``, an optional leading ``+`` and ``AND`` between clauses. Nothing is passed to a
search engine as syntax: the result is a list of (field, values) that the caller maps to bound
filters. Anything else (local parameters ``{!...}``, ranges, wildcards, NOT, nesting) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FILTER_LENGTH = 2000
MAX_CLAUSES = 20
MAX_VALUES = 20
_FIELD = re.compile(r"[a-z_]{1,40}")
_BARE = re.compile(r'(?:\\.|[^\s()"\\])+')


class SearchQueryError(ValueError):
    """The filter cannot be read; the message says where."""


@dataclass(frozen=True)
class Clause:
    field: str
    values: tuple[str, ...]


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def done(self) -> bool:
        self.skip_space()
        return self.pos >= len(self.text)

    def fail(self, message: str) -> SearchQueryError:
        return SearchQueryError(f"{message} at position {self.pos + 1}")

    def keyword(self, word: str) -> bool:
        self.skip_space()
        end = self.pos + len(word)
        if self.text[self.pos:end] == word and (end >= len(self.text)
                                                 or self.text[end].isspace()):
            self.pos = end
            return True
        return False

    def value(self) -> str:
        self.skip_space()
        if self.text.startswith('"', self.pos):
            end = self.pos + 1
            while end < len(self.text) and self.text[end] != '"':
                end += 2 if self.text[end] == "\\" else 1
            if end >= len(self.text):
                raise self.fail("unterminated quoted value")
            found = _unescape(self.text[self.pos + 1:end])
            self.pos = end + 1
            return found
        match = _BARE.match(self.text, self.pos)
        if not match:
            raise self.fail("a value is expected")
        raw = match.group(0)
        if raw in ("*", "OR", "AND", "NOT") or "*" in raw.replace("\\*", "") or "?" in raw:
            raise self.fail(f"wildcards and operators are not supported ({raw!r})")
        self.pos = match.end()
        return _unescape(raw)

    def values(self) -> tuple[str, ...]:
        self.skip_space()
        if self.text.startswith("[", self.pos) or self.text.startswith("{", self.pos):
            raise self.fail("range queries are not supported")
        if not self.text.startswith("(", self.pos):
            return (self.value(),)
        self.pos += 1
        found = [self.value()]
        while True:
            self.skip_space()
            if self.text.startswith(")", self.pos):
                self.pos += 1
                return tuple(found)
            if not self.keyword("OR"):
                raise self.fail("expected OR or ')'")
            found.append(self.value())
            if len(found) > MAX_VALUES:
                raise self.fail(f"at most {MAX_VALUES} values in one clause")

    def clause(self) -> Clause:
        self.skip_space()
        if self.text.startswith("+", self.pos):
            self.pos += 1
        match = _FIELD.match(self.text, self.pos)
        if not match or not self.text.startswith(":", match.end()):
            raise self.fail("expected field:value")
        self.pos = match.end() + 1
        return Clause(match.group(0), self.values())


def parse_filter(text: str) -> list[Clause]:
    """The clauses of one ``fq`` string (an empty string has none)."""
    if len(text) > MAX_FILTER_LENGTH:
        raise SearchQueryError(f"a filter may have at most {MAX_FILTER_LENGTH} characters")
    reader = _Reader(text)
    clauses: list[Clause] = []
    while not reader.done():
        if clauses and not reader.keyword("AND"):
            reader.keyword("&&")
        clauses.append(reader.clause())
        if len(clauses) > MAX_CLAUSES:
            raise reader.fail(f"at most {MAX_CLAUSES} clauses")
    return clauses


def looks_like_field_query(text: str) -> bool:
    """Whether a ``q`` is written as field queries (CKAN then skips its text search)."""
    return bool(re.match(r"^\s*\+?[a-z_]{1,40}:", text))
