"""MikroTik HotSpot: the router's login page forwards its servlet variables (``identity``,
``server-name``, ``mac``, ``link-login-only``, ``link-orig``); click-through is the trial login
link on the router, whose host must be the one registered for that router."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from captive_portal.controllers.base import (
    Arrival,
    GatewayDirectory,
    GatewayRecord,
    Grant,
    GrantContext,
    GrantKind,
    RawQuery,
    normalise_mac,
    text_url,
)
from captive_portal.errors import ArrivalRefused


def _login_host_allowed(url: str, gateway: GatewayRecord) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.username or parts.query or parts.fragment:
        return False
    registered = gateway.options.get("login_host")
    if registered:
        return host == str(registered).lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private and not address.is_loopback


class MikrotikController:
    name = "mikrotik"

    def parse(self, query: RawQuery, gateways: GatewayDirectory) -> Arrival:
        params = query.params
        (identity,) = query.require("identity")
        gateway = None
        if params.get("server-name"):
            gateway = gateways.find(self.name, f"{identity}/{params['server-name']}")
        gateway = gateway or gateways.find(self.name, identity)
        original = text_url(params.get("link-orig"))
        if gateway is None:
            return Arrival(self.name, None, original_url=original)
        login, mac = query.require("link-login-only", "mac")
        if not _login_host_allowed(login, gateway):
            raise ArrivalRefused("link-login-only is not the registered hotspot address", 403)
        client = normalise_mac(mac, "mac")
        return Arrival(self.name, gateway, client=client,
                       handle={"login": login, "mac": client.upper()}, original_url=original)

    def grant(self, handle: Mapping[str, str], gateway: GatewayRecord,
              context: GrantContext) -> Grant:
        if not _login_host_allowed(handle["login"], gateway):
            raise ArrivalRefused("link-login-only is not the registered hotspot address", 403)
        query = urlencode({"dst": context.landing_url, "username": "T-" + handle["mac"]})
        return Grant(GrantKind.REDIRECT, f"{handle['login']}?{query}")
