"""Figures for HR: where people ask, how fast they get help, and whether it helped.

Every figure covers at least `min_group_size` questions; smaller groups are folded into
"other" (and dropped if even that is too small), so no figure points at a few people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Question

OTHER = "other"


@dataclass(frozen=True, slots=True)
class QuestionFigures:
    asked: int  # routed to a person (self-help alone not counted)
    self_solved: int  # closed by an FAQ entry or glossary term
    resolved: int
    resolution_rate: float | None
    median_minutes_to_claim: float | None
    median_minutes_to_answer: float | None
    satisfaction: float | None  # share rated helpful, of those rated
    rated: int
    suppressed: bool  # fewer than the minimum group size: no figures shown


@dataclass(frozen=True, slots=True)
class GroupCount:
    name: str
    count: int


def _minutes(pairs: list[tuple[datetime | None, datetime | None]]) -> float | None:
    spans = [(end - start).total_seconds() / 60 for start, end in pairs if start and end]
    return round(median(spans), 1) if spans else None


async def question_figures(
    session: AsyncSession,
    since: datetime,
    until: datetime,
    min_group_size: int,
    *,
    topic: str | None = None,
    department: str | None = None,
) -> QuestionFigures:
    """Time to claim and answer, resolution rate and satisfaction for questions asked in [since, until)."""
    query = select(Question).where(Question.created_at >= since, Question.created_at < until)
    if topic is not None:
        query = query.where(Question.topic == topic)
    if department is not None:
        query = query.where(Question.asker_department == department)
    rows = list(await session.scalars(query))
    routed = [q for q in rows if q.routed_at is not None]
    self_solved = sum(q.status == "self_solved" for q in rows)
    if len(routed) < min_group_size:
        return QuestionFigures(len(routed), self_solved, 0, None, None, None, None, 0, True)
    resolved = sum(q.status == "resolved" for q in routed)
    rated = [q.helpful for q in routed if q.helpful is not None]
    return QuestionFigures(
        asked=len(routed),
        self_solved=self_solved,
        resolved=resolved,
        resolution_rate=round(resolved / len(routed), 3),
        median_minutes_to_claim=_minutes([(q.routed_at, q.claimed_at) for q in routed]),
        median_minutes_to_answer=_minutes([(q.routed_at, q.answered_at) for q in routed]),
        satisfaction=round(sum(rated) / len(rated), 3) if len(rated) >= min_group_size else None,
        rated=len(rated),
        suppressed=False,
    )


async def questions_per_topic(
    session: AsyncSession, since: datetime, until: datetime, min_group_size: int
) -> list[GroupCount]:
    """Questions routed to a person per topic, largest first."""
    return await _grouped(session, Question.topic, since, until, min_group_size)


async def questions_per_department(
    session: AsyncSession, since: datetime, until: datetime, min_group_size: int
) -> list[GroupCount]:
    """Questions routed to a person per asker department, largest first."""
    return await _grouped(session, Question.asker_department, since, until, min_group_size)


async def _grouped(session, column, since, until, min_group_size) -> list[GroupCount]:  # type: ignore[no-untyped-def]
    rows = await session.execute(
        select(column, func.count())
        .where(Question.created_at >= since, Question.created_at < until, Question.routed_at.is_not(None))
        .group_by(column)
    )
    shown, other = [], 0
    for name, count in rows.all():
        if count >= min_group_size and name:
            shown.append(GroupCount(name, count))
        else:
            other += count
    if other >= min_group_size:
        shown.append(GroupCount(OTHER, other))
    return sorted(shown, key=lambda g: (-g.count, g.name))
