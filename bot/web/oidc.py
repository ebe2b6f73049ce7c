"""OpenID Connect sign-in shared by the dashboard and the web chat: one authlib client per
provider, the short-lived state cookie, and the person a verified ID token names."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from fastapi import FastAPI, Request
from fastapi.responses import Response
from joserfc.errors import JoseError
from starlette.middleware.sessions import SessionMiddleware

from bot.admin.oidc import Provider

log = logging.getLogger(__name__)
STATE_SECONDS = 600


@dataclass(frozen=True, slots=True)
class SignedIn:
    email: str
    name: str


class OpenIdConnect:
    """The configured providers; redirect to one, then read who came back from it."""

    def __init__(self, found: list[Provider]) -> None:
        self.providers = found
        self._by_name = {p.name: p for p in found}
        self._oauth = OAuth()
        for provider in found:
            self._oauth.register(
                provider.name,
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=provider.metadata_url,
                client_kwargs={"scope": "openid email profile"},
            )

    def knows(self, name: str) -> bool:
        return name in self._by_name

    def install_state_cookie(
        self, app: FastAPI, *, secret: str, cookie: str, path: str, secure: bool
    ) -> None:
        """authlib keeps state and nonce in this signed cookie between redirect and callback."""
        app.add_middleware(
            SessionMiddleware,
            secret_key=secret,
            session_cookie=cookie,
            max_age=STATE_SECONDS,
            path=path,
            same_site="lax",
            https_only=secure,
        )

    async def redirect(self, request: Request, name: str, callback: str) -> Response:
        client = self._oauth.create_client(name)
        return await client.authorize_redirect(request, callback)  # type: ignore[no-any-return]

    async def verified(self, request: Request, name: str) -> SignedIn | None:
        """The email in the provider's ID token, checked for signature, issuer, audience, expiry
        and nonce; None (and a log line without personal data) when anything is wrong."""
        client = self._oauth.create_client(name)
        try:
            metadata = await client.load_server_metadata()
            token = await client.authorize_access_token(
                request,
                claims_options={
                    "iss": {"essential": True, "values": [metadata.get("issuer", "")]},
                    "aud": {"essential": True, "values": [self._by_name[name].client_id]},
                },
            )
        except (AuthlibBaseError, JoseError) as error:
            log.warning("sign-in with %s refused: %s", name, type(error).__name__)
            return None
        claims = token.get("userinfo") or {}
        if claims.get("email_verified") is False:
            log.warning("sign-in with %s refused: the provider has not verified the email", name)
            return None
        email = str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()
        if "@" not in email:
            log.warning("sign-in with %s refused: the ID token names no email", name)
            return None
        return SignedIn(email, str(claims.get("name") or email.split("@")[0])[:200])
