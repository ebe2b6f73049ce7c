"""Queries for directory sync and app installation, a page of accounts at a time."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AppInstall, ConversationRef, DirectoryCursor, Identity, Person

PERSON_FACTS = (Person.id, Person.display_name, Person.department, Person.timezone, Person.language)


@dataclass(frozen=True, slots=True)
class PersonFacts:
    id: int
    display_name: str
    department: str
    timezone: str | None
    language: str | None


@dataclass(frozen=True, slots=True)
class IdentityFacts:
    id: int
    active: bool
    person: PersonFacts


class ReachRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def identities(
        self, platform: str, workspace_id: str, user_ids: Collection[str]
    ) -> dict[str, IdentityFacts]:
        found = await self.session.execute(
            select(Identity.id, Identity.user_id, Identity.active, *PERSON_FACTS)
            .join(Person, Person.id == Identity.person_id)
            .where(
                Identity.platform == platform,
                Identity.workspace_id == workspace_id,
                Identity.user_id.in_(list(user_ids)),
            )
        )
        return {
            user_id: IdentityFacts(iid, active, PersonFacts(*person))
            for iid, user_id, active, *person in found.all()
        }

    async def people_by_email(self, emails: Collection[str]) -> dict[str, PersonFacts]:
        """Emails are stored lower-case (import and chat both normalise), so the index serves this."""
        found = await self.session.execute(
            select(Person.email, *PERSON_FACTS).where(Person.email.in_(list(emails)))
        )
        return {email: PersonFacts(*person) for email, *person in found.all()}

    async def set_active(self, changes: dict[int, bool]) -> None:
        for value in (True, False):
            ids = [i for i, active in changes.items() if active is value]
            if ids:
                await self.session.execute(update(Identity).where(Identity.id.in_(ids)).values(active=value))

    async def fill_gaps(self, rows: list[dict[str, object]]) -> None:
        """Name, department, time zone and language from the directory, only where empty."""
        if not rows:
            return
        people = Person.__table__
        statement = (
            update(people)
            .where(people.c.id == bindparam("pid"))
            .values(
                display_name=case(
                    (people.c.display_name == "", bindparam("name")), else_=people.c.display_name
                ),
                department=case((people.c.department == "", bindparam("dept")), else_=people.c.department),
                timezone=func.coalesce(people.c.timezone, bindparam("tz")),
                language=func.coalesce(people.c.language, bindparam("lang")),
            )
        )
        await self.session.execute(statement, rows)

    async def reachable_identities(self, identity_ids: Collection[int]) -> set[int]:
        """Those of `identity_ids` with a personal conversation the bot may write to."""
        found = await self.session.scalars(
            select(ConversationRef.identity_id).where(
                ConversationRef.identity_id.in_(list(identity_ids)), ConversationRef.kind == "personal"
            )
        )
        return {i for i in found if i is not None}

    def _insert(self, model: Any) -> Any:
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        return dialect.insert(model)

    async def add_people(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Create people in one statement; email -> id of those created."""
        if not rows:
            return {}
        statement = self._insert(Person).on_conflict_do_nothing().returning(Person.id, Person.email)
        found = await self.session.execute(statement, rows)
        return {email: pid for pid, email in found.all()}

    async def add_identities(
        self, platform: str, workspace_id: str, links: list[tuple[int, str]], now: datetime
    ) -> list[tuple[int, str]]:
        """Link (person id, user id) pairs; returns (identity id, user id) of those added. An
        identity added meanwhile (a team_join racing a sync) is left as it is."""
        if not links:
            return []
        rows = [
            {"person_id": pid, "platform": platform, "workspace_id": workspace_id, "user_id": uid,
             "created_at": now, "active": True}
            for pid, uid in links
        ]  # fmt: skip
        added = await self.session.execute(self._insert(Identity.__table__).on_conflict_do_nothing(), rows)
        if not added.rowcount:  # type: ignore[attr-defined]
            return []
        # Read back rather than RETURNING: an executemany is several times faster on SQLite.
        found = await self.session.execute(
            select(Identity.id, Identity.user_id).where(
                Identity.platform == platform,
                Identity.workspace_id == workspace_id,
                Identity.user_id.in_([uid for _, uid in links]),
                Identity.created_at == now,
            )
        )
        return [(iid, uid) for iid, uid in found.all()]

    async def add_direct_conversations(
        self, platform: str, workspace_id: str, identities: list[tuple[int, str]], now: datetime
    ) -> None:
        """Conversations addressed by the user id itself, for platforms that accept that."""
        if identities:
            rows = [
                {"identity_id": iid, "platform": platform, "workspace_id": workspace_id,
                 "conversation_id": uid, "kind": "personal", "reference": {}, "updated_at": now}
                for iid, uid in identities
            ]  # fmt: skip
            await self.session.execute(self._insert(ConversationRef).on_conflict_do_nothing(), rows)

    async def queue_installs(self, identity_ids: list[int], now: datetime) -> None:
        if identity_ids:
            rows = [
                {"identity_id": i, "status": "pending", "due_at": now, "attempts": 0, "installs": 0,
                 "updated_at": now}
                for i in identity_ids
            ]  # fmt: skip
            await self.session.execute(self._insert(AppInstall).on_conflict_do_nothing(), rows)

    async def add_conversations(self, rows: list[dict[str, Any]]) -> None:
        """Personal conversations opened by installation; one already stored is kept."""
        if rows:
            await self.session.execute(self._insert(ConversationRef).on_conflict_do_nothing(), rows)

    async def reachable_people(self) -> set[int]:
        """Everyone with an active account and a personal conversation Stafet may write to."""
        found = await self.session.scalars(
            select(Identity.person_id)
            .join(ConversationRef, ConversationRef.identity_id == Identity.id)
            .where(ConversationRef.kind == "personal", Identity.active.is_(True))
            .distinct()
        )
        return set(found)

    async def installs(self, identity_ids: Collection[int]) -> dict[int, AppInstall]:
        found = await self.session.scalars(
            select(AppInstall).where(AppInstall.identity_id.in_(list(identity_ids)))
        )
        return {row.identity_id: row for row in found}

    async def refresh_statistics(self) -> None:
        """PostgreSQL plans by table statistics: after an import of 100,000 people, or while a
        sync adds as many identities, stale ones make every page's lookups scan whole tables."""
        if self.session.bind.dialect.name == "postgresql":
            await self.session.execute(text("ANALYZE people, identities, conversation_refs, app_installs"))

    async def cursor(self, platform: str, workspace_id: str) -> str | None:
        row = await self.session.get(DirectoryCursor, (platform, workspace_id))
        return row.cursor if row else None

    async def save_cursor(self, platform: str, workspace_id: str, cursor: str | None, now: datetime) -> None:
        row = await self.session.get(DirectoryCursor, (platform, workspace_id))
        if row is None:
            self.session.add(
                DirectoryCursor(platform=platform, workspace_id=workspace_id, cursor=cursor, synced_at=now)
            )
        else:
            row.cursor, row.synced_at = cursor, now
        await self.session.flush()
