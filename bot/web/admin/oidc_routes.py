"""Sign in with Microsoft Entra ID or Slack (OpenID Connect, authorization code flow via authlib)."""

from __future__ import annotations

import logging

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.middleware.sessions import SessionMiddleware

from bot.admin.audit import AuditLog
from bot.admin.oidc import Provider, role_for
from bot.admin.roles import Principal
from bot.context import AppContext
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions

log = logging.getLogger(__name__)
STATE_COOKIE = "stafet_admin_oidc"


def install(
    dashboard: FastAPI, context: AppContext, pages: Pages, sessions: Sessions, found: list[Provider]
) -> None:
    """Add the sign-in routes for every configured provider (nothing when none is configured)."""
    if not found:
        return
    oauth = OAuth()
    for provider in found:
        oauth.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": "openid email profile"},
        )
    # authlib keeps state and nonce in this short-lived signed cookie between redirect and callback.
    dashboard.add_middleware(
        SessionMiddleware,
        secret_key=sessions.secret,
        session_cookie=STATE_COOKIE,
        max_age=600,
        path="/admin",
        same_site="lax",
        https_only=sessions.secure,
    )
    router = APIRouter()

    @router.get("/login/{provider}")
    async def start(request: Request, provider: str) -> Response:
        client = oauth.create_client(provider) if provider in {p.name for p in found} else None
        if client is None:
            return RedirectResponse("/admin/login", 303)
        callback = request.url_for("oidc_callback", provider=provider)
        return await client.authorize_redirect(request, str(callback))

    @router.get("/auth/{provider}", name="oidc_callback")
    async def callback(request: Request, provider: str) -> Response:
        client = oauth.create_client(provider) if provider in {p.name for p in found} else None
        if client is None:
            return RedirectResponse("/admin/login", 303)
        try:
            token = await client.authorize_access_token(request)
        except OAuthError as error:
            log.warning("sign-in with %s failed: %s", provider, error.error)
            return pages.render(request, "login.html", None, 401, failed=True, providers=found)
        claims = token.get("userinfo") or {}
        email = str(claims.get("email") or claims.get("preferred_username") or "").lower()
        role = role_for(email, context.settings.oidc_roles) if email else None
        if role is None:
            return pages.render(request, "login.html", None, 403, no_role=True, providers=found)
        async with context.db.unit_of_work() as session:
            await AuditLog(session, context.clock).record(
                Principal(email, role, via="dashboard"), "admin.login", provider
            )
        response = RedirectResponse("/admin/", 303)
        sessions.start(response, email=email)
        return response

    dashboard.include_router(router)
