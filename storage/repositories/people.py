"""Finding and recording people, their identities and where to reach them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationRef, Identity, Person


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def by_email(self, email: str) -> Person | None:
        result = await self.session.execute(
            select(Person).where(func.lower(Person.email) == email.strip().lower())
        )
        return result.scalar_one_or_none()

    async def names(self, person_ids: Iterable[int]) -> dict[int, str]:
        """ "Name <email>" of each person, for lists an HR admin reads."""
        wanted, found = sorted(person_ids), {}
        for start in range(0, len(wanted), 10_000):  # below every database's limit on parameters
            chunk = wanted[start : start + 10_000]
            rows = await self.session.execute(
                select(Person.id, Person.display_name, Person.email).where(Person.id.in_(chunk))
            )
            for i, name, email in rows:
                found[i] = f"{name or '?'} <{email}>" if email else (name or f"person {i}")
        return found

    async def identity(self, platform: str, workspace_id: str, user_id: str) -> Identity | None:
        result = await self.session.execute(
            select(Identity).where(
                Identity.platform == platform,
                Identity.workspace_id == workspace_id,
                Identity.user_id == user_id,
            )
        )
        return result.scalar_one_or_none()

    async def add_person(self, now: datetime, **fields: Any) -> Person:
        person = Person(created_at=now, **fields)
        self.session.add(person)
        await self.session.flush()
        return person

    async def add_identity(
        self, person: Person, platform: str, workspace_id: str, user_id: str, now: datetime
    ) -> Identity:
        identity = Identity(
            person_id=person.id,
            platform=platform,
            workspace_id=workspace_id,
            user_id=user_id,
            created_at=now,
        )
        self.session.add(identity)
        await self.session.flush()
        return identity

    async def remember_conversation(
        self,
        *,
        platform: str,
        workspace_id: str,
        conversation_id: str,
        identity_id: int | None,
        now: datetime,
        kind: str = "personal",
        reference: dict[str, Any] | None = None,
    ) -> ConversationRef:
        """Record (or refresh) a conversation the bot may later write to on its own."""
        result = await self.session.execute(
            select(ConversationRef).where(
                ConversationRef.platform == platform,
                ConversationRef.workspace_id == workspace_id,
                ConversationRef.conversation_id == conversation_id,
            )
        )
        ref = result.scalar_one_or_none()
        if ref is None:
            ref = ConversationRef(
                platform=platform,
                workspace_id=workspace_id,
                conversation_id=conversation_id,
                identity_id=identity_id,
                kind=kind,
                reference=reference or {},
                updated_at=now,
            )
            self.session.add(ref)
        elif reference is not None and reference != ref.reference:
            ref.reference = reference
            ref.updated_at = now
        if ref.kind != kind and {ref.kind, kind} == {"personal", "unverified"}:
            # Signing in makes a demo conversation the person's own; acting as them unverified undoes it.
            ref.kind = kind
            ref.updated_at = now
        await self.session.flush()
        return ref

    async def personal_conversations(self, person_id: int) -> list[tuple[ConversationRef, Identity]]:
        """A person's direct conversations, most recently refreshed first."""
        result = await self.session.execute(
            select(ConversationRef, Identity)
            .join(Identity, ConversationRef.identity_id == Identity.id)
            .where(Identity.person_id == person_id, ConversationRef.kind == "personal")
            .order_by(ConversationRef.updated_at.desc(), ConversationRef.id.desc())
        )
        return [(ref, identity) for ref, identity in result.all()]

    async def workspaces(self) -> dict[int, tuple[str, str]]:
        """Each person's (platform, workspace) of their newest direct conversation on an active
        identity: where their next message most likely goes, and whose rate limit it spends."""
        result = await self.session.execute(
            select(Identity.person_id, ConversationRef.platform, ConversationRef.workspace_id)
            .join(Identity, ConversationRef.identity_id == Identity.id)
            .where(ConversationRef.kind == "personal", Identity.active.is_(True))
            .order_by(ConversationRef.updated_at, ConversationRef.id)
        )
        return {person_id: (platform, workspace) for person_id, platform, workspace in result.all()}

    async def introduce(self, person_id: int, now: datetime | None) -> bool:
        """Mark a person introduced: True only for the one caller that did it (two workers never
        both introduce); `now=None` undoes it after the introduction could not be sent."""
        condition = [Person.id == person_id]
        if now is not None:
            condition.append(Person.introduced_at.is_(None))
        result = await self.session.execute(update(Person).where(*condition).values(introduced_at=now))
        return now is not None and int(result.rowcount or 0) == 1  # type: ignore[attr-defined]

    async def move_conversation(self, address: Any, conversation_id: str, now: datetime) -> None:
        """The platform put the conversation at `address` under a new id (a Slack DM opened by a
        post to a user id): later messages go there."""
        found = await self.session.scalars(
            select(ConversationRef).where(
                ConversationRef.platform == address.platform.value,
                ConversationRef.workspace_id == address.workspace_id,
                ConversationRef.conversation_id.in_([address.conversation_id, conversation_id]),
            )
        )
        refs = {ref.conversation_id: ref for ref in found}
        old, new = refs.get(address.conversation_id), refs.get(conversation_id)
        if new is not None:
            new.updated_at = now
        elif old is not None:
            old.conversation_id, old.updated_at = conversation_id, now
        await self.session.flush()
