"""A learner's progress: lessons done, quiz accuracy, working-day streak, competence profile, points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content.library import ContentLibrary
from bot.content.models import COMPETENCES, LEVELS
from bot.learning.calendar import WorkCalendar
from storage.models import Person, QuizAnswer
from storage.repositories.learning import LearningRepository

POINTS_PER_LESSON = 10
POINTS_PER_CORRECT = 5


@dataclass(frozen=True, slots=True)
class AreaProgress:
    competence: str
    done: int
    total: int
    level: str | None  # the highest level of a lesson done in this area


@dataclass(frozen=True, slots=True)
class Progress:
    lessons_done: int
    answers: int
    correct: int
    confident: int  # lessons whose last answer was right and sure: knowledge, not luck
    streak: int
    points: int
    areas: tuple[AreaProgress, ...]
    reflections: tuple[tuple[str, str], ...]  # (lesson id, the learner's own words)

    @property
    def accuracy(self) -> int | None:
        """Percent of quiz answers (reviews included) that were right."""
        return round(100 * self.correct / self.answers) if self.answers else None


async def progress_of(
    repo: LearningRepository, content: ContentLibrary, person: Person, calendar: WorkCalendar, now: datetime
) -> Progress:
    items = [i for i in await repo.items(person.id) if i.completed_at is not None]
    answers = await repo.answers(person.id)
    correct = sum(a.correct for a in answers)
    done_ids = {i.lesson_id for i in items}
    areas = []
    for competence in COMPETENCES:
        lessons = [
            lesson
            for versions in content.lessons.values()
            if (lesson := next(iter(versions.values()))).competence == competence
        ]
        if not lessons:
            continue
        done = [lesson for lesson in lessons if lesson.id in done_ids]
        level = max((LEVELS.index(lesson.level) for lesson in done), default=None)
        areas.append(
            AreaProgress(competence, len(done), len(lessons), None if level is None else LEVELS[level])
        )
    streak = calendar.streak({a.local_day for a in answers}, calendar.local_day(now))
    return Progress(
        lessons_done=len(items),
        answers=len(answers),
        correct=correct,
        confident=sum(a.correct and a.confidence == "sure" for a in _latest_per_lesson(answers)),
        streak=streak,
        points=POINTS_PER_LESSON * len(items) + POINTS_PER_CORRECT * correct,
        areas=tuple(areas),
        reflections=tuple((i.lesson_id, i.reflection) for i in items if i.reflection),
    )


def _latest_per_lesson(answers: list[QuizAnswer]) -> list[QuizAnswer]:
    """Each lesson's latest answer, whichever variant it was: knowledge counts per idea, so
    answering two wordings of one lesson does not count twice."""
    return list({answer.lesson_id: answer for answer in answers}.values())
