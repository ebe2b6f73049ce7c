"""FAQ entries grow from resolved questions: proposed by the owner, approved by a coordinator."""

from __future__ import annotations

from datetime import timedelta

from bot.questions import cards
from bot.questions.limits import MESSAGE_LIMIT, QUESTION_LIMIT, within
from bot.questions.service import QuestionService
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Reply
from storage.models import FaqEntry, Person

REVIEW_AFTER = timedelta(days=90)


class FaqService(QuestionService):
    async def draft_proposal(self, question_id: int, owner: Person) -> Reply:
        """The form to propose, prefilled with the question and the last answer to anonymise."""
        question = await self.questions.get(question_id)
        if question is None or question.owner_id != owner.id or question.status != "resolved":
            raise UserFacingError("questions.not_for_you")
        last = await self.questions.last_message(question.id, "ambassador")
        return cards.propose_form(
            self.notices.translator(owner.language), question, last.body if last else ""
        )

    async def propose(self, question_id: int, owner: Person, question_text: str, answer: str) -> FaqEntry:
        question = await self.questions.get(question_id)
        if question is None or question.owner_id != owner.id:
            raise UserFacingError("questions.not_for_you")
        question_text, answer = within(question_text, QUESTION_LIMIT), within(answer, MESSAGE_LIMIT)
        entry = await self.faq.add(
            FaqEntry(
                question_id=question.id,
                language=question.language,
                topic=question.topic,
                question=question_text,
                answer=answer,
                proposed_by=owner.id,
                created_at=self.clock.now(),
            )
        )
        for coordinator in await self.questions.coordinators():
            await self.notices.person(
                coordinator,
                f"faq:{entry.id}:proposed:{coordinator.id}",
                lambda t: cards.faq_proposal(t, entry.id, entry.question, entry.answer),
            )
        return entry

    async def approve(self, entry_id: int, coordinator: Person) -> FaqEntry:
        """Publish: searchable from now, owned by the proposer, due for review in 90 days."""
        if coordinator.role != "coordinator":
            raise UserFacingError("questions.faq.coordinators_only")
        entry = await self.faq.get(entry_id)
        if entry is None or entry.status != "proposed":
            raise UserFacingError("questions.faq.not_pending")
        now = self.clock.now()
        entry.status, entry.approved_by, entry.approved_at = "approved", coordinator.id, now
        entry.owner_id = entry.owner_id or entry.proposed_by
        entry.review_at = now + REVIEW_AFTER
        await self.faq.index(entry)
        owner = await self.session.get(Person, entry.owner_id) if entry.owner_id else None
        if owner is not None:
            await self.notices.person(
                owner,
                f"faq:{entry.id}:approved",
                lambda t: Reply(text=t("questions.faq.approved", id=entry.id)),
            )
        return entry

    async def flag_stale(self) -> int:
        """Remind each owner once per review date that an entry needs a look."""
        due = await self.faq.due_for_review(self.clock.now())
        for entry in due:
            owner = await self.session.get(Person, entry.owner_id) if entry.owner_id else None
            if owner is not None and entry.review_at is not None:
                key = f"faq:{entry.id}:review:{entry.review_at.date().isoformat()}"
                await self.notices.person(
                    owner,
                    key,
                    lambda t, e=entry: Reply(text=t("questions.faq.stale", id=e.id, question=e.question)),
                )
        return len(due)
