"""The few facts reach figures need, for everyone at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AppInstall, ConversationRef, Identity, Person


class ReachFiguresRepository:
    """The few facts reach figures need, for everyone at once (a row per person or identity)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def people(self) -> list[tuple[int, str]]:
        """(id, department) of everyone but the erased (tombstones keep no email)."""
        rows = await self.session.execute(
            select(Person.id, Person.department).where(Person.email.is_not(None))
        )
        return [(pid, department or "") for pid, department in rows.all()]

    async def reachable(self) -> list[tuple[int, str]]:
        """(person, platform) for each active account with a personal conversation."""
        rows = await self.session.execute(
            select(Identity.person_id, ConversationRef.platform)
            .join(ConversationRef, ConversationRef.identity_id == Identity.id)
            .where(ConversationRef.kind == "personal", Identity.active.is_(True))
            .distinct()
        )
        return [(pid, platform) for pid, platform in rows.all()]

    async def deactivated(self) -> set[int]:
        found = await self.session.scalars(select(Identity.person_id).where(Identity.active.is_(False)))
        return set(found)

    async def installs(self) -> list[tuple[int, str, str | None]]:
        """(person, status, last error) of each app installation."""
        rows = await self.session.execute(
            select(Identity.person_id, AppInstall.status, AppInstall.last_error).join(
                Identity, AppInstall.identity_id == Identity.id
            )
        )
        return [(pid, status, error) for pid, status, error in rows.all()]
