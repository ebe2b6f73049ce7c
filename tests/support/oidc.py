"""A tiny OpenID Connect provider for tests: discovery, authorize, token, JWKS (RS256)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route


class FakeProvider:
    """Signs in whoever `user` says; `base` must be set to the URL it is served on."""

    def __init__(self, client_id: str = "stafet-test") -> None:
        self.client_id = client_id
        self.base = ""
        self.user: dict[str, Any] = {"sub": "U1", "email": "hanne@example.org", "name": "Hanne"}
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.nonces: dict[str, str] = {}
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
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return JSONResponse(
            {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )

    async def jwks(self, _request: Request) -> JSONResponse:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})
