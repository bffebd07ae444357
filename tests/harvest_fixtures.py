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
