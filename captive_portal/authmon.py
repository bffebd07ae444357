"""The openNDS authmon exchange (levels 3–4): the gateway polls the FAS URL with ``auth_get`` and
collects queued grants for its ``gatewayhash``, acknowledging what it applied."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import delete
from sqlmodel import Session, col, select

from captive_portal.errors import ArrivalRefused
from captive_portal.models import WifiPendingAuth
from captive_portal.retention import PENDING_SECONDS

HASH = re.compile(r"^[0-9a-f]{64}$")


def authmon_reply(session: Session, *, auth_get: str, gatewayhash: str, payload: str,
                  now: datetime) -> str:
    """The text answer to one authmon POST; the caller commits."""
    if not HASH.match(gatewayhash):
        raise ArrivalRefused("gatewayhash must be 64 hex characters")
    mine = col(WifiPendingAuth.gatewayhash) == gatewayhash
    session.execute(delete(WifiPendingAuth).where(
        mine, col(WifiPendingAuth.created_at) < now - timedelta(seconds=PENDING_SECONDS)))
    if auth_get == "clear":
        session.execute(delete(WifiPendingAuth).where(mine))
        return "ack"
    if auth_get in ("deauthed", "custom"):
        return "ack"
    if auth_get not in ("view", "list"):
        raise ArrivalRefused("auth_get must be clear, view, list, deauthed or custom")
    acked = _acked(payload)
    if acked:
        session.execute(delete(WifiPendingAuth).where(mine, col(WifiPendingAuth.rhid).in_(acked)))
        return "ack"
    entries = session.exec(select(WifiPendingAuth).where(mine)
                           .order_by(col(WifiPendingAuth.id))).all()
    reply = "*" + "".join(" " + quote(e.entry, safe="") for e in entries)
    if auth_get == "list":
        session.execute(delete(WifiPendingAuth).where(
            mine, col(WifiPendingAuth.id).in_([e.id for e in entries])))
    return reply


def _acked(payload: str) -> list[str]:
    """The rhids of an ack payload (base64 of ``* rhid1 rhid2 …``); none for ``none``."""
    if not payload or payload == "none":
        return []
    try:
        text = base64.b64decode(payload, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ArrivalRefused("authmon payload is not base64 text") from None
    if not text.startswith("*"):
        return []
    return [part for part in text[1:].split() if HASH.match(part)]
