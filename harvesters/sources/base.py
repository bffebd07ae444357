"""The interface every source adapter implements, and what an adapter yields.

An adapter reads its source as a stream and yields one item per remote record: ``Harvested``
(a record mapped to the catalog's input), ``Deleted`` (the source says the record is gone) or
``Failed`` (this record could not be mapped). A failure of the whole source (fetch, parse,
protocol) is raised as a ``HarvestError``: the run then changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from harvesters.http import HttpClient, Validators
from harvesters.models import RecordKind


@dataclass(frozen=True)
class SourceConfig:
    """What an adapter knows of its source (a plain copy of the source's row)."""

    name: str
    type: str
    url: str
    publisher: str | None = None
    metadata_prefix: str | None = None
    set_spec: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class RunState:
    """Set by the adapter during a run and kept by the framework after a successful one.

    ``since``: start of an incremental run (None: read everything). ``complete``: the adapter
    read the source from start to end (only then may missing records be archived).
    ``cursor``: where the next incremental run starts. ``validators``: per-URL HTTP validators
    for conditional GETs, with ``notes``, what an adapter keeps beside them (a DCAT page's next
    link and record count); an adapter whose whole source answered 304 sets ``not_modified``
    (the framework then keeps every record present at the last read). ``unchanged``: records
    known unchanged without being yielded (a page that answered 304). ``started``: when the
    run started (None in a preview)."""

    since: str | None = None
    complete: bool = False
    cursor: str | None = None
    validators: dict[str, Validators] = field(default_factory=dict)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    not_modified: bool = False
    unchanged: int = 0
    started: datetime | None = None


@dataclass(frozen=True)
class AgentData:
    """A publisher or institution named by a record; created if the catalog lacks it (an
    existing agent is never modified by a harvest)."""

    slug: str
    name: Mapping[str, str]
    homepage: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Harvested:
    """A remote record mapped to the catalog's input (``DatasetInput`` or ``ObjectInput`` shape;
    a dataset's ``slug`` is a wish, the framework keeps slugs unique and stable).

    ``identities``: keys shared across sources for the same record (``iri:…``, ``identifier:…``,
    ``landing:…``, ``arcgis:…``, ``ckan:…``). ``flags``: quality warnings of this record (e.g. a
    template placeholder treated as missing). ``agent``: the publisher to create if missing."""

    remote_id: str
    kind: RecordKind
    data: Mapping[str, Any]
    identities: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    agent: AgentData | None = None
    label: str = ""


@dataclass(frozen=True)
class Deleted:
    """The source reports the record as deleted (e.g. an OAI-PMH header with status=deleted)."""

    remote_id: str


@dataclass(frozen=True)
class Failed:
    """One record that could not be mapped; ``message`` is grouped in the job report, so it
    should not contain the record's own values."""

    remote_id: str
    message: str


@dataclass(frozen=True)
class Unchanged:
    """The record's own document answered 304 Not Modified: it is counted unchanged and kept
    (not archived) without being read again."""

    remote_id: str


Item = Harvested | Deleted | Failed | Unchanged


class Source(Protocol):
    """A harvest source adapter (named after technology + role, e.g. ``CkanApiSource``)."""

    incremental: bool  # whether ``RunState.since`` is honoured

    def items(self, http: HttpClient, state: RunState) -> Iterator[Item]:
        """Stream the source's records. Raise ``HarvestError`` when the source as a whole
        cannot be read; set ``state.complete`` when it was read to the end."""
        ...
