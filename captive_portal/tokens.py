"""The signed, short-lived arrival token that carries the splash state in the Connect form (no
cookies): an HMAC over adapter, location, gateway, grant handle, client key and expiry."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from captive_portal.errors import TokenRefused

MAX_TOKEN = 4096


@dataclass(frozen=True)
class ArrivalToken:
    controller: str
    location: str
    gateway_id: int
    handle: Mapping[str, str] = field(repr=False)
    client_key: str
    expires: int  # Unix seconds
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))  # each arrival is unique

    def digest(self) -> str:
        """A stable identifier of this token for the once-only store."""
        canonical = json.dumps(_payload(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _payload(token: ArrivalToken) -> dict[str, object]:
    return {"c": token.controller, "l": token.location, "g": token.gateway_id,
            "h": dict(token.handle), "k": token.client_key, "e": token.expires,
            "n": token.nonce}


def sign(token: ArrivalToken, key: bytes) -> str:
    body = _b64(json.dumps(_payload(token), separators=(",", ":")).encode())
    mac = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(text: str, key: bytes, *, now: float) -> ArrivalToken:
    """The token in ``text`` if its signature holds and it has not expired."""
    if not text or len(text) > MAX_TOKEN or text.count(".") != 1:
        raise TokenRefused("the arrival token is missing or malformed", 400)
    body, _, signature = text.partition(".")
    expected = _b64(hmac.new(key, body.encode("ascii", "replace"), hashlib.sha256).digest())
    if not hmac.compare_digest(expected.encode(), signature.encode("ascii", "replace")):
        raise TokenRefused("the arrival token's signature does not match", 403)
    try:
        data = json.loads(_unb64(body))
        token = ArrivalToken(controller=str(data["c"]), location=str(data["l"]),
                             gateway_id=int(data["g"]),
                             handle={str(k): str(v) for k, v in dict(data["h"]).items()},
                             client_key=str(data["k"]), expires=int(data["e"]),
                             nonce=str(data["n"]))
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise TokenRefused("the arrival token is malformed", 400) from None
    if token.expires < now:
        raise TokenRefused("the arrival token has expired: please reconnect to the Wi-Fi", 410)
    return token
