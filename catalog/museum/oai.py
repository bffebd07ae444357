"""OAI-PMH 2.0 data provider of the collection register: the six verbs, the lido, edm and
oai_dc formats, one set per institution and per sub-collection, datestamp ranges, resumption
tokens over a stable (datestamp, id) order and persistent deleted records.

Published objects are records; archived (withdrawn) objects are deleted records with their
datestamp of withdrawal; drafts were never disseminated and are not seen. Identifiers are the
objects' IRIs.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree
from sqlalchemy import Engine, and_, func, or_
from sqlmodel import Session, col, select

from catalog.models import Agent, AgentKind, CollectionObject, RecordState
from catalog.museum import dc, edm, lido_export
from catalog.queries import agents_by_id

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI = "{" + OAI_NS + "}"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
PAGE_SIZE = 250

VERBS: dict[str, tuple[set[str], set[str]]] = {  # verb: (required, optional) arguments
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


FORMATS = {
    "oai_dc": MetadataFormat("oai_dc", dc.OAI_DC_SCHEMA, dc.OAI_DC_NS),
    "lido": MetadataFormat("lido", "http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd",
                           lido_export.LIDO_NS),
    "edm": MetadataFormat("edm", "http://www.europeana.eu/schemas/edm/EDM.xsd", edm.RDF_NS),
}


class OaiError(Exception):
    """One OAI-PMH protocol error (answered as ``<error code=...>`` in an HTTP 200 document)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Repository:
    """What the provider needs to know about the portal."""

    engine: Engine
    base_url: str
    name: str
    admin_email: str
    edm_provider: str
    page_size: int = PAGE_SIZE
    clock: Callable[[], datetime] = lambda: datetime.now(UTC).replace(tzinfo=None)

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/oai"


@dataclass(frozen=True)
class ListState:
    """Where a list request stands: its arguments and the last (datestamp, id) sent."""

    prefix: str
    start: datetime | None
    end: datetime | None
    set_spec: str | None
    after: tuple[datetime, int] | None = None
    cursor: int = 0

    def encode(self) -> str:
        payload = [self.prefix, _iso(self.start), _iso(self.end), self.set_spec,
                   _iso(self.after[0]) if self.after else None,
                   self.after[1] if self.after else None, self.cursor]
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> ListState:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            prefix, start, end, set_spec, after_at, after_id, cursor = json.loads(raw)
            if prefix not in FORMATS or not isinstance(cursor, int) or cursor < 0:
                raise ValueError("bad fields")
            after = (datetime.fromisoformat(after_at), int(after_id)) if after_at else None
            return cls(prefix, _from_iso(start), _from_iso(end),
                       str(set_spec) if set_spec is not None else None, after, cursor)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise OaiError("badResumptionToken", "the resumptionToken is invalid") from None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _from_iso(value: object) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(str(value))


def datestamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datestamp(value: str, name: str, *, end: bool) -> tuple[datetime, str]:
    """A ``from``/``until`` argument as the bound it means, and its granularity."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        granularity = "day"
        try:
            moment = datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise OaiError("badArgument", f"{name} {value!r} is not a valid date") from None
        return (moment + timedelta(days=1) if end else moment), granularity
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value):
        try:
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise OaiError("badArgument", f"{name} {value!r} is not a valid datestamp") from None
        # until is inclusive at the repository's granularity (seconds)
        return (moment + timedelta(seconds=1) if end else moment), "seconds"
    raise OaiError("badArgument", f"{name} {value!r} must be YYYY-MM-DD or "
                                  "YYYY-MM-DDThh:mm:ssZ")


def slugify(text: str) -> str:
    """A setSpec part for a sub-collection name (ASCII letters, digits and hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


# --- the response document -------------------------------------------------------------------

def _envelope(repo: Repository, arguments: Mapping[str, str] | None) -> etree._Element:
    root = etree.Element(OAI + "OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    etree.SubElement(root, OAI + "responseDate").text = datestamp(repo.clock())
    request = etree.SubElement(root, OAI + "request")
    request.text = repo.endpoint
    for key, value in (arguments or {}).items():
        request.set(key, value)
    return root


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, OAI + name)
    if text is not None:
        element.text = text
    return element


def error_document(repo: Repository, errors: Sequence[OaiError],
                   arguments: Mapping[str, str] | None = None) -> bytes:
    """The answer to a request that failed (badVerb and badArgument echo no arguments)."""
    echo = None if any(e.code in ("badVerb", "badArgument") for e in errors) else arguments
    root = _envelope(repo, echo)
    for error in errors:
        _sub(root, "error", error.message).set("code", error.code)
    return _serialise(root)


def _serialise(root: etree._Element, metadata: list[str] | None = None) -> bytes:
    """The response document; each ``<metadata>`` placeholder is replaced by the record's XML
    text (written by the fast exporters, not rebuilt as an lxml tree)."""
    text = etree.tostring(root, encoding="unicode")
    if metadata:
        text = _PLACEHOLDER.sub(lambda found: metadata[int(found.group(1))], text)
    return (XML_DECLARATION + text).encode()


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue000")  # the envelope holds only IRIs, dates, set specs


# --- requests ----------------------------------------------------------------------------------

def handle(repo: Repository, arguments: Mapping[str, Sequence[str]]) -> bytes:
    """Answer one OAI-PMH request given its arguments (each name with all its values)."""
    verbs = list(arguments.get("verb", ()))
    if len(verbs) != 1 or verbs[0] not in VERBS:
        message = "the verb argument is missing" if not verbs else (
            "the verb argument is repeated" if len(verbs) > 1 else
            f"{verbs[0]!r} is not an OAI-PMH verb")
        return error_document(repo, [OaiError("badVerb", message)])
    verb = verbs[0]
    single: dict[str, str] = {"verb": verb}
    try:
        required, optional = VERBS[verb]
        for name, values in arguments.items():
            if name == "verb":
                continue
            if name not in required | optional:
                raise OaiError("badArgument", f"{name!r} is not an argument of {verb}")
            if len(values) != 1:
                raise OaiError("badArgument", f"the {name} argument is repeated")
            single[name] = values[0]
        if "resumptionToken" in single:
            if set(single) - {"verb", "resumptionToken"}:
                raise OaiError("badArgument", "resumptionToken is an exclusive argument")
        else:
            missing = sorted(required - set(single))
            if missing:
                raise OaiError("badArgument", f"{verb} needs the {missing[0]} argument")
        return _VERB_HANDLERS[verb](repo, single)
    except OaiError as exc:
        return error_document(repo, [exc], single)


def _identify(repo: Repository, arguments: dict[str, str]) -> bytes:
    root = _envelope(repo, arguments)
    identify = _sub(root, "Identify")
    _sub(identify, "repositoryName", repo.name)
    _sub(identify, "baseURL", repo.endpoint)
    _sub(identify, "protocolVersion", "2.0")
    _sub(identify, "adminEmail", repo.admin_email)
    with Session(repo.engine) as session:
        earliest = session.exec(select(func.min(CollectionObject.updated_at)).where(
            col(CollectionObject.state).in_(_VISIBLE))).one()
    _sub(identify, "earliestDatestamp", datestamp(earliest or datetime(2000, 1, 1)))
    _sub(identify, "deletedRecord", "persistent")
    _sub(identify, "granularity", GRANULARITY)
    return _serialise(root)


_VISIBLE = (RecordState.PUBLISHED.value, RecordState.ARCHIVED.value)


def _object_by_identifier(session: Session, identifier: str) -> CollectionObject:
    obj = session.exec(select(CollectionObject).where(CollectionObject.iri == identifier)).first()
    if obj is None or obj.state not in _VISIBLE:
        raise OaiError("idDoesNotExist", f"{identifier!r} is not an identifier of this "
                                         "repository")
    return obj


def _list_formats(repo: Repository, arguments: dict[str, str]) -> bytes:
    if "identifier" in arguments:
        with Session(repo.engine) as session:
            _object_by_identifier(session, arguments["identifier"])
    root = _envelope(repo, arguments)
    wrapper = _sub(root, "ListMetadataFormats")
    for fmt in FORMATS.values():
        item = _sub(wrapper, "metadataFormat")
        _sub(item, "metadataPrefix", fmt.prefix)
        _sub(item, "schema", fmt.schema)
        _sub(item, "metadataNamespace", fmt.namespace)
    return _serialise(root)


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str
    institution_id: int
    collections: tuple[str, ...] = ()  # the sub-collection names behind one setSpec


def all_sets(session: Session) -> list[OaiSet]:
    """One set per institution with disseminated records, and one per sub-collection."""
    sets: list[OaiSet] = []
    pairs = session.exec(select(CollectionObject.institution_id, CollectionObject.collection)
                         .where(col(CollectionObject.state).in_(_VISIBLE)).distinct()).all()
    by_institution: dict[int, set[str]] = {}
    for institution_id, collection in pairs:
        by_institution.setdefault(institution_id, set())
        if collection:
            by_institution[institution_id].add(collection)
    agents = sorted((a for a in agents_by_id(session, by_institution).values()
                     if a.kind == AgentKind.INSTITUTION), key=lambda a: a.slug)
    for agent in agents:
        name = agent.name.get("cs") or agent.slug
        sets.append(OaiSet(agent.slug, name, agent.id or 0))
        grouped: dict[str, list[str]] = {}
        for collection in by_institution[agent.id or 0]:
            grouped.setdefault(slugify(collection), []).append(collection)
        for part, names in sorted(grouped.items()):
            sets.append(OaiSet(f"{agent.slug}:{part}", f"{name}: {sorted(names)[0]}",
                               agent.id or 0, tuple(sorted(names))))
    return sets


def _list_sets(repo: Repository, arguments: dict[str, str]) -> bytes:
    if "resumptionToken" in arguments:
        raise OaiError("badResumptionToken", "the list of sets is never split")
    with Session(repo.engine) as session:
        sets = all_sets(session)
    if not sets:
        raise OaiError("noSetHierarchy", "the repository holds no records, hence no sets")
    root = _envelope(repo, arguments)
    wrapper = _sub(root, "ListSets")
    for oai_set in sets:
        item = _sub(wrapper, "set")
        _sub(item, "setSpec", oai_set.spec)
        _sub(item, "setName", oai_set.name)
    return _serialise(root)


def _header(parent: etree._Element, obj: CollectionObject, specs: list[str]) -> None:
    header = _sub(parent, "header")
    if obj.state != RecordState.PUBLISHED:
        header.set("status", "deleted")
    _sub(header, "identifier", obj.iri)
    _sub(header, "datestamp", datestamp(obj.updated_at))
    for spec in specs:
        _sub(header, "setSpec", spec)


def _metadata(repo: Repository, obj: CollectionObject, agent: Agent, prefix: str) -> str:
    if prefix == "lido":
        return lido_export.lido_xml(obj, agent, base_url=repo.base_url)
    if prefix == "edm":
        return edm.edm_xml(obj, agent, base_url=repo.base_url, provider=repo.edm_provider)
    return dc.dc_xml(obj, agent, base_url=repo.base_url)


def _record(repo: Repository, parent: etree._Element, obj: CollectionObject, agent: Agent,
            prefix: str, metadata: list[str]) -> None:
    record = _sub(parent, "record")
    _header(record, obj, _specs(agent, obj))
    if obj.state == RecordState.PUBLISHED:
        _sub(record, "metadata", f"\ue000{len(metadata)}\ue000")
        metadata.append(_metadata(repo, obj, agent, prefix))


def _specs(agent: Agent, obj: CollectionObject) -> list[str]:
    specs = [agent.slug]
    if obj.collection:
        specs.append(f"{agent.slug}:{slugify(obj.collection)}")
    return specs


def _get_record(repo: Repository, arguments: dict[str, str]) -> bytes:
    prefix = arguments["metadataPrefix"]
    with Session(repo.engine) as session:
        obj = _object_by_identifier(session, arguments["identifier"])
        if prefix not in FORMATS:
            raise OaiError("cannotDisseminateFormat", f"{prefix!r} is not a format of this "
                                                      "repository (oai_dc, lido, edm)")
        agent = session.get(Agent, obj.institution_id)
        assert agent is not None
        root = _envelope(repo, arguments)
        metadata: list[str] = []
        _record(repo, _sub(root, "GetRecord"), obj, agent, prefix, metadata)
    return _serialise(root, metadata)


def _list_state(repo: Repository, arguments: dict[str, str]) -> ListState:
    if "resumptionToken" in arguments:
        return ListState.decode(arguments["resumptionToken"])
    prefix = arguments["metadataPrefix"]
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"{prefix!r} is not a format of this "
                                                  "repository (oai_dc, lido, edm)")
    start = end = None
    granularities = set()
    if "from" in arguments:
        start, granularity = parse_datestamp(arguments["from"], "from", end=False)
        granularities.add(granularity)
    if "until" in arguments:
        end, granularity = parse_datestamp(arguments["until"], "until", end=True)
        granularities.add(granularity)
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity")
    if start is not None and end is not None and end <= start:
        raise OaiError("badArgument", "until is before from")
    return ListState(prefix, start, end, arguments.get("set"))


def _list(repo: Repository, arguments: dict[str, str], *, records: bool) -> bytes:
    state = _list_state(repo, arguments)
    with Session(repo.engine) as session:
        query = select(CollectionObject).where(col(CollectionObject.state).in_(_VISIBLE))
        if state.start is not None:
            query = query.where(CollectionObject.updated_at >= state.start)
        if state.end is not None:
            query = query.where(CollectionObject.updated_at < state.end)
        if state.set_spec is not None:
            query = _in_set(session, query, state.set_spec)
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        if state.after is not None:
            at, last_id = state.after
            query = query.where(or_(col(CollectionObject.updated_at) > at,
                                    and_(col(CollectionObject.updated_at) == at,
                                         col(CollectionObject.id) > last_id)))
        rows = list(session.exec(query.order_by(col(CollectionObject.updated_at),
                                                col(CollectionObject.id))
                                 .limit(repo.page_size + 1)))
        if not rows and state.after is None:
            raise OaiError("noRecordsMatch", "no record matches these arguments")
        more = len(rows) > repo.page_size
        rows = rows[:repo.page_size]
        agents = agents_by_id(session, (r.institution_id for r in rows))
        root = _envelope(repo, arguments)
        wrapper = _sub(root, "ListRecords" if records else "ListIdentifiers")
        metadata: list[str] = []
        for obj in rows:
            agent = agents[obj.institution_id]
            if records:
                _record(repo, wrapper, obj, agent, state.prefix, metadata)
            else:
                _header(wrapper, obj, _specs(agent, obj))
    if state.after is not None or more:
        token = _sub(wrapper, "resumptionToken")
        token.set("completeListSize", str(total))
        token.set("cursor", str(state.cursor))
        if more:
            last = rows[-1]
            token.text = ListState(state.prefix, state.start, state.end, state.set_spec,
                                   (last.updated_at, last.id or 0),
                                   state.cursor + len(rows)).encode()
    return _serialise(root, metadata)


def _in_set(session: Session, query: Any, spec: str) -> Any:
    sets = {s.spec: s for s in all_sets(session)}
    oai_set = sets.get(spec)
    if oai_set is None:
        # an unknown set matches nothing (the protocol has no error code for it)
        raise OaiError("noRecordsMatch", f"there is no set {spec!r}")
    query = query.where(CollectionObject.institution_id == oai_set.institution_id)
    if oai_set.collections:
        query = query.where(col(CollectionObject.collection).in_(oai_set.collections))
    return query


_VERB_HANDLERS: dict[str, Callable[[Repository, dict[str, str]], bytes]] = {
    "Identify": _identify,
    "ListMetadataFormats": _list_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": lambda repo, args: _list(repo, args, records=False),
    "ListRecords": lambda repo, args: _list(repo, args, records=True),
}
