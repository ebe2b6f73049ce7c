"""Every admin action leaves a line: who, what, to which thing, when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.roles import Principal
from bot.clock import Clock
from storage.repositories.admin import AuditRepository


class AuditLog:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.entries = AuditRepository(session)
        self.clock = clock

    async def record(self, who: Principal, action: str, target: str = "", **detail: Any) -> None:
        """Written in the same unit of work as the action, so one never exists without the other."""
        await self.entries.add(
            actor=who.name,
            role=who.role.value,
            action=action,
            target=target,
            detail=detail,
            at=self.clock.now(),
        )
