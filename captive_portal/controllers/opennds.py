"""openNDS Forwarding Authentication Service: levels 1–4 (base64 or AES-256-CBC ``fas``), the
hid/faskey grant hash, the browser grant for levels 1–2 and the authmon queue for levels 3–4.
Level 0 sends the gateway's token in clear and is refused unless configured otherwise."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from captive_portal.controllers.base import (
    Arrival,
    GatewayDirectory,
    GatewayRecord,
    Grant,
    GrantContext,
    GrantKind,
    PendingAuth,
    RawQuery,
    private_host_port,
    text_url,
)
from captive_portal.errors import ArrivalRefused

HEX64 = re.compile(r"^[0-9a-f]{64}$")
AUTHDIR = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
SEPARATOR = ", "


def sha256hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rhid(hid: str, faskey: str) -> str:
    """The grant token the gateway expects: ``sha256hex(hid + faskey)``."""
    return sha256hex(hid + faskey)


def gatewayhash(gatewayname: str) -> str:
    """The authmon queue key: sha256hex of the URL-encoded gateway name."""
    return sha256hex(quote(gatewayname, safe=""))


def decode_fields(text: str) -> dict[str, str]:
    """The ``key=value, key=value`` list openNDS encodes; names are URL-decoded after the split
    where openNDS encodes them."""
    fields: dict[str, str] = {}
    for part in text.split(SEPARATOR):
        key, sep, value = part.partition("=")
        key = key.strip()
        if sep and key:
            fields.setdefault(key, value)
    for name in ("gatewayname", "gatewayurl", "originurl"):
        if name in fields:
            fields[name] = unquote(fields[name])
    return fields


def aes_decrypt(fas: str, iv: str, faskey: str) -> str:
    """Levels 2/3: base64 twice, AES-256-CBC with the first 32 bytes of faskey (NUL-padded) and
    the 16 ASCII characters of ``iv`` as IV, PKCS#7 padding."""
    iv_bytes = iv.encode("ascii", "replace")
    if len(iv_bytes) != 16:
        raise ArrivalRefused("openNDS iv must be 16 characters", 403)
    try:
        data = base64.b64decode(base64.b64decode(fas, validate=True), validate=True)
    except (binascii.Error, ValueError):
        raise ArrivalRefused("openNDS fas is not base64", 403) from None
    if not data or len(data) % 16:
        raise ArrivalRefused("openNDS fas has a wrong length", 403)
    key = faskey.encode("utf-8")[:32].ljust(32, b"\0")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv_bytes)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        return plain.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise ArrivalRefused("openNDS fas does not decrypt (wrong faskey or bad padding)",
                             403) from None


class OpenNdsController:
    name = "opennds"

    def __init__(self, *, allow_level0: bool = False) -> None:
        self.allow_level0 = allow_level0

    def parse(self, query: RawQuery, gateways: GatewayDirectory) -> Arrival:
        params = query.params
        if params.get("status") == "authenticated":
            name = params.get("gatewayname", "")
            return Arrival(self.name, gateways.find(self.name, name) if name else None,
                           already=True)
        fas = query.raw_value("fas")
        if fas is None:
            if "authaction" in params or "tok" in params:
                return self._level0(query, gateways)
            raise ArrivalRefused("missing parameter 'fas'")
        fas = unquote(fas)
        iv = query.raw_value("iv")
        if iv is not None:
            fields, found = self._decrypt(fas, unquote(iv), gateways)
            gateway: GatewayRecord | None = found
            levels = (2, 3)
        else:
            try:
                fields = decode_fields(base64.b64decode(fas, validate=True).decode("utf-8"))
            except (binascii.Error, ValueError, UnicodeDecodeError):
                raise ArrivalRefused("openNDS fas is not base64 of UTF-8 text") from None
            name = fields.get("gatewayname", "")
            if not name:
                raise ArrivalRefused("openNDS fas has no gatewayname")
            gateway = gateways.find(self.name, name)
            levels = (1, 4)
        hid = fields.get("hid", "")
        if not HEX64.match(hid):
            raise ArrivalRefused("openNDS hid must be 64 lower-case hex characters")
        original = text_url(fields.get("originurl"))
        if gateway is None:
            return Arrival(self.name, None, original_url=original)
        level = int(gateway.options.get("level", 1))
        if level not in levels:
            raise ArrivalRefused(f"gateway {gateway.identifier!r} is configured for level "
                                 f"{level}, the redirect is level {'/'.join(map(str, levels))}",
                                 403)
        address = fields.get("gatewayaddress", "")
        expected = gateway.options.get("address")
        if expected and address != expected:
            raise ArrivalRefused("openNDS gatewayaddress differs from the registered address",
                                 403)
        if not expected:  # unregistered: it must at least be on the local network
            address = private_host_port(address, "gatewayaddress")
        authdir = fields.get("authdir") or "opennds_auth"
        if not AUTHDIR.match(authdir):
            raise ArrivalRefused("openNDS authdir is not a plain path segment")
        return Arrival(self.name, gateway, client=hid,
                       handle={"hid": hid, "addr": address, "dir": authdir, "lv": str(level)},
                       original_url=original, location_hint=fields.get("location"))

    def _decrypt(self, fas: str, iv: str,
                 gateways: GatewayDirectory) -> tuple[dict[str, str], GatewayRecord]:
        """Try the faskey of each registered openNDS gateway; the decrypted gatewayname must be
        the gateway whose key opened it (each gateway has its own faskey)."""
        error: ArrivalRefused | None = None
        for gateway in gateways.of_controller(self.name):
            if not gateway.secret:
                continue
            try:
                fields = decode_fields(aes_decrypt(fas, iv, gateway.secret))
            except ArrivalRefused as exc:
                error = exc
                continue
            if fields.get("gatewayname") == gateway.identifier:
                return fields, gateway
        raise error or ArrivalRefused("openNDS fas: no registered gateway can decrypt it", 403)

    def _level0(self, query: RawQuery, gateways: GatewayDirectory) -> Arrival:
        if not self.allow_level0:
            raise ArrivalRefused("openNDS level 0 sends the gateway token in clear and is "
                                 "refused (PORTAL_WIFI_OPENNDS_LEVEL0=refuse)", 403)
        authaction, tok, name = query.require("authaction", "tok", "gatewayname")
        gateway = gateways.find(self.name, name)
        if gateway is None:
            return Arrival(self.name, None)
        parts = urlsplit(authaction)
        if parts.scheme != "http" or parts.query or parts.fragment:
            raise ArrivalRefused("openNDS authaction must be a plain http URL", 403)
        address = private_host_port(parts.netloc, "authaction")
        authdir = parts.path.strip("/") or "opennds_auth"
        if not AUTHDIR.match(authdir) or not re.match(r"^[0-9a-f]{8}$", tok):
            raise ArrivalRefused("openNDS authaction or tok is malformed")
        return Arrival(self.name, gateway, client=tok,
                       handle={"tok": tok, "addr": address, "dir": authdir, "lv": "0"})

    def grant(self, handle: Mapping[str, str], gateway: GatewayRecord,
              context: GrantContext) -> Grant:
        level = int(handle["lv"])
        landing = quote(context.landing_url, safe="")
        base = f"http://{handle['addr']}/{handle['dir']}/"
        if level == 0:
            return Grant(GrantKind.REDIRECT, f"{base}?tok={handle['tok']}&redir={landing}",
                         once=(handle["tok"],))
        if not gateway.secret:
            raise ArrivalRefused("the gateway's faskey is not configured", 503)
        token = rhid(handle["hid"], gateway.secret)
        if level in (1, 2):
            return Grant(GrantKind.REDIRECT, f"{base}?tok={token}&redir={landing}",
                         once=(handle["hid"],))
        custom = base64.b64encode(f"location={gateway.location_slug}".encode()).decode()
        entry = f"{token} {context.session_minutes} 0 0 0 0 {custom}"
        return Grant(GrantKind.POLL, context.landing_url,
                     pending=PendingAuth(gatewayhash(gateway.identifier), token, entry),
                     once=(handle["hid"],))
