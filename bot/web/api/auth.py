"""Bearer tokens and roles for the API: no token → 401, a role too low → 403."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.admin.roles import Principal, Role
from bot.admin.tokens import TokenService
from bot.context import AppContext
from bot.web.api.errors import ApiError

CHALLENGE = {"WWW-Authenticate": "Bearer"}
_bearer = HTTPBearer(auto_error=False, description="a token from `stafet admin token create`")


def requires(role: Role) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that yields the caller if their token's role is at least `role`."""

    async def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> Principal:
        context: AppContext = request.app.state.context
        if credentials is None or not credentials.credentials.strip():
            raise ApiError(401, "missing_token", "send Authorization: Bearer <token>", CHALLENGE)
        async with context.db.unit_of_work() as session:
            principal = await TokenService(session, context.clock).authenticate(
                credentials.credentials.strip()
            )
        if principal is None:
            raise ApiError(401, "invalid_token", "the token is unknown or revoked", CHALLENGE)
        if not principal.role.allows(role):
            raise ApiError(
                403, "forbidden", f"this needs the {role.value} role; the token has {principal.role.value}"
            )
        return replace(principal, via="api")

    return dependency


viewer = requires(Role.VIEWER)
coordinator = requires(Role.COORDINATOR)
hr = requires(Role.HR)
