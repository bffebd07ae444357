"""A safe reading of CKAN's Solr filter syntax (``fq``, ``fq_list`` and field queries in ``q``).

Only the forms CKAN clients send are understood: ``field:value``, ``field:"quoted value"``,
``field:(a OR b)``, date ranges on ``metadata_created`` and ``metadata_modified``
(``[2024-01-01T00:00:00Z TO NOW]``, ``{NOW-7DAYS TO *]``, Solr's date math), an optional
leading ``+`` and ``AND`` between clauses. Nothing is passed to a search engine as syntax: the
result is a list of (field, values or range) that the caller maps to bound filters. Anything
else (local parameters ``{!...}``, other ranges, wildcards, NOT, nesting) is refused.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from catalog.search.base import Range

MAX_FILTER_LENGTH = 2000
MAX_CLAUSES = 20
MAX_VALUES = 20
_FIELD = re.compile(r"[a-z_]{1,40}")
_BARE = re.compile(r'(?:\\.|[^\s()"\\])+')
# CKAN's date fields a range may bound, and the record timestamp each one is.
DATE_FIELDS = {"metadata_created": "created", "metadata_modified": "updated"}
_BOUND = re.compile(r'"[^"]*"|[^\s\]}]+')
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
                  r"(Z|[+-]\d{2}:?\d{2})?)?")
_MATH = re.compile(r"([+-])(\d{1,6})([A-Z]+)|/([A-Z]+)")
_UNITS = {"YEAR": "year", "YEARS": "year", "MONTH": "month", "MONTHS": "month", "DAY": "day",
          "DAYS": "day", "DATE": "day", "HOUR": "hour", "HOURS": "hour", "MINUTE": "minute",
          "MINUTES": "minute", "SECOND": "second", "SECONDS": "second", "MILLI": "milli",
          "MILLIS": "milli", "MILLISECOND": "milli", "MILLISECONDS": "milli"}
_STEPS = {"day": timedelta(days=1), "hour": timedelta(hours=1), "minute": timedelta(minutes=1),
          "second": timedelta(seconds=1), "milli": timedelta(milliseconds=1)}
DATE_HELP = ("use *, an ISO 8601 date or time in UTC (2024-01-31, 2024-01-31T12:00:00Z) or NOW, "
             "each optionally with date math such as -7DAYS, +1MONTH or /DAY")


class SearchQueryError(ValueError):
    """The filter cannot be read; the message says where."""


@dataclass(frozen=True)
class Clause:
    field: str
    values: tuple[str, ...]
    range: Range | None = None  # a date range instead of values


def _add_months(value: datetime, months: int) -> datetime:
    """Calendar months later (earlier when negative); the day is clamped to the month's end."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def _round_down(value: datetime, unit: str) -> datetime:
    if unit == "year":
        return datetime(value.year, 1, 1)
    if unit == "month":
        return datetime(value.year, value.month, 1)
    fields = ("day", "hour", "minute", "second", "milli")
    kept = fields.index(unit)
    return value.replace(hour=value.hour if kept >= 1 else 0,
                         minute=value.minute if kept >= 2 else 0,
                         second=value.second if kept >= 3 else 0,
                         microsecond=value.microsecond // 1000 * 1000 if kept >= 4 else 0)


def _iso_time(match: re.Match[str]) -> datetime:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                     int(second or 0), int((fraction or "0")[:6].ljust(6, "0")))
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value


def solr_date(text: str, now: datetime) -> datetime | None:
    """A range bound as Solr reads it: ``*`` (open: None), ``NOW`` or an ISO 8601 date or
    time, then date math (``-7DAYS``, ``+1MONTH``, ``/DAY`` rounds down); naive UTC.
    ``SearchQueryError`` names what is wrong."""
    if text == "*":
        return None
    if text.startswith("NOW"):
        value, rest = now.replace(tzinfo=None), text[3:]
    else:
        match = _ISO.match(text)
        if match is None:
            raise SearchQueryError(f"{text[:40]!r} is not a date; {DATE_HELP}")
        try:
            value = _iso_time(match)
        except (ValueError, OverflowError):
            raise SearchQueryError(f"{text[:40]!r} is not a valid date; {DATE_HELP}") from None
        rest = text[match.end():]
    position = 0
    try:
        while position < len(rest):
            step = _MATH.match(rest, position)
            unit = _UNITS.get((step.group(3) or step.group(4)) if step else "")
            if step is None or unit is None:
                raise SearchQueryError(f"cannot read the date math {rest[position:][:40]!r} of "
                                       f"{text[:40]!r}; {DATE_HELP}")
            position = step.end()
            if step.group(4):
                value = _round_down(value, unit)
                continue
            amount = int(step.group(2)) * (1 if step.group(1) == "+" else -1)
            if unit in ("year", "month"):
                value = _add_months(value, amount * (12 if unit == "year" else 1))
            else:
                value += amount * _STEPS[unit]
    except OverflowError:
        raise SearchQueryError(f"the date {text[:40]!r} is out of range") from None
    return value


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

    def date_range(self, now: datetime) -> Range:
        """``[low TO high]``: ``[`` and ``]`` include their bound, ``{`` and ``}`` exclude it."""
        include_low = self.text[self.pos] == "["
        self.pos += 1
        bounds = []
        for number in range(2):
            self.skip_space()
            if number and not self.keyword("TO"):
                raise self.fail("expected TO between the bounds of the range")
            self.skip_space()
            match = _BOUND.match(self.text, self.pos)
            if not match or match.group(0) == "TO":
                raise self.fail("a date is expected in the range")
            try:
                bounds.append(solr_date(match.group(0).strip('"'), now))
            except SearchQueryError as exc:
                raise self.fail(str(exc)) from None
            self.pos = match.end()
        self.skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] not in "]}":
            raise self.fail("expected ] or } to close the range")
        include_high = self.text[self.pos] == "]"
        self.pos += 1
        return Range(bounds[0], bounds[1], include_low, include_high)

    def values(self) -> tuple[str, ...]:
        self.skip_space()
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

    def clause(self, now: datetime) -> Clause:
        self.skip_space()
        if self.text.startswith("+", self.pos):
            self.pos += 1
        match = _FIELD.match(self.text, self.pos)
        if not match or not self.text.startswith(":", match.end()):
            raise self.fail("expected field:value")
        self.pos = match.end() + 1
        name = match.group(0)
        self.skip_space()
        if self.text.startswith(("[", "{"), self.pos):
            if name not in DATE_FIELDS:
                raise self.fail("range queries are supported on "
                                + " and ".join(DATE_FIELDS) + " only")
            return Clause(name, (), self.date_range(now))
        if name in DATE_FIELDS:
            raise self.fail(f"filter {name} by a range, such as "
                            f"{name}:[2024-01-01T00:00:00Z TO NOW]")
        return Clause(name, self.values())


def parse_filter(text: str, now: datetime | None = None) -> list[Clause]:
    """The clauses of one ``fq`` string (an empty string has none); ``now`` is the time
    ``NOW`` in a date range means (naive UTC; the current time when not given)."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if len(text) > MAX_FILTER_LENGTH:
        raise SearchQueryError(f"a filter may have at most {MAX_FILTER_LENGTH} characters")
    reader = _Reader(text)
    clauses: list[Clause] = []
    while not reader.done():
        if clauses and not reader.keyword("AND"):
            reader.keyword("&&")
        clauses.append(reader.clause(now))
        if len(clauses) > MAX_CLAUSES:
            raise reader.fail(f"at most {MAX_CLAUSES} clauses")
    return clauses


def looks_like_field_query(text: str) -> bool:
    """Whether a ``q`` is written as field queries (CKAN then skips its text search)."""
    return bool(re.match(r"^\s*\+?[a-z_]{1,40}:", text))
