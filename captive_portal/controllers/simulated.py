"""The simulated gateway (``make demo`` and tests): it behaves like a small openNDS, sending the
phone to the splash page and opening the network when the browser brings back a token only the
gateway's key can make."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from urllib.parse import quote

from captive_portal.controllers.base import (
    Arrival,
    GatewayDirectory,
    GatewayRecord,
    Grant,
    GrantContext,
    GrantKind,
    RawQuery,
    text_url,
)
from captive_portal.errors import ArrivalRefused

CLIENT = re.compile(r"^[0-9a-f]{16,64}$")


def simulated_token(key: str, client: str) -> str:
    return hmac.new(key.encode(), client.encode(), hashlib.sha256).hexdigest()


class SimulatedController:
    name = "simulated"

    def __init__(self, *, gateway_base: str, fallback_key: str) -> None:
        self.gateway_base = gateway_base.rstrip("/")  # where the simulated gateway answers
        self.fallback_key = fallback_key

    def key(self, gateway: GatewayRecord) -> str:
        return gateway.secret or hmac.new(self.fallback_key.encode(),
                                          f"simulated:{gateway.identifier}".encode(),
                                          hashlib.sha256).hexdigest()

    def parse(self, query: RawQuery, gateways: GatewayDirectory) -> Arrival:
        gateway_id, client = query.require("gateway", "client")
        gateway = gateways.find(self.name, gateway_id)
        original = text_url(query.params.get("url"))
        if gateway is None:
            return Arrival(self.name, None, original_url=original)
        if not CLIENT.match(client):
            raise ArrivalRefused("client must be 16–64 hex characters")
        return Arrival(self.name, gateway, client=client, handle={"client": client},
                       original_url=original)

    def grant(self, handle: Mapping[str, str], gateway: GatewayRecord,
              context: GrantContext) -> Grant:
        token = simulated_token(self.key(gateway), handle["client"])
        url = (f"{self.gateway_base}/{quote(gateway.identifier, safe='')}/auth?"
               f"client={handle['client']}&tok={token}&redir={quote(context.landing_url, safe='')}")
        return Grant(GrantKind.REDIRECT, url, once=(handle["client"],))
