"""The transfer question's rows: who finished which track when, the once-only claim, answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Enrolment, LearningItem, Person, TransferCheck


class TransferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def finishers(
        self, track_id: str, at_least: int, finished_by: datetime, limit: int, *, after: int = 0
    ) -> list[tuple[Person, set[str], datetime]]:
        """People with `at_least` answered lessons in the track, the last one by `finished_by`,
        who were not asked yet and did not leave the track: each with the lessons they answered."""
        last = func.max(LearningItem.completed_at)
        stopped = select(Enrolment.person_id).where(
            Enrolment.track_id == track_id, Enrolment.status != "active"
        )
        asked = select(TransferCheck.person_id).where(TransferCheck.track_id == track_id)
        rows = (
            await self.session.execute(
                select(LearningItem.person_id, last)
                .where(
                    LearningItem.track_id == track_id,
                    LearningItem.person_id > after,
                    LearningItem.completed_at.is_not(None),
                    LearningItem.person_id.not_in(stopped),
                    LearningItem.person_id.not_in(asked),
                )
                .group_by(LearningItem.person_id)
                .having(func.count() >= at_least, last <= finished_by)
                .order_by(LearningItem.person_id)
                .limit(limit)
            )
        ).all()
        if not rows:
            return []
        ids = [person_id for person_id, _ in rows]
        people = {p.id: p for p in await self.session.scalars(select(Person).where(Person.id.in_(ids)))}
        done: dict[int, set[str]] = {}
        answered = select(LearningItem.person_id, LearningItem.lesson_id).where(
            LearningItem.track_id == track_id,
            LearningItem.completed_at.is_not(None),
            LearningItem.person_id.in_(ids),
        )
        for person_id, lesson_id in (await self.session.execute(answered)).all():
            done.setdefault(person_id, set()).add(lesson_id)
        return [(people[pid], done.get(pid, set()), at) for pid, at in rows if pid in people]

    async def claim(self, person_id: int, track_id: str, finished_at: datetime, due_at: datetime) -> bool:
        """Take the one question for this person and track; False when someone already had it
        (another replica, an earlier run): the unique key decides, not a read before the write."""
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(TransferCheck)
            .values(person_id=person_id, track_id=track_id, finished_at=finished_at, due_at=due_at)
            .on_conflict_do_nothing()
            .returning(TransferCheck.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def get(self, person_id: int, track_id: str) -> TransferCheck | None:
        return await self.session.scalar(
            select(TransferCheck).where(
                TransferCheck.person_id == person_id, TransferCheck.track_id == track_id
            )
        )

    async def answer_counts(self, k: int) -> list[tuple[str, str | None, str, int]]:
        """(track, department or None, answer, people) over the published answers of known people."""
        published = published_answers(k).subquery()
        department = func.nullif(Person.department, "")
        rows = await self.session.execute(
            select(TransferCheck.track_id, department, TransferCheck.answer, func.count())
            .join(Person, Person.id == TransferCheck.person_id)
            .where(TransferCheck.id.in_(select(published.c.id)))
            .group_by(TransferCheck.track_id, department, TransferCheck.answer)
        )
        return [(t, d, a, int(n)) for t, d, a, n in rows.all()]


def published_answers(k: int) -> Select[tuple[int]]:
    """The ids of the answers HR's figures count: per track, the first multiple of k answers in the
    order given, so the figures move only when k more people have answered and comparing the page
    before and after one person answers tells nothing about that person's answer."""
    ranked = (
        select(
            TransferCheck.id,
            func.row_number()
            .over(partition_by=TransferCheck.track_id, order_by=(TransferCheck.answered_at, TransferCheck.id))
            .label("rank"),
            func.count().over(partition_by=TransferCheck.track_id).label("answers"),
        )
        .join(Person, Person.id == TransferCheck.person_id)
        .where(TransferCheck.answer.is_not(None), Person.email.is_not(None))
        .subquery()
    )
    return select(ranked.c.id).where(ranked.c.rank <= (ranked.c.answers // k) * k)
