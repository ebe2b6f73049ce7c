"""People as HR sees them: a paged, filtered list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person


class PeopleDirectory:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(self, limit: int, offset: int, search: str = "") -> tuple[Sequence[Person], int]:
        """Known (not erased) people by name, with the total for pagination."""
        query = select(Person).where(Person.email.is_not(None))
        if search:
            pattern = f"%{search.lower()}%"
            query = query.where(
                or_(func.lower(Person.email).like(pattern), func.lower(Person.display_name).like(pattern))
            )
        total = await self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = await self.session.scalars(
            query.order_by(Person.display_name, Person.id).limit(limit).offset(offset)
        )
        return rows.all(), total

    async def by_emails(self, emails: Sequence[str]) -> dict[str, Person]:
        found: dict[str, Person] = {}
        for start in range(0, len(emails), 500):
            chunk = list(emails[start : start + 500])
            rows = await self.session.scalars(select(Person).where(func.lower(Person.email).in_(chunk)))
            found.update({p.email.lower(): p for p in rows if p.email})
        return found
