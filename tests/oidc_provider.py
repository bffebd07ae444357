"""A real OpenID Connect provider for the tests, built on authlib's server side: discovery,
authorize (authorization code with PKCE and nonce), token, userinfo and JWKS with an RSA key,
served by werkzeug on a local port in a thread. Which person signs in is set by the test
(``provider.person``), as if they had typed their password at the provider."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "portal-test"
CLIENT_SECRET = "portal-test-secret"


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    client_metadata: dict[str, Any] = field(default_factory=dict)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "email", "profile"}
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return any(redirect_uri.startswith(uri) for uri in self.redirect_uris)

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Person:
    sub: str
    email: str
    name: str
    email_verified: bool = True

    def get_user_id(self) -> str:
        return self.sub


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    person: Person
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass
class Token:
    access_token: str
    scope: str
    person: Person
    client: Client
    issued_at: int = field(default_factory=lambda: int(time.time()))
    expires_in: int = 3600

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> Person:
        return self.person

    def get_client(self) -> Client:
        return self.client


class OidcTestProvider:
    """The provider and its server thread; ``issuer`` is its base URL."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Token] = {}
        self.nonces: set[str] = set()
        self.person = Person("alice-1", "alice@kraj.example", "Alice Nováková")
        self.client = Client(CLIENT_ID, CLIENT_SECRET, ["http://", "https://"])
        self.app = self._build()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def metadata_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def start(self) -> OidcTestProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)

    def env(self, name: str = "region") -> dict[str, str]:
        """The portal settings that configure this provider as ``name``."""
        prefix = f"PORTAL_OIDC_{name.upper()}_"
        return {"PORTAL_OIDC_PROVIDERS": name, prefix + "METADATA_URL": self.metadata_url,
                prefix + "CLIENT_ID": CLIENT_ID, prefix + "CLIENT_SECRET": CLIENT_SECRET,
                prefix + "LABEL": "Test IdP"}

    def _build(self) -> Flask:
        provider = self
        app = Flask("oidc-test-provider")
        app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": 3600}

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, req: Any) -> None:
                if req.payload.data.get("nonce"):
                    provider.nonces.add(req.payload.data["nonce"])
                provider.codes[code] = Code(
                    code, req.client.client_id, req.payload.redirect_uri, req.payload.scope,
                    req.payload.data.get("nonce"), req.user,
                    req.payload.data.get("code_challenge"),
                    req.payload.data.get("code_challenge_method"))

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> Person:
                return authorization_code.person

        class OpenIdCode(OpenIDCode):
            def exists_nonce(self, nonce: str, req: Any) -> bool:
                return nonce in provider.nonces

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.client_id],
                        "exp": int(time.time()) + 3600}

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                return UserInfo(sub=user.sub, name=user.name, email=user.email,
                                email_verified=user.email_verified)

        def save_token(token: dict[str, Any], req: Any) -> None:
            provider.tokens[token["access_token"]] = Token(
                token["access_token"], token.get("scope", ""), req.user, req.client)

        server = AuthorizationServer(
            app, query_client=lambda cid: provider.client if cid == CLIENT_ID else None,
            save_token=save_token)
        server.register_grant(CodeGrant, [OpenIdCode(require_nonce=True),
                                          CodeChallenge(required=True)])

        class Validator(BearerTokenValidator):
            def authenticate_token(self, token_string: str) -> Token | None:
                return provider.tokens.get(token_string)

        protector = ResourceProtector()
        protector.register_token_validator(Validator())

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            base = provider.issuer
            return jsonify(issuer=base, authorization_endpoint=base + "/authorize",
                           token_endpoint=base + "/token", userinfo_endpoint=base + "/userinfo",
                           jwks_uri=base + "/jwks", response_types_supported=["code"],
                           subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"],
                           scopes_supported=["openid", "email", "profile"],
                           code_challenge_methods_supported=["S256"],
                           token_endpoint_auth_methods_supported=["client_secret_basic",
                                                                  "client_secret_post"])

        @app.get("/authorize")
        def authorize() -> Any:
            try:
                grant = server.get_consent_grant(end_user=provider.person)
            except OAuth2Error as error:
                return server.handle_error_response(None, error)
            return server.create_authorization_response(grant_user=provider.person, grant=grant)

        @app.post("/token")
        def token() -> Any:
            return server.create_token_response()

        @app.get("/userinfo")
        def userinfo() -> Any:
            tok = protector.acquire_token("openid")
            person = tok.get_user()
            return jsonify(sub=person.sub, email=person.email, name=person.name,
                           email_verified=person.email_verified)

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(keys=[provider.key.as_dict(private=False)])

        return app
