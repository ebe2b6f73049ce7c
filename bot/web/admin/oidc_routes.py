"""Sign in to the dashboard with Microsoft Entra ID or Slack (OpenID Connect, bot/web/oidc.py)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from bot.admin.audit import AuditLog
from bot.admin.oidc import role_for
from bot.admin.roles import Principal
from bot.context import AppContext
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions
from bot.web.oidc import OpenIdConnect

STATE_COOKIE = "stafet_admin_oidc"


def install(
    dashboard: FastAPI, context: AppContext, pages: Pages, sessions: Sessions, oidc: OpenIdConnect
) -> None:
    """Add the sign-in routes for every configured provider (nothing when none is configured)."""
    if not oidc.providers:
        return
    oidc.install_state_cookie(
        dashboard, secret=sessions.secret, cookie=STATE_COOKIE, path="/admin", secure=sessions.secure
    )
    found = oidc.providers
    router = APIRouter()

    @router.get("/login/{provider}")
    async def start(request: Request, provider: str) -> Response:
        if not oidc.knows(provider):
            return RedirectResponse("/admin/login", 303)
        return await oidc.redirect(
            request, provider, str(request.url_for("oidc_callback", provider=provider))
        )

    @router.get("/auth/{provider}", name="oidc_callback")
    async def callback(request: Request, provider: str) -> Response:
        if not oidc.knows(provider):
            return RedirectResponse("/admin/login", 303)
        person = await oidc.verified(request, provider)
        if person is None:
            return pages.render(request, "login.html", None, 401, failed=True, providers=found)
        role = role_for(person.email, context.settings.oidc_roles)
        if role is None:
            return pages.render(request, "login.html", None, 403, no_role=True, providers=found)
        async with context.db.unit_of_work() as session:
            await AuditLog(session, context.clock).record(
                Principal(person.email, role, via="dashboard"), "admin.login", provider
            )
        response = RedirectResponse("/admin/", 303)
        sessions.start(response, email=person.email)
        return response

    dashboard.include_router(router)
