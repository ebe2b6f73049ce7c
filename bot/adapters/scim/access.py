"""Who may provision: tokens of role `provisioning`, and only they, in the request's own unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException

from bot.admin.roles import Principal, Role
from bot.admin.tokens import TokenService, digest
from bot.context import AppContext

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="scim"'}
# An identity provider sends a request after the other; looking its token up each time would
# cost a database read per request. A revoked token stops working within this time.
TRUSTED_FOR = timedelta(seconds=5)
MAX_TRUSTED = 64  # a few provisioning tokens at most; a longer list is forgotten at once


class Gate:
    """Authenticates provisioning requests, remembering a verified token for `TRUSTED_FOR`."""

    def __init__(self, context: AppContext) -> None:
        self.context = context
        self._verified: dict[str, tuple[Principal, datetime]] = {}

    @asynccontextmanager
    async def __call__(
        self, request: Request, *, writes: bool = True
    ) -> AsyncIterator[tuple[AsyncSession, Principal]]:
        """Authenticate and act in one transaction: the change and its audit line commit together.
        A request that only reads (`writes=False`) needs no transaction of its own."""
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret:
            raise HTTPException(401, "send Authorization: Bearer <token>", CHALLENGE)
        key, now = digest(secret), self.context.clock.now()
        db = self.context.db
        async with db.unit_of_work() if writes else db.reading() as session:
            who = self._trusted(key, now) or await self._verify(session, secret, key, now)
            yield session, who

    def _trusted(self, key: str, now: datetime) -> Principal | None:
        found = self._verified.get(key)
        if found is None or not found[1] <= now < found[1] + TRUSTED_FOR:
            return None
        return found[0]

    async def _verify(self, session: AsyncSession, secret: str, key: str, now: datetime) -> Principal:
        self._verified.pop(key, None)
        who = await TokenService(session, self.context.clock).authenticate(secret)
        if who is None:
            raise HTTPException(401, "the token is unknown or revoked", CHALLENGE)
        if who.role is not Role.PROVISIONING:
            raise HTTPException(403, f"this needs a provisioning token; the token has {who.role.value}")
        if len(self._verified) >= MAX_TRUSTED:
            self._verified.clear()
        self._verified[key] = (who, now)
        return who
