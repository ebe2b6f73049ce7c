"""A tiny OpenID Connect provider for tests: discovery, authorize, token, JWKS (RS256); `forge`
makes it hand out a bad ID token of a named kind, as a compromised or confused provider might."""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

FORGERIES = ("expired", "audience", "issuer", "nonce", "unverified_email", "wrong_key", "unsigned")


class FakeProvider:
    """Signs in whoever `user` says; `base` must be set to the URL it is served on."""

    def __init__(self, client_id: str = "stafet-test") -> None:
        self.client_id = client_id
        self.base = ""
        self.user: dict[str, Any] = {"sub": "U1", "email": "hanne@example.org", "name": "Hanne"}
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.nonces: dict[str, str] = {}
        self.forge: str | None = None  # one of FORGERIES
        self.app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/jwks", self.jwks),
            ]
        )

    async def discovery(self, _request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "issuer": self.base,
                "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "jwks_uri": f"{self.base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def authorize(self, request: Request) -> RedirectResponse:
        code = secrets.token_urlsafe(8)
        self.nonces[code] = request.query_params.get("nonce", "")
        target = f"{request.query_params['redirect_uri']}?code={code}&state={request.query_params['state']}"
        return RedirectResponse(target, 302)

    async def token(self, request: Request) -> JSONResponse:
        form = await request.form()
        nonce = self.nonces.pop(str(form.get("code")), None)
        if nonce is None:
            return JSONResponse({"error": "invalid_grant"}, 400)
        now = int(time.time())
        claims = {
            "iss": self.base,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.user,
        }
        id_token = self._id_token(claims)
        return JSONResponse(
            {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )

    def _id_token(self, claims: dict[str, Any]) -> str:
        header = {"alg": "RS256", "kid": "test-key"}
        match self.forge:
            case "expired":
                claims |= {"iat": claims["iat"] - 3600, "exp": claims["iat"] - 1800}
            case "audience":
                claims |= {"aud": "another-app"}
            case "issuer":
                claims |= {"iss": "https://issuer.invalid"}
            case "nonce":
                claims |= {"nonce": "replayed"}
            case "unverified_email":
                claims |= {"email_verified": False}
            case "wrong_key":
                return jwt.encode(header, claims, RSAKey.generate_key(2048, parameters={"kid": "test-key"}))
            case "unsigned":
                return f"{_segment({'alg': 'none'})}.{_segment(claims)}."
        return jwt.encode(header, claims, self.key)

    async def jwks(self, _request: Request) -> JSONResponse:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
