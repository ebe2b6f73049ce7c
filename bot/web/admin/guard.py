"""Who is signed in to the dashboard, and whether their role may see a page or use a form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from fastapi import Form, Request

from bot.admin.oidc import role_for
from bot.admin.roles import Principal, Role
from bot.admin.tokens import TokenService
from bot.context import AppContext
from bot.web.admin.session import Sessions


class LoginRequired(Exception):
    """No valid session: the browser goes to the login page."""


class NotAllowed(Exception):
    """Signed in, but the role may not do this."""

    def __init__(self, who: Principal, needed: Role) -> None:
        super().__init__(needed.value)
        self.who = who
        self.needed = needed


class BadCsrf(Exception):
    """A form came without this browser's CSRF token."""


def signed_in(
    context: AppContext, sessions: Sessions, role: Role
) -> Callable[[Request], Awaitable[Principal]]:
    async def dependency(request: Request) -> Principal:
        payload = sessions.payload(request) or {}
        who: Principal | None = None
        if isinstance(payload.get("tid"), int):
            async with context.db.unit_of_work() as session:
                who = await TokenService(session, context.clock).principal(payload["tid"])
        elif isinstance(payload.get("email"), str):
            # The role is looked up on every request, so editing STAFET_OIDC_ROLES takes effect at once.
            role_now = role_for(payload["email"], context.settings.oidc_roles)
            who = Principal(payload["email"], role_now) if role_now else None
        if who is None:
            raise LoginRequired
        if not who.role.allows(role):
            raise NotAllowed(who, role)
        return replace(who, via="dashboard")

    return dependency


def csrf_checked(sessions: Sessions) -> Callable[..., Awaitable[None]]:
    async def dependency(request: Request, csrf: str = Form("")) -> None:
        if not sessions.csrf_ok(request, csrf):
            raise BadCsrf

    return dependency
