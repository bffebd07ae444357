"""Errors of the Wi-Fi splash flow; each carries the HTTP status the web layer answers with."""

from __future__ import annotations


class WifiError(Exception):
    """An arrival, token or grant was refused: nothing is granted. ``status`` is a 4xx/5xx."""

    status = 400

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if status is not None:
            self.status = status


class ArrivalRefused(WifiError):
    """The gateway's redirect is malformed, forged, oversized or not verifiable."""


class TokenRefused(WifiError):
    """The signed arrival token of the Connect form is tampered with, expired or replayed."""

    status = 403


class RateLimited(WifiError):
    """Too many arrivals or grants from one gateway or one client identity."""

    status = 429


class GrantFailed(WifiError):
    """The controller refused or could not be reached (server-side grants)."""

    status = 502
