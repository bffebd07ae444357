"""The splash flow: an arrival is parsed, rate-limited and turned into a signed token; Connect
verifies the token, grants the controller's way and writes the consent record."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from captive_portal import tokens
from captive_portal.controllers import (
    CoovaChilliController,
    MerakiController,
    MikrotikController,
    OpenNdsController,
    SimulatedController,
    UnifiController,
)
from captive_portal.controllers.base import (
    Arrival,
    Controller,
    Grant,
    GrantContext,
    HttpClient,
    RawQuery,
)
from captive_portal.errors import RateLimited, TokenRefused
from captive_portal.gateways import Directory
from captive_portal.models import WifiGrant, WifiHourly, WifiPendingAuth
from captive_portal.privacy import (
    CLIENT_WINDOW,
    RateLimiter,
    client_key,
    keyed,
    pseudonym,
    use_once,
)


@dataclass(frozen=True)
class FlowConfig:
    key: bytes                    # derived from the portal's secret key
    token_seconds: int
    session_minutes: int
    gateway_rate: int             # per minute
    client_rate: int              # per CLIENT_WINDOW
    terms_version: str


def build_controllers(*, base_url: str, grant_origins: Sequence[str], allow_level0: bool,
                      fallback_key: str,
                      clock: Callable[[], float] = time.time) -> dict[str, Controller]:
    return {
        "opennds": OpenNdsController(allow_level0=allow_level0),
        "coova": CoovaChilliController(uamserver=f"{base_url}/wifi/arrive/coova"),
        "meraki": MerakiController(grant_origins=grant_origins),
        "unifi": UnifiController(clock=clock),
        "mikrotik": MikrotikController(),
        "simulated": SimulatedController(gateway_base=f"{base_url}/wifi/simulated",
                                         fallback_key=fallback_key),
    }


def grant_origin(controller: str, handle: Mapping[str, str]) -> str | None:
    """The origin the browser is sent to after Connect (the splash page's CSP must allow the
    form's redirect there); None when it stays on the portal."""
    if controller in ("opennds", "coova") and "addr" in handle:
        return f"http://{handle['addr']}"
    url = handle.get("grant") or handle.get("login")
    if url:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _limit(limiter: RateLimiter, config: FlowConfig, gateway_id: int, client: str,
           now: float) -> None:
    if not limiter.allow(f"c:{client}", config.client_rate, CLIENT_WINDOW, now):
        raise RateLimited("too many attempts from this device: try again in ten minutes")
    if not limiter.allow(f"g:{gateway_id}", config.gateway_rate, 60, now):
        raise RateLimited("this access point has too many arrivals right now: try again in a "
                          "minute")


def arrive(controller: Controller, query: RawQuery, directory: Directory,
           limiter: RateLimiter, config: FlowConfig, *, now: float) -> tuple[Arrival, str | None]:
    """The arrival and, when a grant is possible, its signed token."""
    arrival = controller.parse(query, directory)
    gateway = arrival.gateway
    if gateway is None or arrival.already:
        return arrival, None
    ckey = client_key(config.key, arrival.client)
    _limit(limiter, config, gateway.id, ckey, now)
    token = tokens.ArrivalToken(controller=controller.name, location=gateway.location_slug,
                                gateway_id=gateway.id, handle=dict(arrival.handle),
                                client_key=ckey, expires=int(now) + config.token_seconds)
    return arrival, tokens.sign(token, config.key)


def connect(session: Session, text: str, *, controllers: Mapping[str, Controller],
            directory: Directory, limiter: RateLimiter, config: FlowConfig,
            landing_url: Callable[[str], str], http: HttpClient | None,
            now: float) -> tuple[tokens.ArrivalToken, Grant]:
    """Grant the client of a verified token; the caller commits (then redirects)."""
    token = tokens.verify(text, config.key, now=now)
    gateway = directory.by_id(token.gateway_id)
    controller = controllers.get(token.controller)
    if gateway is None or controller is None or gateway.location_slug != token.location \
            or gateway.controller != token.controller:
        raise TokenRefused("the gateway of this arrival is no longer registered here", 403)
    when = datetime.fromtimestamp(now, UTC).replace(tzinfo=None)
    expires = when + timedelta(seconds=config.token_seconds)
    if not use_once(session, token.digest(), expires=expires, now=when):
        raise TokenRefused("this arrival was already used to connect", 409)
    _limit(limiter, config, gateway.id, token.client_key, now)
    context = GrantContext(landing_url=landing_url(gateway.location_slug),
                           session_minutes=int(gateway.options.get("session_minutes")
                                               or config.session_minutes), http=http)
    grant = controller.grant(token.handle, gateway, context)
    for value in grant.once:
        digest = keyed(config.key, "once", f"{gateway.id}:{value}")
        if not use_once(session, digest, expires=when + timedelta(days=1), now=when):
            raise TokenRefused("this gateway token was already used (replayed arrival)", 409)
    if grant.pending is not None:
        session.add(WifiPendingAuth(gatewayhash=grant.pending.gatewayhash,
                                    rhid=grant.pending.rhid, entry=grant.pending.entry,
                                    created_at=when))
    log_grant(session, location_id=gateway.location_id, controller=controller.name,
              terms_version=config.terms_version,
              pseudonym=pseudonym(config.key, token.client_key, when.date()), when=when)
    return token, grant


def log_grant(session: Session, *, location_id: int, controller: str, terms_version: str,
              pseudonym: str, when: datetime) -> None:
    """The consent record and the hourly count (one upsert, safe with concurrent workers)."""
    session.add(WifiGrant(location_id=location_id, controller=controller,
                          terms_version=terms_version, pseudonym=pseudonym, granted_at=when))
    hour = when.replace(minute=0, second=0, microsecond=0)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(WifiHourly).values(location_id=location_id, hour=hour, connections=1)
    statement = statement.on_conflict_do_update(
        index_elements=["location_id", "hour"],
        set_={"connections": WifiHourly.connections + 1})  # type: ignore[operator]
    session.execute(statement)
