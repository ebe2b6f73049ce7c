"""Queries for questions, ambassadors and FAQ entries, including full-text search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Ambassador,
    ConversationRef,
    FaqEntry,
    Identity,
    OutboxMessage,
    Person,
    Question,
    QuestionMessage,
)

OPEN_STATES = ("open", "claimed", "escalated")


class QuestionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, question_id: int, *, lock: bool = False) -> Question | None:
        """The question; `lock` holds its row until commit (two people claiming at once)."""
        return await self.session.get(Question, question_id, with_for_update=lock)

    async def add(self, question: Question) -> Question:
        self.session.add(question)
        await self.session.flush()
        return question

    async def add_message(self, question: Question, sender: str, body: str, now: datetime) -> QuestionMessage:
        message = QuestionMessage(question_id=question.id, sender=sender, body=body, created_at=now)
        self.session.add(message)
        await self.session.flush()
        return message

    async def last_message(self, question_id: int, sender: str) -> QuestionMessage | None:
        return await self.session.scalar(
            select(QuestionMessage)
            .where(QuestionMessage.question_id == question_id, QuestionMessage.sender == sender)
            .order_by(QuestionMessage.id.desc())
            .limit(1)
        )

    async def waiting(self) -> list[Question]:
        """Assigned but unclaimed questions, oldest first (what escalation looks at)."""
        return list(
            await self.session.scalars(
                select(Question).where(Question.status == "open").order_by(Question.id).with_for_update()
            )
        )

    async def load(self) -> dict[int, int]:
        """Open questions per ambassador: assigned and unclaimed, or claimed and unresolved."""
        holder = func.coalesce(Question.owner_id, Question.assigned_id)
        rows = await self.session.execute(
            select(holder, func.count())
            .where(Question.status.in_(("open", "claimed")), holder.is_not(None))
            .group_by(holder)
        )
        return {person_id: count for person_id, count in rows.all()}

    async def erase_askers(self, now: datetime) -> int:
        """Cut the link to the asker once resolution plus retention has passed.

        The messages the bot sent the asker about the question go too: their outbox rows
        (person + question id in the key) would otherwise keep the link.
        """
        due = list(
            await self.session.scalars(
                select(Question).where(Question.erase_after <= now, Question.asker_id.is_not(None))
            )
        )
        for question in due:
            await self.session.execute(
                delete(OutboxMessage).where(
                    OutboxMessage.person_id == question.asker_id,
                    OutboxMessage.key.like(f"questions:{question.id}:%"),
                )
            )
            question.asker_id = None
        await self.session.flush()
        return len(due)

    async def ambassadors(self, *, reachable: bool = False) -> list[tuple[Ambassador, Person]]:
        """Every ambassador; with `reachable`, only those with an active account and a personal
        conversation Stafet can write to (routing never picks someone it cannot reach)."""
        query = select(Ambassador, Person).join(Person, Person.id == Ambassador.person_id).order_by(Person.id)
        if reachable:
            query = query.where(
                exists()
                .where(ConversationRef.identity_id == Identity.id)
                .where(
                    Identity.person_id == Person.id,
                    Identity.active.is_(True),
                    ConversationRef.kind == "personal",
                )
            )
        rows = await self.session.execute(query)
        return [(a, p) for a, p in rows.all()]

    async def ambassador(self, person_id: int) -> Ambassador | None:
        return await self.session.get(Ambassador, person_id)

    async def coordinators(self) -> list[Person]:
        return list(await self.session.scalars(select(Person).where(Person.role == "coordinator")))

    async def group(self) -> ConversationRef | None:
        return await self.session.scalar(
            select(ConversationRef).where(ConversationRef.kind == "ambassadors").limit(1)
        )


class FaqRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, entry_id: int) -> FaqEntry | None:
        return await self.session.get(FaqEntry, entry_id)

    async def add(self, entry: FaqEntry) -> FaqEntry:
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def listing(self, status: str | None = None) -> list[FaqEntry]:
        query = select(FaqEntry).order_by(FaqEntry.id)
        if status:
            query = query.where(FaqEntry.status == status)
        return list(await self.session.scalars(query))

    async def due_for_review(self, now: datetime) -> list[FaqEntry]:
        return list(
            await self.session.scalars(
                select(FaqEntry).where(FaqEntry.status == "approved", FaqEntry.review_at <= now)
            )
        )

    async def index(self, entry: FaqEntry) -> None:
        """Make an approved entry searchable (PostgreSQL indexes the table itself)."""
        if self.session.bind.dialect.name == "sqlite":
            await self.session.execute(
                text("INSERT INTO faq_fts(rowid, question, answer) VALUES (:id, :q, :a)"),
                {"id": entry.id, "q": entry.question, "a": entry.answer},
            )

    async def search(self, words: list[str], limit: int) -> list[FaqEntry]:
        """Approved entries matching any of `words` as a prefix, best first."""
        if not words:
            return []
        if self.session.bind.dialect.name == "sqlite":
            query = " OR ".join(f'"{w}"*' for w in words)
            ids = (
                await self.session.execute(
                    text("SELECT rowid FROM faq_fts WHERE faq_fts MATCH :q ORDER BY bm25(faq_fts) LIMIT :n"),
                    {"q": query, "n": limit * 3},
                )
            ).scalars()
        else:
            query = " | ".join(f"{w}:*" for w in words)
            vector = "to_tsvector('simple', question || ' ' || answer)"
            ids = (
                await self.session.execute(
                    text(
                        f"SELECT id FROM faq_entries WHERE status = 'approved' AND {vector} "
                        f"@@ to_tsquery('simple', :q) ORDER BY ts_rank({vector}, to_tsquery('simple', :q)) "
                        "DESC, id LIMIT :n"
                    ),
                    {"q": query, "n": limit * 3},
                )
            ).scalars()
        order = list(ids)
        found = await self.session.scalars(
            select(FaqEntry).where(FaqEntry.id.in_(order), FaqEntry.status == "approved")
        )
        by_id = {e.id: e for e in found}
        return [by_id[i] for i in order if i in by_id][:limit]
