"""Admin tokens and audit entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AdminToken, AuditEntry


class AdminTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, name: str, role: str, token_hash: str, now: datetime) -> AdminToken:
        token = AdminToken(name=name, role=role, token_hash=token_hash, created_at=now)
        self.session.add(token)
        await self.session.flush()
        return token

    async def by_name(self, name: str) -> AdminToken | None:
        return await self.session.scalar(select(AdminToken).where(AdminToken.name == name))

    async def by_hash(self, token_hash: str) -> AdminToken | None:
        return await self.session.scalar(select(AdminToken).where(AdminToken.token_hash == token_hash))

    async def get(self, token_id: int) -> AdminToken | None:
        return await self.session.get(AdminToken, token_id)

    async def all(self) -> Sequence[AdminToken]:
        return (await self.session.scalars(select(AdminToken).order_by(AdminToken.name))).all()


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, **fields: Any) -> AuditEntry:
        entry = AuditEntry(**fields)
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def page(self, limit: int, offset: int) -> tuple[Sequence[AuditEntry], int]:
        """Newest first, with the total for pagination."""
        total = await self.session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        rows = await self.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
        )
        return rows.all(), total
