"""OpenID Connect sign-in through authlib's Flask client, one registered client per configured
provider (discovery document, authorization code flow with PKCE and nonce)."""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask

from catalog.accounts.services import OidcClaims
from portal.config import Settings


def build_oauth(app: Flask, settings: Settings) -> OAuth:
    oauth = OAuth(app)
    for provider in settings.oidc:
        oauth.register(provider.name, client_id=provider.client_id,
                       client_secret=provider.client_secret,
                       server_metadata_url=provider.metadata_url,
                       client_kwargs={"scope": "openid email profile",
                                      "code_challenge_method": "S256"})
    return oauth


def claims_from_token(provider: str, token: dict[str, Any], client: Any) -> OidcClaims:
    """The verified ID token's claims (authlib checked signature, issuer, audience, expiry and
    nonce), completed from the userinfo endpoint when the token lacks the address."""
    info = dict(token.get("userinfo") or {})
    if not info.get("email"):
        info.update(client.userinfo(token=token))
    issuer = str(info.get("iss") or client.load_server_metadata().get("issuer") or "")
    return OidcClaims(provider=provider, issuer=issuer, subject=str(info["sub"]),
                      email=info.get("email"), email_verified=bool(info.get("email_verified")),
                      name=info.get("name"))
