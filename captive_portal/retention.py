"""Retention: the grant log is deleted after the configured number of days; expired once-only
digests and uncollected openNDS grants go too. Hourly counts (no personal data) stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from captive_portal.models import WifiGrant, WifiOnce, WifiPendingAuth

PENDING_SECONDS = 120


@dataclass(frozen=True)
class PurgeReport:
    grants: int
    once: int
    pending: int


def purge(session: Session, *, now: datetime, retention_days: int) -> PurgeReport:
    grants = session.execute(delete(WifiGrant).where(
        col(WifiGrant.granted_at) < now - timedelta(days=retention_days)))
    once = session.execute(delete(WifiOnce).where(col(WifiOnce.expires_at) <= now))
    pending = session.execute(delete(WifiPendingAuth).where(
        col(WifiPendingAuth.created_at) < now - timedelta(seconds=PENDING_SECONDS)))
    return PurgeReport(grants.rowcount, once.rowcount, pending.rowcount)  # type: ignore[attr-defined]
