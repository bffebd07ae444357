"""Gateways mapped to locations: registry use cases and the in-memory directory the splash flow
reads. A gateway stores the *name* of its secret; the value comes from configuration."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from captive_portal.controllers import CONTROLLERS
from captive_portal.controllers.base import GatewayRecord, normalise_mac
from captive_portal.errors import ArrivalRefused
from captive_portal.locations import get_location
from captive_portal.models import WifiGateway, WifiLocation
from catalog.errors import ValidationError

SECRET_NAME = re.compile(r"^[A-Z0-9_]{1,60}$")
# Controllers whose gateways need a key, and whether they need a guest password too.
NEEDS_SECRET = {"opennds": False, "coova": True, "unifi": False}
MAC_KEYED = {"meraki", "unifi", "coova"}  # identifiers that may be MACs: stored normalised


def _identifier(controller: str, identifier: str) -> str:
    identifier = identifier.strip()
    if not identifier or len(identifier) > 200:
        raise ValidationError("id", "must be 1–200 characters")
    if controller in MAC_KEYED:
        try:
            return normalise_mac(identifier, "id")
        except ArrivalRefused:
            return identifier
    return identifier


def add_gateway(session: Session, location_slug: str, *, controller: str, identifier: str,
                secret_name: str | None = None,
                options: Mapping[str, Any] | None = None) -> WifiGateway:
    """Map the gateway ``controller``/``identifier`` to a location (or move it there)."""
    if controller not in CONTROLLERS:
        raise ValidationError("controller", f"must be one of {', '.join(CONTROLLERS)}")
    if secret_name is not None and not SECRET_NAME.match(secret_name):
        raise ValidationError("secret", "a NAME of capital letters, digits and underscores; "
                                        "its value comes from PORTAL_WIFI_SECRET_<NAME>")
    if controller == "opennds" and "level" in (options or {}):
        if str((options or {})["level"]) not in {"0", "1", "2", "3", "4"}:
            raise ValidationError("level", "openNDS levels are 0–4")
    location = get_location(session, location_slug)
    identifier = _identifier(controller, identifier)
    gateway = session.exec(select(WifiGateway).where(
        WifiGateway.controller == controller, WifiGateway.identifier == identifier)).first()
    if gateway is None:
        gateway = WifiGateway(location_id=location.id or 0, controller=controller,
                              identifier=identifier)
        session.add(gateway)
    gateway.location_id = location.id or 0
    gateway.secret_name = secret_name
    gateway.options = dict(options or {})
    session.flush()
    return gateway


@dataclass(frozen=True)
class GatewayRow:
    gateway: WifiGateway
    location_slug: str


def list_gateways(session: Session) -> list[GatewayRow]:
    rows = session.exec(select(WifiGateway, WifiLocation.slug)
                        .join(WifiLocation, col(WifiLocation.id) == WifiGateway.location_id)
                        .order_by(col(WifiGateway.controller), col(WifiGateway.identifier)))
    return [GatewayRow(gateway, slug) for gateway, slug in rows]


def missing_secrets(session: Session, secrets: Mapping[str, str]) -> list[tuple[GatewayRow, str]]:
    """Gateways whose key (or guest password) is not configured, with the variable to set."""
    problems = []
    for row in list_gateways(session):
        gateway = row.gateway
        needs_secret = gateway.controller in NEEDS_SECRET
        if needs_secret and not gateway.secret_name:
            problems.append((row, "no --secret NAME registered"))
            continue
        if gateway.secret_name and not secrets.get(gateway.secret_name):
            problems.append((row, f"PORTAL_WIFI_SECRET_{gateway.secret_name} is not set"))
        elif gateway.secret_name and NEEDS_SECRET.get(gateway.controller) \
                and not secrets.get(gateway.secret_name + "_GUEST"):
            problems.append((row, f"PORTAL_WIFI_SECRET_{gateway.secret_name}_GUEST (guest "
                                  "password) is not set"))
    return problems


class Directory:
    """Gateways by controller and identifier with their secrets resolved."""

    def __init__(self, records: Sequence[GatewayRecord]) -> None:
        self._by_key = {(r.controller, r.identifier): r for r in records}
        self._by_controller: dict[str, list[GatewayRecord]] = {}
        for record in records:
            self._by_controller.setdefault(record.controller, []).append(record)

    def find(self, controller: str, identifier: str) -> GatewayRecord | None:
        return self._by_key.get((controller, identifier))

    def of_controller(self, controller: str) -> Sequence[GatewayRecord]:
        return self._by_controller.get(controller, [])

    def by_id(self, gateway_id: int) -> GatewayRecord | None:
        for record in self._by_key.values():
            if record.id == gateway_id:
                return record
        return None


def load_directory(session: Session, secrets: Mapping[str, str]) -> Directory:
    records = []
    for row in list_gateways(session):
        gateway = row.gateway
        name = gateway.secret_name
        records.append(GatewayRecord(
            id=gateway.id or 0, location_id=gateway.location_id, location_slug=row.location_slug,
            controller=gateway.controller, identifier=gateway.identifier,
            secret=secrets.get(name) if name else None,
            password=secrets.get(name + "_GUEST") if name else None,
            options=dict(gateway.options)))
    return Directory(records)
