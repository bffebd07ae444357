"""Wiring of the harvesters to the portal's settings (the harvesters never read the environment)."""

from __future__ import annotations

from harvesters.http import HttpClient, HttpPolicy
from harvesters.runner import HarvestSettings
from portal.config import Settings


def http_policy(settings: Settings) -> HttpPolicy:
    """The harvesters' HTTP behaviour as configured by ``PORTAL_HARVEST_*``."""
    return HttpPolicy(read_timeout=float(settings.harvest_timeout),
                      retries=settings.harvest_retries, max_bytes=settings.harvest_max_bytes,
                      allowed_networks=settings.harvest_allowed_networks)


def http_client(settings: Settings) -> HttpClient:
    return HttpClient(http_policy(settings))


def harvest_settings(settings: Settings) -> HarvestSettings:
    """The run knobs as configured by ``PORTAL_HARVEST_*``."""
    return HarvestSettings(base_url=settings.base_url, grace_days=settings.harvest_grace_days,
                           job_timeout=settings.harvest_job_timeout,
                           full_every=settings.harvest_full_every)
