"""Rate limits of the APIs (flask-limiter): one budget per API token and one per anonymous
client address, counted in memory (embedded, one process) or in Redis (production, shared by
every worker); a client over its budget gets 429 with Retry-After."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_limiter import Limiter

from portal.api.auth import InvalidToken, client_key, token_use
from portal.state import state


def _limit() -> str:
    settings = state().settings
    try:
        has_token = token_use() is not None
    except InvalidToken:
        has_token = False
    return settings.api_token_rate_limit if has_token else settings.api_rate_limit


def init_limits(app: Flask, blueprints: list[Blueprint]) -> Limiter:
    settings = state(app).settings
    limiter = Limiter(client_key, app=app, storage_uri=settings.ratelimit_storage_url,
                      headers_enabled=True, strategy="fixed-window",
                      key_prefix=f"portal-api:{settings.base_url}",
                      storage_options={"socket_timeout": 2}
                      if settings.ratelimit_storage_url.startswith("redis") else {})
    for blueprint in blueprints:
        limiter.shared_limit(_limit, scope="api", key_func=client_key)(blueprint)
    return limiter
