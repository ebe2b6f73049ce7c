"""Organisation-wide figures for HR, each one SQL aggregate (they must scale to 100,000 people)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LearningItem, Person, QuizAnswer

KNOWN = Person.email.is_not(None)


class InsightsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def people(self) -> tuple[int, int]:
        """Known people, and how many of them are ambassadors."""
        row = (
            await self.session.execute(
                select(
                    func.count(), func.coalesce(func.sum(case((Person.is_ambassador, 1), else_=0)), 0)
                ).where(KNOWN)
            )
        ).one()
        return int(row[0]), int(row[1])

    async def reached(self) -> int:
        """Known people who have had at least one lesson, sent by a campaign or asked for in chat:
        the same lessons `lessons()` counts, so reach and completion never contradict each other."""
        had = select(LearningItem.person_id)
        return int(await self.session.scalar(select(func.count()).where(KNOWN, Person.id.in_(had))) or 0)

    async def active_learners(self, since: datetime) -> int:
        return int(
            await self.session.scalar(
                select(func.count(distinct(QuizAnswer.person_id))).where(QuizAnswer.answered_at >= since)
            )
            or 0
        )

    async def lessons(self) -> tuple[int, int]:
        """Lessons known people have had, and how many of those were completed (quiz answered)."""
        row = (
            await self.session.execute(
                select(func.count(), func.count(LearningItem.completed_at))
                .select_from(LearningItem)
                .join(Person, Person.id == LearningItem.person_id)
                .where(KNOWN)
            )
        ).one()
        return int(row[0]), int(row[1])

    async def answers(self) -> tuple[int, int]:
        """Quiz answers, and how many were right."""
        row = (
            await self.session.execute(
                select(func.count(), func.coalesce(func.sum(case((QuizAnswer.correct, 1), else_=0)), 0))
            )
        ).one()
        return int(row[0]), int(row[1])

    async def departments(self) -> list[tuple[str, int]]:
        """Departments with their number of known people, by name."""
        rows = await self.session.execute(
            select(Person.department, func.count())
            .where(KNOWN, Person.department != "")
            .group_by(Person.department)
            .order_by(Person.department)
        )
        return [(name, int(count)) for name, count in rows.all()]
