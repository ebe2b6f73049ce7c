"""Questions as the coordinator sees them: open ones with their SLA state, topics, ambassadors'
load and the FAQ approval queue. An asker is never named, anonymous or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.questions.hours import working_seconds
from bot.questions.jobs import CLAIM_WITHIN_SECONDS
from bot.questions.metrics import question_figures, questions_per_topic
from storage.models import FaqEntry, Person, Question
from storage.repositories.questions import FaqRepository, QuestionRepository

OPEN = ("open", "claimed", "escalated")
DUE_SOON = 0.75  # of the claim time used up


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    id: int
    topic: str
    language: str
    status: str
    anonymous: bool
    text: str
    asked_at: str
    holder: str | None  # the ambassador it is with, never the asker
    sla: str  # on_time, due_soon, overdue, escalated, claimed


async def open_questions(session: AsyncSession, clock: Clock) -> list[OpenQuestion]:
    repo = QuestionRepository(session)
    rows = await session.scalars(select(Question).where(Question.status.in_(OPEN)).order_by(Question.id))
    found = []
    now = clock.now()
    for q in rows:
        holder_id = q.owner_id or q.assigned_id
        holder = await session.get(Person, holder_id) if holder_id else None
        sla = "claimed" if q.status == "claimed" else "escalated" if q.status == "escalated" else "on_time"
        ambassador = await repo.ambassador(q.assigned_id) if q.assigned_id and q.status == "open" else None
        if ambassador is not None and q.assigned_at is not None:
            used = working_seconds(ambassador, q.assigned_at, now) / CLAIM_WITHIN_SECONDS
            sla = "overdue" if used >= 1 else "due_soon" if used >= DUE_SOON else "on_time"
        found.append(
            OpenQuestion(
                q.id, q.topic, q.language, q.status, q.anonymous, q.text[:300], q.created_at.isoformat(),
                (holder.display_name or holder.email) if holder else None, sla,
            )
        )  # fmt: skip
    return found


async def ambassador_load(session: AsyncSession) -> list[dict[str, Any]]:
    repo = QuestionRepository(session)
    load = await repo.load()
    return [
        {
            "name": person.display_name or person.email,
            "department": ambassador.department,
            "topics": ambassador.topics,
            "status": ambassador.status,
            "open": load.get(person.id, 0),
            "cap": ambassador.cap,
        }
        for ambassador, person in await repo.ambassadors()
    ]


async def figures(session: AsyncSession, clock: Clock, k: int, days: int = 30) -> dict[str, Any]:
    """The last `days`: counts, median times (suppressed under k), questions per topic."""
    now = clock.now()
    since = now - timedelta(days=days)
    numbers = await question_figures(session, since, now + timedelta(seconds=1), k)
    topics = await questions_per_topic(session, since, now + timedelta(seconds=1), k)
    still_open = len(list(await session.scalars(select(Question.id).where(Question.status.in_(OPEN)))))
    return {
        "days": days,
        "open": still_open,
        "asked": numbers.asked,
        "answered": None if numbers.suppressed else numbers.resolved,  # a hidden 0 is no zero
        "self_solved": numbers.self_solved,
        "suppressed": numbers.suppressed,
        "median_minutes_to_claim": numbers.median_minutes_to_claim,
        "median_minutes_to_answer": numbers.median_minutes_to_answer,
        "resolution_rate": numbers.resolution_rate,
        "satisfaction": numbers.satisfaction,
        "topics": [{"topic": t.name, "count": t.count} for t in topics],
    }


async def faq_queue(session: AsyncSession) -> list[FaqEntry]:
    return await FaqRepository(session).listing("proposed")
