"""Who is how far along, for the adoption funnel: each stage one query over known people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload, load_only

from storage.models import LearningItem, Person, QuizAnswer, TransferCheck
from storage.repositories.transfer import published_answers

KNOWN = Person.email.is_not(None)


class AdoptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def reached(self) -> dict[int, str]:
        """Known people who have had a lesson (sent or asked for), with their department."""
        rows = await self.session.execute(
            select(Person.id, Person.department).where(KNOWN, Person.id.in_(select(LearningItem.person_id)))
        )
        return {person_id: department or "" for person_id, department in rows.all()}

    async def learners(self) -> list[Person]:
        """People who have answered a quiz, with what picks their lessons (language, role). Chosen
        in the database: as a list of ids, 100,000 learners were more parameters than PostgreSQL
        takes in one statement (65,535), and the funnel failed."""
        answered = select(LearningItem.person_id).where(LearningItem.completed_at.is_not(None))
        query = (
            select(Person)
            .where(Person.id.in_(answered))
            .options(load_only(Person.id, Person.language, Person.role, Person.is_ambassador), lazyload("*"))
        )
        return list(await self.session.scalars(query))

    async def answered_lessons(self) -> dict[int, dict[str, set[str]]]:
        """Per person and track, the lessons whose quiz they have answered."""
        rows = await self.session.execute(
            select(LearningItem.person_id, LearningItem.track_id, LearningItem.lesson_id).where(
                LearningItem.completed_at.is_not(None)
            )
        )
        found: dict[int, dict[str, set[str]]] = {}
        for person_id, track_id, lesson_id in rows.all():
            found.setdefault(person_id, {}).setdefault(track_id, set()).add(lesson_id)
        return found

    async def confident(self) -> set[int]:
        """People with at least one answer that was right and given with confidence."""
        query = (
            select(QuizAnswer.person_id)
            .where(QuizAnswer.correct.is_(True), QuizAnswer.confidence == "sure")
            .distinct()
        )
        return set(await self.session.scalars(query))

    async def applied(self, answers: Sequence[str], k: int) -> set[int]:
        """People who said they used a track at work, among the answers published so far."""
        query = (
            select(TransferCheck.person_id)
            .where(TransferCheck.answer.in_(answers), TransferCheck.id.in_(published_answers(k)))
            .distinct()
        )
        return set(await self.session.scalars(query))
