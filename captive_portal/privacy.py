"""Privacy by design: keyed hashes instead of client identities, a pseudonym that changes every
day, in-memory rate limits forgotten after ten minutes, and the once-only store."""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import date, datetime

from sqlmodel import Session

from captive_portal.models import WifiOnce

CLIENT_WINDOW = 600  # seconds a client identity's keyed hash is kept for rate limiting


def keyed(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()[:32]


def client_key(key: bytes, client: str | None) -> str:
    """A keyed hash of the controller's client identity (hid or MAC); never the value itself."""
    return keyed(key, "client", client or "")


def pseudonym(key: bytes, client_hash: str, day: date) -> str:
    """The grant log's pseudonym: keyed by a per-day key, so it changes every day."""
    return keyed(bytes.fromhex(keyed(key, "day", day.isoformat())), "pseudonym", client_hash)


class RateLimiter:
    """Fixed-window counters per key, held in this process only and dropped when their window
    ends (client keys live at most ``CLIENT_WINDOW`` seconds)."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._pruned = 0

    def allow(self, key: str, limit: int, window: int, now: float) -> bool:
        slot = int(now // window)
        with self._lock:
            if now - self._pruned > 60:
                self._prune(now)
            start, count = self._counts.get(key, (slot, 0))
            if start != slot:
                start, count = slot, 0
            if count >= limit:
                return False
            self._counts[key] = (start, count + 1)
            return True

    def _prune(self, now: float) -> None:
        self._pruned = int(now)
        for key in [k for k, (start, _) in self._counts.items()
                    if now - start * CLIENT_WINDOW > 2 * CLIENT_WINDOW and k.startswith("c:")]:
            del self._counts[key]
        for key in [k for k, (start, _) in self._counts.items()
                    if now - start * 60 > 120 and k.startswith("g:")]:
            del self._counts[key]

    def __len__(self) -> int:
        return len(self._counts)


def use_once(session: Session, digest: str, *, expires: datetime, now: datetime) -> bool:
    """Record ``digest`` as used; False when it was already used and has not expired."""
    found = session.get(WifiOnce, digest)
    if found is not None and found.expires_at > now:
        return False
    if found is None:
        session.add(WifiOnce(digest=digest, expires_at=expires))
    else:
        found.expires_at = expires
    return True
