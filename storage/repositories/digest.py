"""What the daily HR digest reads: who gets it, and what happened in a period (counts only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import Base
from storage.models import DeliveryPreference, LearningItem, OutboxMessage, Person, Question, QuizAnswer
from storage.repositories.preferences import PreferenceRepository

DIGEST_ROLE = "hr"
GAVE_UP = ("dead", "undeliverable")


@dataclass(frozen=True, slots=True)
class Activity:
    """Counts for one period; none of them says who."""

    asked: int  # questions routed to a person (self-help alone not counted)
    answered: int  # questions that got their first answer
    nudges: int  # campaign nudges (and their reminders) sent
    lessons_completed: int
    quiz_answers: int
    undelivered: int  # outbox messages given up on (dead or undeliverable)


class DigestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def recipients(self, now: datetime) -> list[Person]:
        """HR people (not erased) who have not turned the digest off and are not out of office."""
        query = (
            select(Person)
            .outerjoin(DeliveryPreference, DeliveryPreference.person_id == Person.id)
            .where(
                Person.role == DIGEST_ROLE,
                Person.email.is_not(None),
                Person.active.is_(True),
                func.coalesce(DeliveryPreference.digest_opted_out, False).is_(False),
                or_(DeliveryPreference.away_until.is_(None), DeliveryPreference.away_until <= now),
            )
            .order_by(Person.id)
        )
        return list((await self.session.scalars(query)).all())

    async def opted_out(self, person_id: int) -> bool:
        preference = await self.session.get(DeliveryPreference, person_id)
        return preference is not None and preference.digest_opted_out

    async def set_opted_out(self, person_id: int, opted_out: bool) -> None:
        (await PreferenceRepository(self.session).for_person(person_id)).digest_opted_out = opted_out
        await self.session.flush()

    async def activity(self, since: datetime, until: datetime) -> Activity:
        def within(column: ColumnElement[datetime | None]) -> ColumnElement[bool]:
            return (column >= since) & (column < until)

        sent_nudges = (OutboxMessage.kind == "nudge") & (OutboxMessage.status == "sent")
        # A row given up on keeps the due time of its last try, the nearest the outbox has to "when".
        gave_up = OutboxMessage.status.in_(GAVE_UP)
        return Activity(
            asked=await self._count(Question, within(Question.routed_at)),
            answered=await self._count(Question, within(Question.answered_at)),
            nudges=await self._count(OutboxMessage, sent_nudges & within(OutboxMessage.sent_at)),
            lessons_completed=await self._count(LearningItem, within(LearningItem.completed_at)),
            quiz_answers=await self._count(QuizAnswer, within(QuizAnswer.answered_at)),
            undelivered=await self._count(OutboxMessage, gave_up & within(OutboxMessage.due_at)),
        )

    async def undelivered_total(self) -> int:
        """Every outbox message given up on and not (yet) retried or purged."""
        return await self._count(OutboxMessage, OutboxMessage.status.in_(GAVE_UP))

    async def _count(self, model: type[Base], where: ColumnElement[bool]) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(model).where(where)) or 0)
