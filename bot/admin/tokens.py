"""Admin tokens: shown once, stored as a SHA-256 digest, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.audit import AuditLog
from bot.admin.roles import Principal, Role
from bot.clock import Clock
from storage.repositories.admin import AdminTokenRepository

PREFIX = "stf_"
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token request that cannot be honoured; the message is for the person at the console."""


@dataclass(frozen=True, slots=True)
class NewToken:
    name: str
    role: Role
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.tokens = AdminTokenRepository(session)
        self.audit = AuditLog(session, clock)
        self.clock = clock

    async def create(self, by: Principal, name: str, role: Role) -> NewToken:
        name = name.strip()
        if not name:
            raise TokenError("a token needs a name")
        if await self.tokens.by_name(name) is not None:
            raise TokenError(f"a token named {name!r} exists already")
        secret = PREFIX + secrets.token_urlsafe(32)
        await self.tokens.add(name, role.value, digest(secret), self.clock.now())
        await self.audit.record(by, "token.create", name, role=role.value)
        return NewToken(name, role, secret)

    async def revoke(self, by: Principal, name: str) -> None:
        token = await self.tokens.by_name(name)
        if token is None or token.revoked_at is not None:
            raise TokenError(f"no active token named {name!r}")
        token.revoked_at = self.clock.now()
        await self.audit.record(by, "token.revoke", name)

    async def authenticate(self, secret: str) -> Principal | None:
        """The principal behind a presented secret, or None if unknown or revoked."""
        if not secret.startswith(PREFIX):
            return None
        token = await self.tokens.by_hash(digest(secret))
        if token is None or token.revoked_at is not None:
            return None
        now = self.clock.now()
        # To the minute: an identity provider's thousands of requests need not each write the token row.
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            token.last_used_at = now
        return Principal(token.name, Role(token.role), token.id)

    async def principal(self, token_id: int) -> Principal | None:
        """For a dashboard session: still valid only while its token is not revoked."""
        token = await self.tokens.get(token_id)
        if token is None or token.revoked_at is not None:
            return None
        return Principal(token.name, Role(token.role), token.id)
