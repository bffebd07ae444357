"""Sources written for the harvester tests from the specifications: a CKAN Action API site with
``package_search`` paging, and helpers shared by the harvest tests (clock, client, settings)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from catalog.db import transaction
from catalog.models import AgentKind
from catalog.services import upsert_agent
from harvesters import services
from harvesters.http import HttpClient, HttpPolicy
from harvesters.runner import HarvestSettings
from tests.conftest import BASE_URL
from tests.harvest_server import Reply, Request
from tests.records import MUSEUM, PUBLISHER

SETTINGS = HarvestSettings(base_url=BASE_URL, grace_days=7, job_timeout=3600, full_every=3,
                           batch_size=2)


def http() -> HttpClient:
    """The real client, allowed to reach the local test servers only."""
    return HttpClient(HttpPolicy(allowed_networks=("127.0.0.1/32",), retries=1, backoff=0.01,
                                 connect_timeout=2, read_timeout=2))


@dataclass
class Clock:
    """A clock the tests move forward (the grace period is days long)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 1, 8, 0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def add_agents(engine: Engine) -> None:
    with transaction(engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        upsert_agent(session, MUSEUM, kind=AgentKind.INSTITUTION, base_url=BASE_URL)


def add_source(engine: Engine, name: str, type: str, url: str, **extra: Any) -> None:
    with transaction(engine) as session:
        services.add_source(session, name=name, type=type, url=url, **extra)


# -- CKAN ----------------------------------------------------------------------------------

POLYGON = {"type": "Polygon", "coordinates": [[[15.0, 50.7], [15.1, 50.7], [15.1, 50.8],
                                               [15.0, 50.8], [15.0, 50.7]]]}


def ckan_package(n: int, **changes: Any) -> dict[str, Any]:
    """A package as CKAN 2.10's package_show returns it (default schema)."""
    package: dict[str, Any] = {
        "id": f"6f1c0000-0000-4000-8000-{n:012d}",
        "name": f"jizdni-rady-{n}",
        "title": f"Jízdní řády linky {n}",
        "type": "dataset",
        "notes": f"Jízdní řády autobusové linky {n} v Liberci.",
        "url": f"https://www.liberec.cz/doprava/linka-{n}",
        "version": None,
        "author": None,
        "author_email": None,
        "maintainer": "Odbor dopravy",
        "maintainer_email": "doprava@liberec.cz",
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "isopen": True,
        "private": False,
        "state": "active",
        "metadata_created": "2025-03-01T09:00:00.000000",
        "metadata_modified": f"2026-10-{1 + n % 28:02d}T10:00:00.000000",
        "organization": {"id": "aa11", "name": "statutarni-mesto-liberec",
                         "title": "Statutární město Liberec", "type": "organization",
                         "is_organization": True, "state": "active"},
        "groups": [{"id": "g1", "name": "tran", "title": "Doprava", "display_name": "Doprava"}],
        "tags": [{"id": "t1", "name": "doprava", "display_name": "doprava", "state": "active",
                  "vocabulary_id": None},
                 {"id": "t2", "name": "autobusy", "display_name": "autobusy", "state": "active",
                  "vocabulary_id": None}],
        "extras": [
            {"key": "frequency",
             "value": "http://publications.europa.eu/resource/authority/frequency/MONTHLY"},
            {"key": "spatial", "value": json.dumps(POLYGON)},
            {"key": "spatial_uri", "value": "https://linked.cuzk.cz/resource/ruian/obec/563889"},
        ],
        "resources": [
            {"id": f"r{n}", "package_id": f"p{n}", "position": 0, "name": "Jízdní řád (CSV)",
             "description": "Odjezdy ze zastávek", "url": f"https://data.liberec.cz/linka-{n}.csv",
             "format": "CSV", "mimetype": "text/csv", "size": 2048,
             "last_modified": "2026-10-01T08:00:00", "state": "active"},
            {"id": f"s{n}", "package_id": f"p{n}", "position": 1, "name": "Trasa (GeoJSON)",
             "description": "", "url": f"https://data.liberec.cz/linka-{n}.geojson",
             "format": "GeoJSON", "mimetype": None, "size": None, "state": "active"},
        ],
        "num_resources": 2,
        "num_tags": 2,
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }
    package.update(changes)
    return package


@dataclass
class CkanSite:
    """``package_search`` over ``packages`` as CKAN answers it: envelope, count, rows/start,
    ``fq=metadata_modified:[X TO *]``, ``sort``."""

    packages: list[dict[str, Any]] = field(default_factory=list)
    queries: list[dict[str, list[str]]] = field(default_factory=list)

    def __call__(self, request: Request) -> Reply:
        self.queries.append(request.query)
        rows = int(request.query.get("rows", ["10"])[0])
        start = int(request.query.get("start", ["0"])[0])
        found = sorted(self.packages, key=lambda p: p["id"])
        for fq in request.query.get("fq", []):
            since = fq.split("[", 1)[1].split(" TO ", 1)[0].rstrip("Z")
            found = [p for p in found if p["metadata_modified"] >= since]
        envelope = {"help": "http://ckan.test/api/3/action/help_show?name=package_search",
                    "success": True,
                    "result": {"count": len(found), "facets": {}, "search_facets": {},
                               "sort": "id asc", "results": found[start:start + rows]}}
        return Reply(json.dumps(envelope).encode(),
                     headers={"Content-Type": "application/json;charset=utf-8"})


# -- LIDO and OAI-PMH ----------------------------------------------------------------------

LIDO_NS = "http://www.lido-schema.org"
LIDO_TERMS = "http://terminology.lido-schema.org/"


def lido_record(n: int, title: str | None = None, *, wrap_ns: bool = True) -> str:
    """A LIDO 1.1 record written from the specification (schema element order kept)."""
    ns = f' xmlns:lido="{LIDO_NS}"' if wrap_ns else ""
    title = title if title is not None else f"Broušená číše č. {n}"
    museum = "<lido:legalBodyName><lido:appellationValue>Severočeské muzeum v Liberci" \
        "</lido:appellationValue></lido:legalBodyName>"
    record_id = f"smlbc-{n:06d}"
    return f"""<lido:lido{ns}>
  <lido:lidoRecID lido:type="{LIDO_TERMS}lido00100" lido:source="SMLBC">{record_id}
  </lido:lidoRecID>
  <lido:descriptiveMetadata xml:lang="cs">
    <lido:objectClassificationWrap>
      <lido:objectWorkTypeWrap><lido:objectWorkType><lido:term>číše</lido:term>
      </lido:objectWorkType></lido:objectWorkTypeWrap>
      <lido:classificationWrap><lido:classification lido:type="podsbírka">
        <lido:term>Sklo</lido:term></lido:classification></lido:classificationWrap>
    </lido:objectClassificationWrap>
    <lido:objectIdentificationWrap>
      <lido:titleWrap><lido:titleSet><lido:appellationValue>{title}</lido:appellationValue>
      </lido:titleSet></lido:titleWrap>
      <lido:repositoryWrap><lido:repositorySet lido:type="current">
        <lido:repositoryName>{museum}</lido:repositoryName>
        <lido:workID lido:type="{LIDO_TERMS}lido00113">S {n}</lido:workID>
      </lido:repositorySet></lido:repositoryWrap>
      <lido:objectDescriptionWrap><lido:objectDescriptionSet><lido:descriptiveNoteValue>
        Číše z čirého skla s broušeným dekorem, kus {n}.</lido:descriptiveNoteValue>
      </lido:objectDescriptionSet></lido:objectDescriptionWrap>
    </lido:objectIdentificationWrap>
  </lido:descriptiveMetadata>
  <lido:administrativeMetadata xml:lang="cs">
    <lido:recordWrap>
      <lido:recordID lido:type="{LIDO_TERMS}lido00100">{record_id}</lido:recordID>
      <lido:recordType><lido:term>item</lido:term></lido:recordType>
      <lido:recordSource>{museum}</lido:recordSource>
    </lido:recordWrap>
  </lido:administrativeMetadata>
</lido:lido>"""


def lido_wrap(numbers: range) -> bytes:
    records = "\n".join(lido_record(n, wrap_ns=False) for n in numbers)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<lido:lidoWrap xmlns:lido="{LIDO_NS}">\n'
            f"{records}\n</lido:lidoWrap>\n").encode()


OAI_NS = "http://www.openarchives.org/OAI/2.0/"


def oai_envelope(request: str, body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="{OAI_NS}" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<responseDate>2026-11-27T06:00:00Z</responseDate>{request}{body}</OAI-PMH>"
            ).encode()


def oai_record(n: int, datestamp: str, *, deleted: bool = False) -> str:
    status = ' status="deleted"' if deleted else ""
    header = (f"<header{status}><identifier>oai:muzeum-liberec.test:{n}</identifier>"
              f"<datestamp>{datestamp}</datestamp><setSpec>sklo</setSpec></header>")
    if deleted:
        return f"<record>{header}</record>"
    return f"<record>{header}<metadata>{lido_record(n)}</metadata></record>"


@dataclass
class OaiRepository:
    """ListRecords as an OAI-PMH 2.0 repository answers it: ``page`` records per response,
    resumption tokens (the last part has an empty one), ``from`` on datestamps, deleted records,
    and the error codes of the protocol."""

    records: dict[int, str] = field(default_factory=dict)  # number -> datestamp
    deleted: set[int] = field(default_factory=set)
    page: int = 2
    expire_tokens: bool = False
    queries: list[dict[str, list[str]]] = field(default_factory=list)

    def __call__(self, request: Request) -> Reply:
        self.queries.append(request.query)
        query = {k: v[0] for k, v in request.query.items()}
        if query.get("verb") != "ListRecords":
            return self._error("badVerb", "only ListRecords here")
        if "resumptionToken" in query:
            if self.expire_tokens:
                return self._error("badResumptionToken", "the token has expired")
            start, since = query["resumptionToken"].split("|")
        else:
            if query.get("metadataPrefix") != "lido":
                return self._error("cannotDisseminateFormat", "lido only")
            start, since = "0", query.get("from", "")
        chosen = sorted(n for n, stamp in self.records.items() if stamp >= since)
        if not chosen:
            return self._error("noRecordsMatch", "nothing since " + since)
        offset = int(start)
        part = chosen[offset:offset + self.page]
        body = "".join(oai_record(n, self.records[n], deleted=n in self.deleted) for n in part)
        rest = offset + self.page
        token = (f'<resumptionToken completeListSize="{len(chosen)}" cursor="{offset}">'
                 f"{rest}|{since}</resumptionToken>" if rest < len(chosen)
                 else f'<resumptionToken completeListSize="{len(chosen)}" cursor="{offset}"/>')
        request_echo = f'<request verb="ListRecords">{"http://oai.test/"}</request>'
        return Reply(oai_envelope(request_echo, f"<ListRecords>{body}{token}</ListRecords>"),
                     headers={"Content-Type": "text/xml; charset=utf-8"})

    def _error(self, code: str, text: str) -> Reply:
        return Reply(oai_envelope("<request>http://oai.test/</request>",
                                  f'<error code="{code}">{text}</error>'),
                     headers={"Content-Type": "text/xml; charset=utf-8"})
