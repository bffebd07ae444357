"""Cisco Meraki click-through: the location from the AP's ``node_mac``; the browser grant through
``base_grant_url``, whose origin must be on the allow-list (Meraki signs nothing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    origin_allowed,
    text_url,
)
from captive_portal.errors import ArrivalRefused


class MerakiController:
    name = "meraki"

    def __init__(self, *, grant_origins: Sequence[str]) -> None:
        self.grant_origins = tuple(grant_origins)

    def parse(self, query: RawQuery, gateways: GatewayDirectory) -> Arrival:
        params = query.params
        (grant_url,) = query.require("base_grant_url")
        if not origin_allowed(grant_url, self.grant_origins):
            raise ArrivalRefused("base_grant_url is not on a Meraki host of the allow-list", 400)
        parts = urlsplit(grant_url)
        if parts.fragment:
            raise ArrivalRefused("base_grant_url must not have a fragment")
        gateway = None
        node = params.get("node_mac")
        if node:
            gateway = gateways.find(self.name, normalise_mac(node, "node_mac"))
        if gateway is None and params.get("gateway_id"):
            gateway = gateways.find(self.name, params["gateway_id"])
        original = text_url(params.get("user_continue_url"))
        if gateway is None:
            return Arrival(self.name, None, original_url=original)
        client = normalise_mac(params["client_mac"], "client_mac") \
            if params.get("client_mac") else None
        return Arrival(self.name, gateway, client=client, handle={"grant": grant_url},
                       original_url=original)

    def grant(self, handle: Mapping[str, str], gateway: GatewayRecord,
              context: GrantContext) -> Grant:
        grant_url = handle["grant"]
        if not origin_allowed(grant_url, self.grant_origins):  # the allow-list may have changed
            raise ArrivalRefused("base_grant_url is not on a Meraki host of the allow-list", 400)
        query = urlencode({"continue_url": context.landing_url,
                           "duration": context.session_minutes * 60})
        return Grant(GrantKind.REDIRECT,
                     grant_url + ("&" if "?" in grant_url else "?") + query)
