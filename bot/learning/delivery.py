"""Learning at send time: the campaign nudge composer, queued reviews and snoozed lessons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.delivery.compose import Composer, Preload
from bot.learning.cards import Say, item_reply, showing_of
from bot.learning.service import REVIEW_KIND, SNOOZE_KIND, LearningService
from bot.learning.transfer import KIND as TRANSFER_KIND
from bot.learning.transfer import compose_transfer, queue_transfer_questions
from bot.runtime.replies import Reply
from bot.scheduler import RecurringJob
from storage.models import Enrolment, LearningItem, LearningSend, OutboxMessage, Person
from storage.repositories.learning import LearningRepository

BATCH = 1000


def say_for(app: AppContext, person: Person) -> Say:
    language = person.language or app.settings.default_language

    def say(key: str, /, **params: object) -> str:
        return app.catalogue.text(language, key, **params)

    return say


async def compose_nudge(
    session: AsyncSession, person: Person, payload: dict[str, Any], now: datetime, app: AppContext
) -> Reply | None:
    """The person's next item from the campaign's tracks; None after a stop, when done, or capped."""
    service = LearningService(session, app.content, app.settings)
    tracks = payload.get("tracks", [])
    item = await service.nudge(person, [tracks] if isinstance(tracks, str) else [str(t) for t in tracks], now)
    return None if item is None else item_reply(say_for(app, person), item, showing_of(person.id, now))


async def compose_review(
    session: AsyncSession, person: Person, payload: dict[str, Any], now: datetime, app: AppContext
) -> Reply | None:
    service = LearningService(session, app.content, app.settings)
    item = await service.review_to_send(person, str(payload.get("lesson_id", "")), now)
    return None if item is None else item_reply(say_for(app, person), item, showing_of(person.id, now))


async def compose_snoozed(
    session: AsyncSession, person: Person, payload: dict[str, Any], now: datetime, app: AppContext
) -> Reply | None:
    service = LearningService(session, app.content, app.settings)
    item = await service.snoozed_to_send(person, str(payload.get("lesson_id", "")), now)
    return None if item is None else item_reply(say_for(app, person), item, showing_of(person.id, now))


async def load_learning(session: AsyncSession, rows: Sequence[OutboxMessage], now: datetime) -> None:
    """The learning state of everyone a batch brings a lesson or review to, in four queries."""
    people = [row.person_id for row in rows if row.kind in COMPOSERS and row.person_id is not None]
    if people:
        await LearningRepository(session).load_batch(people, now)


async def queue_reviews(app: AppContext) -> None:
    """Queue every review that has come due, for the start of each person's working window."""
    now = app.clock.now()
    while True:
        async with app.db.unit_of_work() as session:
            service = LearningService(session, app.content, app.settings)
            found = await LearningRepository(session).unreminded_reviews(now, BATCH)
            for item, person in found:
                due = (await service.work_calendar(person)).window_start_from(now)
                await service.queue_review(person, item.lesson_id, due, now)
                item.reminded_at = now
        if found:
            app.delivery_wakeup.set()
        if len(found) < BATCH:
            return


COMPOSERS: dict[str, Composer] = {
    "nudge": compose_nudge,
    REVIEW_KIND: compose_review,
    SNOOZE_KIND: compose_snoozed,
    TRANSFER_KIND: compose_transfer,
}
PRELOADS: list[Preload] = [load_learning]
# What composing a lesson adds to: enrolments, the lesson's progress, and the day's sends.
GROWS: list[str] = [t.__tablename__ for t in (Enrolment, LearningItem, LearningSend)]
JOBS = [
    RecurringJob("learning.reviews", queue_reviews, 300),
    RecurringJob("learning.transfer", queue_transfer_questions, 300),
]
