"""Which lesson or review comes next, and what an answer, a snooze or a stop changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import FixedClock
from bot.config import Settings
from bot.content.lessons import Lesson, Quiz
from bot.content.library import ContentLibrary
from bot.delivery.outbox import Outbox
from bot.delivery.policy import OUT_OF_OFFICE
from bot.learning.calendar import WorkCalendar
from bot.learning.order import content_roles, lesson_order
from bot.learning.srs import CONFIDENCE, apply_answer, apply_confidence, next_variant
from bot.runtime.errors import UserFacingError
from storage.models import LearningItem, Person
from storage.repositories.learning import LearningRepository
from storage.repositories.preferences import PreferenceRepository

CAPPED = ("lesson", "review")  # what the bot pushes on its own; snoozes were asked for
SNOOZE_KIND = "learning.lesson"
REVIEW_KIND = "learning.review"


@dataclass(frozen=True, slots=True)
class Item:
    lesson: Lesson
    review: bool
    variant: int = 0  # which of the lesson's quizzes a review asks


@dataclass(frozen=True, slots=True)
class AnswerResult:
    lesson: Lesson
    correct: bool
    first: bool
    retired: bool
    due_at: datetime | None
    quiz: Quiz  # the variant that was asked


class LearningService:
    def __init__(self, session: AsyncSession, content: ContentLibrary, settings: Settings) -> None:
        self.session = session
        self.repo = LearningRepository(session)
        self.content = content
        self.settings = settings

    def calendar(self, person: Person) -> WorkCalendar:
        """The person's zone and public holidays; enough to tell which local day it is."""
        return WorkCalendar.of(person.timezone, self.settings.default_timezone)

    async def work_calendar(self, person: Person) -> WorkCalendar:
        """The calendar with the person's leave: what scheduling and streaks go by."""
        away = tuple((row.first_day, row.last_day) for row in await self.repo.leave(person.id))
        return WorkCalendar.of(person.timezone, self.settings.default_timezone, away)

    async def go_away(self, person: Person, days: int, now: datetime) -> date | None:
        """Leave from today for `days` days (its last day), or, with 0, back from leave now."""
        today = self.calendar(person).local_day(now)
        await self.repo.end_leave(person.id, today)
        # Out of office for the delivery worker too: what it held comes on the first morning back.
        preference = await PreferenceRepository(self.session).for_person(person.id)
        preference.away_until = None
        last_day: date | None = None
        if days > 0:
            last_day = today + timedelta(days=days - 1)
            await self.repo.add_leave(person.id, today, last_day, now)
            calendar = await self.work_calendar(person)
            preference.away_until = calendar.morning(calendar.next_working_day(last_day))
        back = preference.away_until or now
        await Outbox(self.session, FixedClock(now)).bring_forward(person.id, OUT_OF_OFFICE, back)
        return last_day

    def language(self, person: Person) -> str:
        return person.language or self.settings.default_language

    async def active_tracks(
        self, person: Person, track_ids: list[str] | None, now: datetime, *, enrol: bool = False
    ) -> list[str]:
        """`track_ids` (or all the person follows) minus those they stopped; `enrol` starts new ones."""
        enrolments = await self.repo.enrolments(person.id)
        wanted = track_ids if track_ids is not None else list(self.content.tracks)
        known = [t for t in wanted if t in self.content.tracks]
        new = [t for t in known if t not in enrolments] if enrol else []
        if new:
            self.repo.add_enrolments(person.id, new, now)
        return [t for t in known if t in new or (t in enrolments and enrolments[t].status == "active")]

    async def next_item(
        self, person: Person, tracks: list[str], now: datetime, *, roles: set[str] | None = None
    ) -> Item | None:
        """A due review first; else the first lesson never sent; else one sent but not answered."""
        language = self.language(person)
        due = await self.repo.due_review(person.id, tracks, now)
        if due is not None and (lesson := self.content.lesson(due.lesson_id, language)):
            return Item(lesson, review=True, variant=next_variant(due, len(lesson.quizzes)))
        items = {item.lesson_id: item for item in await self.repo.items(person.id)}
        candidates = lesson_order(self.content, tracks, language, roles)
        for lesson in candidates:
            if lesson.id not in items:
                await self.repo.add_item(person.id, lesson.id, lesson.track, now)
                return Item(lesson, review=False)
        for lesson in candidates:
            if items[lesson.id].completed_at is None:
                return Item(lesson, review=False)
        return None

    async def nudge(self, person: Person, track_ids: list[str], now: datetime) -> Item | None:
        """What a campaign nudge sends: nothing after a stop, when all is done, or past the daily cap."""
        tracks = await self.active_tracks(person, track_ids, now, enrol=True)
        calendar = await self.work_calendar(person)
        if not tracks or calendar.is_away(calendar.local_day(now)) or await self._capped(person, now):
            return None
        item = await self.next_item(person, tracks, now, roles=roles_of(person))
        if item is not None:
            await self._record(person, item.lesson.id, "review" if item.review else "lesson", now)
        return item

    async def review_to_send(self, person: Person, lesson_id: str, now: datetime) -> Item | None:
        """A queued review, unless it was answered, sent already, stopped, or the day is full."""
        item = await self.repo.item(person.id, lesson_id)
        lesson = self.content.lesson(lesson_id, self.language(person))
        if item is None or lesson is None or item.retired_at is not None or item.due_at is None:
            return None
        if item.due_at > now or not await self.active_tracks(person, [item.track_id], now, enrol=True):
            return None
        if await self.repo.sent_since(person.id, lesson_id, "review", item.due_at):
            return None
        calendar = await self.work_calendar(person)
        if calendar.is_away(calendar.local_day(now)) or await self._capped(person, now):
            await self.queue_review(person, lesson_id, calendar.next_morning(now), now)
            return None
        await self._record(person, lesson_id, "review", now)
        return Item(lesson, review=True, variant=next_variant(item, len(lesson.quizzes)))

    async def snoozed_to_send(self, person: Person, lesson_id: str, now: datetime) -> Item | None:
        item = await self.repo.item(person.id, lesson_id)
        lesson = self.content.lesson(lesson_id, self.language(person))
        if item is None or lesson is None or item.completed_at is not None:
            return None
        if not await self.active_tracks(person, [item.track_id], now, enrol=True):
            return None
        await self._record(person, lesson_id, "snooze", now)
        return Item(lesson, review=False)

    async def quiz_variant(self, person: Person, lesson: Lesson) -> int:
        """The variant of `lesson`'s quiz to show `person` now (another than their last answer's)."""
        return next_variant(await self.repo.item(person.id, lesson.id), len(lesson.quizzes))

    async def answer(
        self, person: Person, lesson_id: str, chosen: set[int], now: datetime, *, variant: int = 0
    ) -> AnswerResult:
        """Judged against the variant the clicked card showed, whichever was shown since."""
        lesson = self.content.lesson(lesson_id, self.language(person))
        if lesson is None or not 0 <= variant < len(lesson.quizzes):
            raise UserFacingError("learning.unknown_lesson")
        quiz = lesson.quizzes[variant]
        if not chosen or any(not 0 <= i < len(quiz.options) for i in chosen):
            raise UserFacingError("learning.unknown_lesson")
        item = await self.repo.item(person.id, lesson_id) or await self.repo.add_item(
            person.id, lesson_id, lesson.track, now
        )
        first = item.completed_at is None
        if item.retired_at is not None:
            raise UserFacingError("learning.already_retired")
        if not first and (item.due_at is None or item.due_at > now):
            raise UserFacingError("learning.not_due")
        correct = chosen == set(quiz.correct)
        calendar = await self.work_calendar(person)
        item.completed_at = item.completed_at or now
        item.last_variant = variant
        apply_answer(item, correct, now, calendar)
        await self.repo.add_answer(
            person.id,
            lesson_id,
            now,
            calendar.local_day(now),
            correct=correct,
            review=not first,
            variant=variant,
        )
        return AnswerResult(lesson, correct, first, item.retired_at is not None, item.due_at, quiz)

    async def confidence(self, person: Person, lesson_id: str, level: str, now: datetime) -> AnswerResult:
        """How sure they were of their last answer to the lesson's quiz: said once, and it moves
        the next review (a confident mistake comes back first, a lucky guess does not retire)."""
        answer = await self.repo.latest_answer(person.id, lesson_id)
        item = await self.repo.item(person.id, lesson_id)
        lesson = self.content.lesson(lesson_id, self.language(person))
        if answer is None or item is None or lesson is None or level not in CONFIDENCE:
            raise UserFacingError("learning.unknown_lesson")
        if answer.confidence is not None:
            raise UserFacingError("learning.confidence.already")
        answer.confidence = level
        apply_confidence(item, answer.correct, level, now, await self.work_calendar(person))
        quiz = lesson.quizzes[answer.variant] if answer.variant < len(lesson.quizzes) else lesson.quiz
        return AnswerResult(lesson, answer.correct, False, item.retired_at is not None, item.due_at, quiz)

    async def reflect(self, person: Person, lesson_id: str, text: str) -> None:
        item = await self.repo.item(person.id, lesson_id)
        if item is None or item.completed_at is None:
            raise UserFacingError("learning.unknown_lesson")
        item.reflection = text.strip()[:2000] or None

    async def snooze(self, person: Person, lesson_id: str, when: str, now: datetime) -> datetime:
        """Queue the lesson card again in an hour or tomorrow morning, inside working hours."""
        item = await self.repo.item(person.id, lesson_id)
        if item is None or item.completed_at is not None:
            raise UserFacingError("learning.nothing_to_snooze")
        calendar = await self.work_calendar(person)
        due = (
            calendar.next_morning(now)
            if when == "morning"
            else calendar.window_start_from(now + timedelta(hours=1))
        )
        await Outbox(self.session, FixedClock(now)).enqueue(
            key=f"learning:snooze:{person.id}:{lesson_id}:{due.isoformat()}",
            person_id=person.id,
            kind=SNOOZE_KIND,
            payload={"lesson_id": lesson_id},
            due_at=due,
        )
        return due

    async def queue_review(self, person: Person, lesson_id: str, due: datetime, now: datetime) -> bool:
        """An outbox row for a review on `due`'s day (one per person, lesson and day)."""
        day = self.calendar(person).local_day(due).isoformat()
        return await Outbox(self.session, FixedClock(now)).enqueue(
            key=f"learning:review:{person.id}:{lesson_id}:{day}",
            person_id=person.id,
            kind=REVIEW_KIND,
            payload={"lesson_id": lesson_id},
            due_at=due,
        )

    async def set_track(self, person: Person, track_id: str, status: str, now: datetime) -> None:
        if track_id not in self.content.tracks:
            raise UserFacingError("learning.unknown_track")
        await self.repo.set_enrolment(person.id, track_id, status, now)

    async def items(self, person: Person) -> list[LearningItem]:
        return await self.repo.items(person.id)

    async def _capped(self, person: Person, now: datetime) -> bool:
        day = self.calendar(person).local_day(now)
        return await self.repo.sends_on(person.id, day, CAPPED) >= self.settings.daily_item_cap

    async def _record(self, person: Person, lesson_id: str, kind: str, now: datetime) -> None:
        await self.repo.add_send(person.id, lesson_id, kind, now, self.calendar(person).local_day(now))
        if kind == "review" and (item := await self.repo.item(person.id, lesson_id)) is not None:
            item.reminded_at = now


def roles_of(person: Person) -> set[str]:
    return content_roles(person.role, person.is_ambassador)
