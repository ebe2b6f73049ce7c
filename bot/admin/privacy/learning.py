"""What learning stores about a person. Erasure drops plans and private reflections; answers (quiz
and "used it at work") and completions stay with the anonymous person row so completion, accuracy,
coverage and the adoption funnel stay valid."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.privacy.registry import PersonalData
from storage.models import Enrolment, LearningItem, LearningSend, Person, QuizAnswer, TransferCheck


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def _export(session: AsyncSession, person: Person) -> dict[str, Any]:
    def rows(model: Any) -> Any:
        return session.scalars(select(model).where(model.person_id == person.id).order_by(model.id))

    return {
        "enrolments": [
            {"track": e.track_id, "status": e.status, "updated_at": _iso(e.updated_at)}
            for e in await rows(Enrolment)
        ],
        "lessons": [
            {
                "lesson": i.lesson_id,
                "track": i.track_id,
                "first_sent_at": _iso(i.first_sent_at),
                "completed_at": _iso(i.completed_at),
                "next_review_at": _iso(i.due_at),
                "correct_count": i.correct_count,
                "reflection": i.reflection,
            }
            for i in await rows(LearningItem)
        ],
        "answers": [
            {
                "lesson": a.lesson_id,
                "answered_at": _iso(a.answered_at),
                "correct": a.correct,
                "confidence": a.confidence,  # sure, unsure or guessed, when the person said
                "review": a.review,
                "variant": a.variant,
            }
            for a in await rows(QuizAnswer)
        ],
        "sends": [
            {"lesson": s.lesson_id, "kind": s.kind, "sent_at": _iso(s.sent_at)}
            for s in await rows(LearningSend)
        ],
        "used_at_work": [
            {
                "track": t.track_id,
                "asked_at": _iso(t.due_at),
                "answer": t.answer,
                "answered_at": _iso(t.answered_at),
            }
            for t in await rows(TransferCheck)
        ],
    }


async def _erase(session: AsyncSession, person: Person) -> int:
    plans = await session.execute(delete(Enrolment).where(Enrolment.person_id == person.id))
    words = await session.execute(
        update(LearningItem)
        .where(LearningItem.person_id == person.id, LearningItem.reflection.is_not(None))
        .values(reflection=None, due_at=None)
    )
    return int(plans.rowcount or 0) + int(words.rowcount or 0)  # type: ignore[attr-defined]


SECTIONS: tuple[PersonalData, ...] = (PersonalData("learning", _export, _erase),)


async def purge_reflections(session: AsyncSession, cutoff: Any) -> int:
    """Retention: reflections written for lessons completed before `cutoff` are dropped."""
    result = await session.execute(
        update(LearningItem)
        .where(LearningItem.reflection.is_not(None), LearningItem.completed_at < cutoff)
        .values(reflection=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
