"""What the overview, coverage and content pages show, computed once for the dashboard and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.content.check import check_content
from bot.content.library import ContentLibrary
from bot.content.models import COMPETENCES
from bot.learning.coverage import team_coverage
from storage.repositories.admin_insights import InsightsRepository


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass(frozen=True, slots=True)
class LearningFigures:
    people: int
    ambassadors: int
    reached: int
    reach: float | None
    active_this_week: int
    lessons_sent: int
    lessons_completed: int
    completion: float | None
    answers: int
    accuracy: float | None


async def learning_figures(session: AsyncSession, clock: Clock) -> LearningFigures:
    repo = InsightsRepository(session)
    people, ambassadors = await repo.people()
    reached = await repo.reached()
    sent, completed = await repo.lessons()
    answers, right = await repo.answers()
    return LearningFigures(
        people=people,
        ambassadors=ambassadors,
        reached=reached,
        reach=share(reached, people),
        active_this_week=await repo.active_learners(clock.now() - timedelta(days=7)),
        lessons_sent=sent,
        lessons_completed=completed,
        completion=share(completed, sent),
        answers=answers,
        accuracy=share(right, answers),
    )


@dataclass(frozen=True, slots=True)
class Coverage:
    """Share of each department's people who completed a lesson per area; None rows are suppressed."""

    areas: tuple[str, ...]
    departments: list[str]
    sizes: list[int | None]
    cells: list[list[float | None]]  # areas × departments


async def coverage(
    session: AsyncSession, content: ContentLibrary, min_group_size: int, level: str
) -> Coverage:
    departments = await InsightsRepository(session).departments()
    columns: list[list[float | None]] = []
    sizes: list[int | None] = []
    for name, _size in departments:
        team = await team_coverage(
            session, content, name, min_people=1, level=level, min_group_size=min_group_size
        )
        if team is None:
            columns.append([None] * len(COMPETENCES))
            sizes.append(None)
            continue
        columns.append([a.people / team.group_size for a in team.areas])
        sizes.append(team.group_size)
    cells = [[column[row] for column in columns] for row in range(len(COMPETENCES))]
    return Coverage(COMPETENCES, [name for name, _ in departments], sizes, cells)


@dataclass(frozen=True, slots=True)
class LessonStatus:
    id: str
    title: str
    competence: str
    level: str
    languages: tuple[str, ...]
    problems: list[str] = field(default_factory=list)


def content_status(content_dir: Path, library: ContentLibrary, language: str) -> dict[str, Any]:
    """Tracks with their lessons and every validation problem, by file and line."""
    problems = check_content(content_dir)
    by_file: dict[str, list[str]] = {}
    for problem in problems:
        by_file.setdefault(str(problem.file), []).append(
            f"{Path(problem.file).name}:{problem.line}: {problem.message}"
        )
    tracks = []
    for track in library.tracks.values():
        lessons = []
        for lesson_id in track.lessons:
            versions = library.lessons.get(lesson_id, {})
            shown = library.lesson(lesson_id, language)
            found = [p for v in versions.values() for p in by_file.get(str(v.path), [])]
            lessons.append(
                LessonStatus(
                    id=lesson_id,
                    title=shown.title if shown else lesson_id,
                    competence=shown.competence if shown else "",
                    level=shown.level if shown else "",
                    languages=tuple(sorted(versions)),
                    problems=found if versions else [f"{lesson_id}: no lesson file"],
                )
            )
        tracks.append({"id": track.id, "title": library.track_title(track.id, language), "lessons": lessons})
    return {"tracks": tracks, "problems": [str(p) for p in problems]}
