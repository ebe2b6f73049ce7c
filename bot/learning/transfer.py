"""Transfer: a week after a person's last lesson of a track, one question, "have you used it in
your work?", asked once per person and track, through the outbox like every other nudge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.library import ContentLibrary
from bot.context import AppContext
from bot.delivery.outbox import Outbox
from bot.delivery.policy import preference_of
from bot.learning.cards import Say
from bot.learning.order import lesson_order
from bot.learning.service import LearningService, roles_of
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from storage.models import Person, TransferCheck
from storage.repositories.transfer import TransferRepository

KIND = "learning.transfer"
WEEK = timedelta(days=7)
AHEAD = timedelta(days=1)  # queued a day early, so the row waits in the outbox for its hour
ANSWERS = ("several", "once", "not_yet", "not_relevant")
APPLIED = ("several", "once")  # "applied at work" in the dashboard's funnel
BATCH = 500
LANGUAGES = ("da", "en", "nb")
ROLES = ({"employee"}, {"ambassador"}, {"leader"})


def fewest_lessons(content: ContentLibrary, track_id: str) -> int:
    """The fewest lessons anyone must answer to finish the track (roles and languages differ)."""
    counts = [len(lesson_order(content, [track_id], lang, roles)) for lang in LANGUAGES for roles in ROLES]
    return min((n for n in counts if n), default=0)


def finished(
    content: ContentLibrary, track_id: str, person: Person, answered: set[str], default: str
) -> bool:
    """Every lesson of the track meant for the person, in their language, has been answered."""
    lessons = lesson_order(content, [track_id], person.language or default, roles_of(person))
    return bool(lessons) and {lesson.id for lesson in lessons} <= answered


async def queue_transfer_questions(app: AppContext) -> None:
    """Queue the question for everyone whose track's last answer is (nearly) a week old."""
    now = app.clock.now()
    queued = 0
    for track_id in app.content.tracks:
        fewest = fewest_lessons(app.content, track_id)
        after = 0
        while fewest:
            async with app.db.unit_of_work() as session:
                repo = TransferRepository(session)
                found = await repo.finishers(track_id, fewest, now + AHEAD - WEEK, BATCH, after=after)
                for person, answered, last in found:
                    if finished(app.content, track_id, person, answered, app.settings.default_language):
                        queued += await _queue(session, app, person, track_id, last, now)
            if len(found) < BATCH:
                break
            after = found[-1][0].id
    if queued:
        app.delivery_wakeup.set()


async def _queue(
    session: AsyncSession, app: AppContext, person: Person, track_id: str, last: datetime, now: datetime
) -> int:
    calendar = await LearningService(session, app.content, app.settings).work_calendar(person)
    due = calendar.window_start_from(max(last + WEEK, now))
    if not await TransferRepository(session).claim(person.id, track_id, last, due):
        return 0
    await Outbox(session, app.clock).enqueue(
        key=f"learning:transfer:{person.id}:{track_id}",
        person_id=person.id,
        kind=KIND,
        payload={"track_id": track_id},
        due_at=due,
    )
    return 1


async def compose_transfer(
    session: AsyncSession, person: Person, payload: dict[str, Any], now: datetime, app: AppContext
) -> Reply | None:
    """The question, unless answered already or the person turned nudges off."""
    track_id = str(payload.get("track_id", ""))
    row = await TransferRepository(session).get(person.id, track_id)
    preference = await preference_of(session, person.id)
    if row is None or row.answer is not None or (preference is not None and preference.opted_out):
        return None
    language = person.language or app.settings.default_language

    def say(key: str, /, **params: object) -> str:
        return app.catalogue.text(language, key, **params)

    return question(say, track_id, app.content.track_title(track_id, language))


def question(say: Say, track_id: str, title: str) -> Reply:
    buttons = tuple(Button(say(f"learning.transfer.{a}"), KIND, f"{track_id}:{a}") for a in ANSWERS)
    return Reply(text=say("learning.transfer.ask", track=title), buttons=buttons)


async def record_answer(session: AsyncSession, person: Person, value: str, now: datetime) -> TransferCheck:
    """The person's answer for a track they were asked about; one answer, kept."""
    track_id, _, answer = value.rpartition(":")
    row = await TransferRepository(session).get(person.id, track_id)
    if row is None or answer not in ANSWERS or row.due_at > now:
        raise UserFacingError("learning.transfer.not_asked")
    if row.answer is not None:
        raise UserFacingError("learning.transfer.already")
    row.answer, row.answered_at = answer, now
    return row
