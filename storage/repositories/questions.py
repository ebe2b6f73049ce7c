"""Queries for questions, ambassadors and FAQ entries, including full-text search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Ambassador,
    ConversationRef,
    FaqAlias,
    FaqEntry,
    Identity,
    OutboxMessage,
    Person,
    Question,
    QuestionMessage,
    WebchatMessage,
)

OPEN_STATES = ("open", "claimed", "escalated")
MIN_QUOTED = 8  # shorter thread lines ("ok", "thanks") would match unrelated transcript lines


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

    async def held_by(self, person_id: int) -> list[Question]:
        """Open questions assigned to the person and questions they claimed but did not answer."""
        rows = await self.session.execute(
            select(Question)
            .where(
                ((Question.status == "open") & (Question.assigned_id == person_id))
                | ((Question.status == "claimed") & (Question.owner_id == person_id))
            )
            .order_by(Question.id)
        )
        return list(rows.scalars())

    async def leavers_holding(self) -> list[int]:
        """Deactivated people (the identity provider or the platform says they are gone) who still
        hold questions: assigned and unclaimed, or claimed and unanswered."""
        holder = case((Question.status == "open", Question.assigned_id), else_=Question.owner_id)
        query = (
            select(holder)
            .join(Person, Person.id == holder)
            .where(Question.status.in_(("open", "claimed")), Person.active.is_(False))
            .distinct()
            .order_by(holder)
        )
        return list(await self.session.scalars(query))

    async def bodies(self, question_id: int, sender: str) -> list[str]:
        """What the asker or the ambassador wrote in the thread, oldest first."""
        return list(
            await self.session.scalars(
                select(QuestionMessage.body)
                .where(QuestionMessage.question_id == question_id, QuestionMessage.sender == sender)
                .order_by(QuestionMessage.id)
            )
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
            await self._forget_in_transcript(question)
            question.asker_id = None
        await self.session.flush()
        return len(due)

    async def _forget_in_transcript(self, question: Question) -> None:
        """The asker's web chat lines that hold the question or its thread: kept next to the
        asker, they would outlive the link that retention just cut."""
        bodies = await self.session.scalars(
            select(QuestionMessage.body).where(QuestionMessage.question_id == question.id)
        )
        texts = {t.strip() for t in (question.text, *bodies) if len(t.strip()) >= MIN_QUOTED}
        if texts:
            await self.session.execute(
                delete(WebchatMessage).where(
                    WebchatMessage.person_id == question.asker_id,
                    or_(*(WebchatMessage.text.contains(t, autoescape=True) for t in texts)),
                )
            )

    async def ambassadors(self, *, reachable: bool = False) -> list[tuple[Ambassador, Person]]:
        """Every active ambassador; with `reachable`, only those with an active account and a
        conversation Stafet can write to (routing never picks someone it cannot reach): a personal
        one, or the open demo web chat's unverified one, which the worker writes to in that mode."""
        query = (
            select(Ambassador, Person)
            .join(Person, Person.id == Ambassador.person_id)
            .where(Person.active.is_(True))
            .order_by(Person.id)
        )
        if reachable:
            query = query.where(
                exists()
                .where(ConversationRef.identity_id == Identity.id)
                .where(
                    Identity.person_id == Person.id,
                    Identity.active.is_(True),
                    ConversationRef.kind.in_(("personal", "unverified")),
                )
            )
        rows = await self.session.execute(query)
        return [(a, p) for a, p in rows.all()]

    async def ambassador(self, person_id: int) -> Ambassador | None:
        return await self.session.get(Ambassador, person_id)

    async def coordinators(self) -> list[Person]:
        return list(
            await self.session.scalars(
                select(Person).where(Person.role == "coordinator", Person.active.is_(True))
            )
        )

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

    async def approved(self) -> list[tuple[FaqEntry, list[str]]]:
        """Every approved entry with the other wordings it was asked in, for the matcher."""
        entries = list(await self.session.scalars(select(FaqEntry).where(FaqEntry.status == "approved")))
        aliases: dict[int, list[str]] = {}
        if entries:
            rows = await self.session.execute(
                select(FaqAlias.entry_id, FaqAlias.text).join(FaqEntry).where(FaqEntry.status == "approved")
            )
            for entry_id, wording in rows:
                aliases.setdefault(entry_id, []).append(wording)
        return [(entry, aliases.get(entry.id, [])) for entry in entries]

    async def add_alias(self, entry_id: int, wording: str, now: datetime) -> bool:
        """Remember `wording` for the entry unless it is known already (in any letter case)."""
        cleaned = " ".join(wording.split())[:1000]
        known = await self.session.scalars(select(FaqAlias.text).where(FaqAlias.entry_id == entry_id))
        entry = await self.get(entry_id)
        taken = {w.lower() for w in known} | ({entry.question.lower()} if entry else set())
        if not cleaned or cleaned.lower() in taken:
            return False
        self.session.add(FaqAlias(entry_id=entry_id, text=cleaned, created_at=now))
        await self.session.flush()
        return True
