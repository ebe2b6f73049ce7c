"""Every admin action leaves a line: who, what, to which thing, when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.roles import Principal, Role
from bot.clock import Clock
from storage.models import Person
from storage.repositories.admin import AuditRepository

CHAT_ROLES = {"hr": Role.HR, "coordinator": Role.COORDINATOR}


def chat_principal(person: Person) -> Principal:
    """A person acting in chat with a chat role (a coordinator approving an FAQ entry)."""
    name = person.email or person.display_name or f"person:{person.id}"
    return Principal(name, CHAT_ROLES.get(person.role, Role.VIEWER), via="chat")


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
            detail={"via": who.via, **detail} if who.via else detail,
            at=self.clock.now(),
        )
