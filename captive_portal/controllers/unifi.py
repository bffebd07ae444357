"""UniFi external portal: the location from the AP (``ap``) or the site; the grant is a server-side
call to the UniFi Network API (look the client up by MAC, check it is an unauthorised guest, then
``AUTHORIZE_GUEST_ACCESS``); the browser then lands on our page."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import quote

from captive_portal.controllers.base import (
    Arrival,
    GatewayDirectory,
    GatewayRecord,
    Grant,
    GrantContext,
    GrantKind,
    HttpClient,
    RawQuery,
    normalise_mac,
    text_url,
)
from captive_portal.errors import ArrivalRefused, GrantFailed

MAX_AGE = 600
SITE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class UnifiController:
    name = "unifi"

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    def parse(self, query: RawQuery, gateways: GatewayDirectory) -> Arrival:
        params = query.params
        mac, ap, t = query.require("id", "ap", "t")
        site = params.get("site", "default")
        if not SITE.match(site):
            raise ArrivalRefused("site is not a UniFi site name")
        ap_mac = normalise_mac(ap, "ap")
        gateway = gateways.find(self.name, ap_mac) or gateways.find(self.name, site)
        original = text_url(params.get("url"))
        if gateway is None:
            return Arrival(self.name, None, original_url=original)
        if not t.isdigit() or abs(self.clock() - int(t)) > MAX_AGE:
            raise ArrivalRefused("the UniFi redirect is older than 10 minutes", 400)
        client = normalise_mac(mac, "id")
        return Arrival(self.name, gateway, client=client,
                       handle={"mac": client, "ap": ap_mac, "site": site}, original_url=original)

    def grant(self, handle: Mapping[str, str], gateway: GatewayRecord,
              context: GrantContext) -> Grant:
        base = str(gateway.options.get("controller_url") or "").rstrip("/")
        site_id = str(gateway.options.get("site_id") or "")
        if not base or not site_id or not gateway.secret or context.http is None:
            raise GrantFailed("the UniFi controller URL, site id or API key is not configured",
                              503)
        http: HttpClient = context.http
        headers = {"X-API-KEY": gateway.secret, "Accept": "application/json"}
        sites = f"{base}/v1/sites/{quote(site_id, safe='')}"
        mac_filter = quote(f"macAddress.eq('{handle['mac']}')", safe="")
        status, body = http.request("GET", f"{sites}/clients?filter={mac_filter}", headers)
        if status != 200:
            raise GrantFailed(f"the UniFi controller answered {status} to the client lookup")
        try:
            clients = json.loads(body).get("data") or []
        except (ValueError, AttributeError):
            raise GrantFailed("the UniFi controller sent no JSON client list") from None
        match = [c for c in clients if isinstance(c, dict)
                 and str(c.get("macAddress", "")).lower() == handle["mac"]]
        if not match:
            raise GrantFailed("the client is not connected to this UniFi site", 403)
        found = match[0]
        access = found.get("access") or {}
        if access.get("type") != "GUEST":
            raise GrantFailed("the client is not on a guest network", 403)
        if access.get("authorized") is True:
            return Grant(GrantKind.SERVER, context.landing_url, once=(handle["mac"],))
        action = json.dumps({"action": "AUTHORIZE_GUEST_ACCESS",
                             "timeLimitMinutes": context.session_minutes}).encode()
        status, _ = http.request("POST", f"{sites}/clients/{quote(str(found['id']), safe='')}"
                                         "/actions",
                                 {**headers, "Content-Type": "application/json"}, action)
        if status not in (200, 201, 204):
            raise GrantFailed(f"the UniFi controller answered {status} to the authorisation")
        return Grant(GrantKind.SERVER, context.landing_url)
