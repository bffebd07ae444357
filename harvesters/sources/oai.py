"""OAI-PMH source through Sickle (its iterator hides the resumption tokens; one exception per
protocol error): ``ListRecords`` with ``lido`` or ``edm``, ``from`` for incremental runs,
``until`` and ``set``, deleted records. Every request goes through the harvesters' HTTP client;
responses are parsed by the hardened parser, never in lxml's recover mode (Sickle's default,
which would take a truncated page for a short one)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree
from sickle import Sickle, oaiexceptions
from sickle.app import DEFAULT_CLASS_MAP

from harvesters.errors import ParseError
from harvesters.http import Fetched, HttpClient
from harvesters.sources.base import Deleted, Failed, Item, RunState, SourceConfig
from harvesters.sources.museum_records import lido_item
from harvesters.xml import parse_bytes

OAI = "{http://www.openarchives.org/OAI/2.0/}"
PROTOCOL_ERRORS = (oaiexceptions.BadArgument, oaiexceptions.BadVerb,
                   oaiexceptions.CannotDisseminateFormat, oaiexceptions.IdDoesNotExist,
                   oaiexceptions.NoSetHierarchy, oaiexceptions.NoMetadataFormat,
                   oaiexceptions.OAIError)


class _Response:
    """What Sickle's iterator reads of a response: ``xml`` (parsed once) and ``raw``."""

    def __init__(self, fetched: Fetched, params: dict[str, Any]) -> None:
        self.params = params
        self.http_response = fetched
        self.xml = parse_bytes(fetched.content)
        if self.xml.tag != OAI + "OAI-PMH":
            raise ParseError(f"not an OAI-PMH response (root {self.xml.tag}) at {fetched.url}")

    @property
    def raw(self) -> str:
        return self.http_response.text()


class OaiRecord:
    """A record's header and its metadata element, without Sickle's dict conversion."""

    def __init__(self, element: etree._Element) -> None:
        self.xml = element
        header = element.find(OAI + "header")
        if header is None:
            header = etree.Element(OAI + "header")
        self.identifier = (header.findtext(OAI + "identifier") or "").strip()
        self.datestamp = (header.findtext(OAI + "datestamp") or "").strip()
        self.deleted = header.get("status") == "deleted"
        metadata = element.find(OAI + "metadata")
        self.metadata = metadata[0] if metadata is not None and len(metadata) else None


class GuardedSickle(Sickle):
    """Sickle whose requests are made by the harvesters' client (guard, retries, size cap)."""

    def __init__(self, endpoint: str, http: HttpClient) -> None:
        super().__init__(endpoint, class_mapping={**DEFAULT_CLASS_MAP, "ListRecords": OaiRecord})
        self.http = http

    def harvest(self, **kwargs: Any) -> _Response:
        return _Response(self.http.get(self.endpoint, params=kwargs), kwargs)


class OaiPmhSource:
    """Harvests collection objects from an OAI-PMH 2.0 repository."""

    incremental = True

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.prefix = config.metadata_prefix or "lido"
        self.institution = config.publisher or ""

    def items(self, http: HttpClient, state: RunState) -> Iterator[Item]:
        params: dict[str, str] = {"metadataPrefix": self.prefix}
        if self.config.set_spec:
            params["set"] = self.config.set_spec
        if state.since:
            params["from"] = state.since
        if self.config.options.get("until"):
            params["until"] = str(self.config.options["until"])
        newest = state.since
        sickle = GuardedSickle(self.config.url, http)
        try:
            records = sickle.ListRecords(**params)
            for number, record in enumerate(records, start=1):
                if record.datestamp and (newest is None or record.datestamp > newest):
                    newest = record.datestamp
                yield self._item(record, number)
        except oaiexceptions.NoRecordsMatch:
            pass  # nothing changed since the last run
        except oaiexceptions.BadResumptionToken as exc:
            raise ParseError(f"the OAI-PMH server refused a resumption token (expired?): "
                             f"{exc}") from None
        except PROTOCOL_ERRORS as exc:
            code = type(exc).__name__
            raise ParseError(f"the OAI-PMH server answered {code[0].lower() + code[1:]}: "
                             f"{exc}") from None
        state.cursor = newest
        state.complete = True

    def _item(self, record: OaiRecord, number: int) -> Item:
        if not record.identifier:
            return Failed(f"record {number}", "an OAI-PMH record without identifier")
        if record.deleted:
            return Deleted(record.identifier)
        if record.metadata is None:
            return Failed(record.identifier, "an OAI-PMH record without metadata")
        if self.prefix == "edm":
            from harvesters.sources.edm import edm_item

            return edm_item(record.metadata, institution=self.institution,
                            remote_id=record.identifier)
        return lido_item(record.metadata, institution=self.institution, number=number,
                         remote_id=record.identifier)
