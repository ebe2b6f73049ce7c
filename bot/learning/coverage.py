"""Team coverage: "together we must know it all" — which competence areas a department covers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.library import ContentLibrary
from bot.content.models import COMPETENCES, LEVELS
from storage.repositories.learning import LearningRepository


@dataclass(frozen=True, slots=True)
class AreaCoverage:
    competence: str
    people: int  # people who completed a lesson of this area at `level` or above
    covered: bool  # people >= min_people


@dataclass(frozen=True, slots=True)
class TeamCoverage:
    department: str
    group_size: int
    level: str
    min_people: int
    areas: tuple[AreaCoverage, ...]  # every competence area, in the fixed order


async def team_coverage(
    session: AsyncSession,
    content: ContentLibrary,
    department: str,
    *,
    min_people: int,
    level: str = "basic",
    min_group_size: int,
) -> TeamCoverage | None:
    """None when the department has fewer than `min_group_size` people (anonymity)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    repo = LearningRepository(session)
    size = await repo.department_size(department)
    if size < min_group_size:
        return None
    at_least = LEVELS.index(level)
    covering: dict[str, set[int]] = {c: set() for c in COMPETENCES}
    for person_id, lesson_id in await repo.completed_in_department(department):
        versions = content.lessons.get(lesson_id)
        if not versions:
            continue
        lesson = next(iter(versions.values()))
        if LEVELS.index(lesson.level) >= at_least:
            covering[lesson.competence].add(person_id)
    areas = tuple(AreaCoverage(c, len(ids), len(ids) >= min_people) for c, ids in covering.items())
    return TeamCoverage(department, size, level, min_people, areas)
