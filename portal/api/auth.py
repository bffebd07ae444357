"""API tokens as the APIs accept them: ``Authorization: <token>`` (ckanapi), ``Authorization:
Bearer <token>`` and ``X-CKAN-API-Key: <token>``. The API never reads the session cookie."""

from __future__ import annotations

import hashlib
import hmac

from flask import g, request

from catalog.db import transaction
from catalog.tokens.services import InvalidToken, TokenUse, authenticate
from portal.state import state

__all__ = ["InvalidToken", "client_key", "presented_token", "token_use"]


def presented_token() -> str | None:
    header = request.headers.get("Authorization", "").strip()
    if header:
        scheme, _, rest = header.partition(" ")
        return rest.strip() if scheme.lower() == "bearer" and rest.strip() else header
    key = request.headers.get("X-CKAN-API-Key", "").strip()
    return key or None


def token_use() -> TokenUse | None:
    """Who this request acts as (None: anonymous); ``InvalidToken`` for a bad token."""
    if "api_token_use" not in g:
        secret = presented_token()
        g.api_token_use, g.api_token_error = None, None
        if secret is not None:
            try:
                with transaction(state().engine) as session:  # may note last_used_at
                    g.api_token_use = authenticate(session, secret)
            except InvalidToken as exc:
                g.api_token_error = exc
    if g.api_token_error is not None:
        raise g.api_token_error
    found: TokenUse | None = g.api_token_use
    return found


def client_key() -> str:
    """The rate-limit key: the token for a valid token, else a keyed hash of the client
    address (the raw address is never stored, not even in the limiter's store)."""
    try:
        use = token_use()
    except InvalidToken:
        use = None
    if use is not None:
        return f"token:{use.token_id}"
    secret = state().settings.secret_key.encode()
    address = (request.remote_addr or "unknown").encode()
    return "ip:" + hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]
