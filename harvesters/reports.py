"""What a harvest run reports: counts by outcome, per-item problems grouped by message, and the
preview of the records it added, updated, merged or archived."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from harvesters.models import IssueKind

MAX_MESSAGES = 200  # distinct messages kept per job and kind; the rest are counted together
MAX_EXAMPLES = 10
PREVIEW_LIMIT = 100
OTHER = "other problems (too many distinct messages)"


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    archived: int = 0
    errored: int = 0

    @property
    def seen(self) -> int:
        return self.added + self.updated + self.unchanged + self.merged + self.errored


COUNT_NAMES = tuple(f.name for f in fields(Counts))  # as the job table's columns name them


@dataclass
class IssueGroup:
    kind: IssueKind
    message: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


class IssueLog:
    """Per-item problems grouped by message: a steward reads "37 records: missing title"."""

    def __init__(self) -> None:
        self.groups: dict[tuple[IssueKind, str], IssueGroup] = {}

    def add(self, kind: IssueKind, message: str, example: str) -> None:
        key = (kind, message[:1000])
        if key not in self.groups and sum(1 for k in self.groups if k[0] is kind) >= MAX_MESSAGES:
            key = (kind, OTHER)
        group = self.groups.setdefault(key, IssueGroup(kind, key[1]))
        group.count += 1
        if len(group.examples) < MAX_EXAMPLES:
            group.examples.append(example[:300])

    def sorted(self) -> list[IssueGroup]:
        return sorted(self.groups.values(), key=lambda g: (g.kind != IssueKind.ERROR, -g.count,
                                                           g.message))


@dataclass
class Preview:
    """What a run did or would do, by record (at most ``PREVIEW_LIMIT`` labels per list)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)

    def note(self, what: str, label: str) -> None:
        target: list[str] = getattr(self, what)
        if len(target) < PREVIEW_LIMIT:
            target.append(label)
