"""Who may provision: tokens of role `provisioning`, and only they, in the request's own unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException

from bot.admin.roles import Principal, Role
from bot.admin.tokens import TokenService
from bot.context import AppContext

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="scim"'}


@asynccontextmanager
async def provisioning(
    context: AppContext, request: Request
) -> AsyncIterator[tuple[AsyncSession, Principal]]:
    """Authenticate and act in one transaction: the change and its audit line commit together."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise HTTPException(401, "send Authorization: Bearer <token>", CHALLENGE)
    async with context.db.unit_of_work() as session:
        who = await TokenService(session, context.clock).authenticate(secret.strip())
        if who is None:
            raise HTTPException(401, "the token is unknown or revoked", CHALLENGE)
        if who.role is not Role.PROVISIONING:
            raise HTTPException(403, f"this needs a provisioning token; the token has {who.role.value}")
        yield session, who
