"""The /admin sub-application: login, overview, audit log; other pages come from their modules."""

from __future__ import annotations

from dataclasses import replace

from fastapi import Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.admin.audit import AuditLog
from bot.admin.oidc import providers
from bot.admin.roles import Principal, Role
from bot.admin.tokens import TokenService
from bot.context import AppContext
from bot.web.admin import (
    campaign_pages,
    delivery_pages,
    oidc_routes,
    overview,
    people_pages,
    question_pages,
    survey_pages,
)
from bot.web.admin.guard import BadCsrf, LoginRequired, NotAllowed, csrf_checked, signed_in
from bot.web.admin.render import HERE, Pages
from bot.web.admin.session import Sessions
from bot.web.oidc import OpenIdConnect
from storage.repositories.admin import AuditRepository

AUDIT_PAGE = 50
PAGE_MODULES = (overview, people_pages, survey_pages, campaign_pages, question_pages, delivery_pages)


def build_dashboard(context: AppContext) -> FastAPI:
    sessions = Sessions(context.settings)
    pages = Pages(context, sessions)
    dashboard = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    dashboard.mount("/static", StaticFiles(directory=HERE / "static"), name="admin-static")
    csrf = csrf_checked(sessions)
    oidc = OpenIdConnect(providers(context.settings))
    found = oidc.providers
    oidc_routes.install(dashboard, context, pages, sessions, oidc)

    @dashboard.exception_handler(LoginRequired)
    async def to_login(_request: Request, _error: LoginRequired) -> Response:
        return RedirectResponse("/admin/login", 303)

    @dashboard.exception_handler(NotAllowed)
    async def not_allowed(request: Request, error: NotAllowed) -> Response:
        return pages.render(request, "error.html", error.who, 403, message_key="admin.error.forbidden")

    @dashboard.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, _error: BadCsrf) -> Response:
        return pages.render(request, "error.html", None, 403, message_key="admin.error.csrf")

    @dashboard.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request) -> Response:
        return pages.render(request, "login.html", None, providers=found)

    @dashboard.post("/login", dependencies=[Depends(csrf)])
    async def login(request: Request, token: str = Form("")) -> Response:
        async with context.db.unit_of_work() as session:
            who = await TokenService(session, context.clock).authenticate(token.strip())
            if who is not None and who.role is Role.PROVISIONING:
                who = None  # good for /scim/v2 only
            if who is not None:
                await AuditLog(session, context.clock).record(replace(who, via="dashboard"), "admin.login")
        if who is None or who.token_id is None:
            return pages.render(request, "login.html", None, 401, failed=True, providers=found)
        response = RedirectResponse("/admin/", 303)
        sessions.start(response, tid=who.token_id)
        return response

    @dashboard.post("/logout", dependencies=[Depends(csrf)])
    async def logout() -> Response:
        response = RedirectResponse("/admin/login", 303)
        sessions.end(response)
        return response

    @dashboard.get("/audit", response_class=HTMLResponse)
    async def audit(
        request: Request,
        offset: int = Query(0, ge=0, le=10_000_000),
        who: Principal = Depends(signed_in(context, sessions, Role.HR)),
    ) -> Response:
        async with context.db.unit_of_work() as session:
            entries, total = await AuditRepository(session).page(AUDIT_PAGE, max(offset, 0))
        return pages.render(
            request, "audit.html", who, entries=entries, total=total, offset=max(offset, 0), size=AUDIT_PAGE
        )

    for module in PAGE_MODULES:
        dashboard.include_router(module.build_router(context, pages, sessions))
    return dashboard
