"""HR's operations on people: import from CSV, export everything about one, forget one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.audit import AuditLog
from bot.admin.importing import ImportRow, ParsedFile
from bot.admin.privacy.registry import PersonalData, erase_person, export_person
from bot.admin.privacy.sections import SECTIONS
from bot.admin.roles import Principal
from bot.clock import Clock
from bot.questions import registry
from storage.models import Person
from storage.repositories.admin_people import PeopleDirectory
from storage.repositories.people import PeopleRepository


class UnknownPerson(LookupError):
    """No (not yet erased) person has that email."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    ambassadors: int


class PeopleAdminService:
    def __init__(
        self, session: AsyncSession, clock: Clock, sections: Sequence[PersonalData] = SECTIONS
    ) -> None:
        self.session = session
        self.clock = clock
        self.people = PeopleRepository(session)
        self.directory = PeopleDirectory(session)
        self.audit = AuditLog(session, clock)
        self.sections = sections

    async def apply(self, by: Principal, parsed: ParsedFile, filename: str = "") -> ImportResult:
        """Create or update everyone in a clean file (callers show `parsed.errors` otherwise)."""
        if not parsed.ok:
            raise ValueError("refusing to import a file with errors")
        existing = await self.directory.by_emails([row.email for row in parsed.rows])
        created = updated = 0
        now = self.clock.now()
        for row in parsed.rows:
            person = existing.get(row.email)
            if person is None:
                person = Person(email=row.email, created_at=now)
                self.session.add(person)
                created += 1
            else:
                updated += 1
            person.display_name = row.name
            person.department = row.department
            person.role = row.role
            person.language = row.language or person.language
            person.timezone = row.timezone or person.timezone
            person.is_ambassador = row.is_ambassador
            person.imported_at = now
        await self.session.flush()
        for row in parsed.rows:
            if row.is_ambassador:
                await self._register_ambassador(row, now)
        ambassadors = sum(row.is_ambassador for row in parsed.rows)
        result = ImportResult(created, updated, ambassadors)
        await self.audit.record(by, "people.import", filename, created=created, updated=updated)
        return result

    async def _register_ambassador(self, row: ImportRow, now: datetime) -> None:
        """Ambassadors join the question-routing registry with their topics (proficiency 2 unless given)."""
        profile = registry.Profile(
            topics=registry.parse_topics(list(row.topics)),
            languages=[row.language] if row.language else None,
            department=row.department,
            timezone=row.timezone,
        )
        await registry.save(self.session, row.email, profile, now, create=True)

    async def find(self, email: str) -> Person:
        person = await self.people.by_email(email) if email.strip() else None
        if person is None:
            raise UnknownPerson(email)
        return person

    async def export(self, by: Principal, email: str) -> dict[str, Any]:
        person = await self.find(email)
        data = await export_person(self.sections, self.session, person)
        await self.audit.record(by, "people.export", f"person:{person.id}")
        return {"person_id": person.id, "exported_at": self.clock.now().isoformat(), **data}

    async def forget(self, by: Principal, email: str) -> dict[str, int]:
        person = await self.find(email)
        counts = await erase_person(self.sections, self.session, person)
        # The audit line names the row id only: the email is exactly what was asked to be forgotten.
        await self.audit.record(by, "people.forget", f"person:{person.id}", rows=counts)
        return counts
