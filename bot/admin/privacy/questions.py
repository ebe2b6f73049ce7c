"""What questions store about a person: questions they asked (and the thread), their ambassador
profile, FAQ entries they proposed or own. Erasure keeps each question as an anonymous count
(topic, department, times) so the figures stay valid; texts and links go."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.privacy.registry import PersonalData
from storage.models import Ambassador, FaqEntry, Person, Question, QuestionMessage


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def _export(session: AsyncSession, person: Person) -> dict[str, Any]:
    # The asker's own anonymous questions are theirs to see while the link to them exists (it is
    # cut at retention); no one else's export ever names the asker.
    mine = select(Question).where(Question.asker_id == person.id)
    asked = list(await session.scalars(mine.order_by(Question.id)))
    threads: dict[int, list[dict[str, Any]]] = {}
    if asked:
        rows = await session.scalars(
            select(QuestionMessage).where(QuestionMessage.question_id.in_([q.id for q in asked]))
        )
        for m in rows:
            threads.setdefault(m.question_id, []).append(
                {"from": m.sender, "text": m.body, "at": _iso(m.created_at)}
            )
    ambassador = await session.get(Ambassador, person.id)
    faq = await session.scalars(
        select(FaqEntry).where((FaqEntry.proposed_by == person.id) | (FaqEntry.owner_id == person.id))
    )
    return {
        "asked": [
            {
                "text": q.text,
                "anonymous": q.anonymous,
                "topic": q.topic,
                "status": q.status,
                "asked_at": _iso(q.created_at),
                "thread": threads.get(q.id, []),
            }
            for q in asked
        ],
        "ambassador": None
        if ambassador is None
        else {"topics": ambassador.topics, "languages": ambassador.languages, "status": ambassador.status},
        "faq_entries": [{"id": e.id, "question": e.question, "status": e.status} for e in faq],
    }


async def _erase(session: AsyncSession, person: Person) -> int:
    asked = select(Question.id).where(Question.asker_id == person.id)
    threads = await session.execute(delete(QuestionMessage).where(QuestionMessage.question_id.in_(asked)))
    texts = await session.execute(
        update(Question).where(Question.asker_id == person.id).values(text="", asker_id=None)
    )
    for column in (Question.assigned_id, Question.owner_id):
        await session.execute(update(Question).where(column == person.id).values({column.key: None}))
    for column in (FaqEntry.proposed_by, FaqEntry.owner_id, FaqEntry.approved_by):
        await session.execute(update(FaqEntry).where(column == person.id).values({column.key: None}))
    profile = await session.execute(delete(Ambassador).where(Ambassador.person_id == person.id))
    return sum(int(r.rowcount or 0) for r in (threads, texts, profile))  # type: ignore[attr-defined]


SECTIONS: tuple[PersonalData, ...] = (PersonalData("questions", _export, _erase),)


async def purge_question_texts(session: AsyncSession, cutoff: Any) -> int:
    """Retention: resolved questions older than `cutoff` lose their text and thread."""
    old = select(Question.id).where(Question.resolved_at < cutoff, Question.text != "")
    await session.execute(delete(QuestionMessage).where(QuestionMessage.question_id.in_(old)))
    result = await session.execute(
        update(Question).where(Question.resolved_at < cutoff, Question.text != "").values(text="")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
