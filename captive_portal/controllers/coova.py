"""CoovaChilli UAM: the redirect's ``md`` checksum verified in constant time, the browser grant
through the gateway's ``/logon`` with a CHAP response computed from the challenge and uamsecret."""

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
    normalise_mac,
    private_host_port,
    text_url,
)
from captive_portal.errors import ArrivalRefused

CHALLENGE = re.compile(r"^[0-9a-fA-F]{32}$")


def md_checksum(url_before_md: str, uamsecret: str) -> str:
    """``UPPER(HEX(MD5(url || uamsecret)))`` over the URL built up to just before ``&md=``."""
    return hashlib.md5((url_before_md + uamsecret).encode("utf-8")).hexdigest().upper()


def chap_response(challenge: str, uamsecret: str, password: str) -> str:
    """``hex(MD5(0x00 || password || MD5(hex2bin(challenge) || uamsecret)))``."""
    newchal = hashlib.md5(bytes.fromhex(challenge) + uamsecret.encode("utf-8")).digest()
    return hashlib.md5(b"\0" + password.encode("utf-8") + newchal).hexdigest()


class CoovaChilliController:
    name = "coova"

    def __init__(self, *, uamserver: str) -> None:
        self.uamserver = uamserver  # our arrival URL as configured in chilli (option uamserver)

    def parse(self, query: RawQuery, gateways: GatewayDirectory) -> Arrival:
        params = query.params
        res, uamip, uamport, called, mac = query.require("res", "uamip", "uamport", "called",
                                                         "mac")
        gateway = None
        for key in (params.get("nasid"), normalise_mac(called, "called")):
            if key and gateway is None:
                gateway = gateways.find(self.name, key)
        original = text_url(params.get("userurl"))
        lang = params.get("lang")
        if gateway is None:
            return Arrival(self.name, None, original_url=original, lang=lang)
        if not gateway.secret:
            raise ArrivalRefused("the gateway's uamsecret is not configured", 503)
        self._verify_md(query, gateway)
        if res in ("already", "success"):
            return Arrival(self.name, gateway, already=True, lang=lang)
        if res not in ("notyet", "failed", "logoff"):
            raise ArrivalRefused(f"unexpected res {res[:20]!r}")
        challenge = params.get("challenge", "")
        if not CHALLENGE.match(challenge):
            raise ArrivalRefused("challenge must be 32 hex characters")
        address = private_host_port(f"{uamip}:{uamport}", "uamip")
        client = normalise_mac(mac, "mac")
        return Arrival(self.name, gateway, client=client,
                       handle={"addr": address, "chal": challenge.lower()},
                       original_url=original, lang=lang, location_hint=params.get("loc"))

    def _verify_md(self, query: RawQuery, gateway: GatewayRecord) -> None:
        raw = query.raw
        position = raw.rfind("&md=")
        if position < 0:
            raise ArrivalRefused("missing md checksum", 403)
        given = raw[position + 4:]
        base = str(gateway.options.get("uamserver") or self.uamserver)
        url = base + ("&" if "?" in base else "?") + raw[:position]
        expected = md_checksum(url, gateway.secret or "")
        if not hmac.compare_digest(expected.encode(), given.upper().encode("ascii", "replace")):
            raise ArrivalRefused("md checksum does not match", 403)

    def grant(self, handle: Mapping[str, str], gateway: GatewayRecord,
              context: GrantContext) -> Grant:
        username = str(gateway.options.get("username") or "guest")
        password = gateway.password or ""
        if not gateway.secret or not password:
            raise ArrivalRefused("the gateway's uamsecret or guest password is not configured",
                                 503)
        response = chap_response(handle["chal"], gateway.secret, password)
        url = (f"http://{handle['addr']}/logon?username={quote(username, safe='')}"
               f"&response={response}&userurl={quote(context.landing_url, safe='')}")
        return Grant(GrantKind.REDIRECT, url, once=(handle["chal"],))
