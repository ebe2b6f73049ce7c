"""FAQ entries grow from resolved questions: proposed by the owner, approved (or edited, or
rejected) by a coordinator, retired when no longer true; each asking that an entry answered
is kept as an alias, so the next colleague who asks that way finds it."""

from __future__ import annotations

from datetime import timedelta

from bot.questions import cards
from bot.questions.limits import MESSAGE_LIMIT, QUESTION_LIMIT, within
from bot.questions.service import QuestionService
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Reply
from bot.runtime.usertext import said
from storage.models import FaqEntry, Person

REVIEW_AFTER = timedelta(days=90)


class FaqService(QuestionService):
    async def draft_proposal(self, question_id: int, owner: Person) -> Reply:
        """The form to propose, prefilled with the question and the answer the asker got."""
        question = await self.questions.get(question_id)
        if question is None or question.owner_id != owner.id or question.status != "resolved":
            raise UserFacingError("questions.not_for_you")
        answer = "\n\n".join(await self.questions.bodies(question.id, "ambassador"))
        return cards.propose_form(self.notices.translator(owner.language), question, answer)

    async def propose(self, question_id: int, owner: Person, question_text: str, answer: str) -> FaqEntry:
        question = await self.questions.get(question_id)
        if question is None or question.owner_id != owner.id:
            raise UserFacingError("questions.not_for_you")
        asked, answered = _checked(question_text, answer)
        entry = await self.faq.add(
            FaqEntry(
                question_id=question.id,
                language=question.language,
                topic=question.topic,
                question=asked,
                answer=answered,
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
        """In chat or on the command line: only a coordinator may."""
        return await self.publish(entry_id, _coordinator(coordinator).id)

    async def publish(self, entry_id: int, approver_id: int | None) -> FaqEntry:
        """Searchable from now, owned by the proposer, due for review in 90 days; the proposer
        hears of it, and the question it grew from becomes its first alias."""
        entry = await self.pending(entry_id)
        now = self.clock.now()
        entry.status, entry.approved_by, entry.approved_at = "approved", approver_id, now
        entry.owner_id = entry.owner_id or entry.proposed_by
        entry.review_at = now + REVIEW_AFTER
        question = await self.questions.get(entry.question_id) if entry.question_id else None
        if question is not None and question.text:
            await self.faq.add_alias(entry.id, question.text, now)
        await self._tell(entry.owner_id, f"faq:{entry.id}:approved", "questions.faq.approved", entry)
        return entry

    async def reject(self, entry_id: int, approver_id: int | None, reason: str) -> FaqEntry:
        """Not published; the proposer is told why, in the coordinator's words."""
        entry = await self.pending(entry_id)
        entry.status, entry.approved_by = "rejected", approver_id
        why = " ".join(reason.split())[:500]
        await self._tell(entry.proposed_by, f"faq:{entry.id}:rejected", "questions.faq.rejected", entry, why)
        return entry

    async def edit(self, entry_id: int, question_text: str, answer: str) -> FaqEntry:
        """A proposed or published entry's wording; a published one stays searchable."""
        entry = await self.faq.get(entry_id)
        if entry is None or entry.status not in ("proposed", "approved"):
            raise UserFacingError("questions.faq.unknown", id=entry_id)
        entry.question, entry.answer = _checked(question_text, answer)
        return entry

    async def retire(self, entry_id: int) -> FaqEntry:
        """No longer offered to anyone asking; kept for the record."""
        entry = await self.faq.get(entry_id)
        if entry is None or entry.status != "approved":
            raise UserFacingError("questions.faq.not_published", id=entry_id)
        entry.status = "retired"
        return entry

    async def solved_by_entry(self, question_id: int, asker: Person, entry_id: int) -> None:
        """The asker took an entry as their answer: their wording is kept with it, not who they are."""
        question = await self.mine(question_id, asker, "draft")
        entry = await self.faq.get(entry_id)
        if entry is not None and entry.status == "approved":
            await self.faq.add_alias(entry.id, question.text, self.clock.now())
        self._close(question, "self_solved")

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
                    lambda t, e=entry: Reply(
                        text=t("questions.faq.stale", id=e.id, question=said(e.question))
                    ),
                )
        return len(due)

    async def pending(self, entry_id: int) -> FaqEntry:
        """A proposal still waiting; otherwise why not, in words (unknown, approved, rejected...)."""
        entry = await self.faq.get(entry_id)
        if entry is None:
            raise UserFacingError("questions.faq.unknown", id=entry_id)
        if entry.status != "proposed":
            raise UserFacingError(f"questions.faq.already_{entry.status}", id=entry_id)
        return entry

    async def _tell(self, person_id: int | None, key: str, text: str, entry: FaqEntry, why: str = "") -> None:
        person = await self.session.get(Person, person_id) if person_id else None
        if person is not None:
            await self.notices.person(
                person,
                key,
                lambda t: Reply(text=t(text, id=entry.id, question=said(entry.question), why=said(why))),
            )


def _coordinator(person: Person) -> Person:
    if person.role != "coordinator":
        raise UserFacingError("questions.faq.coordinators_only")
    return person


def _checked(question_text: str, answer: str) -> tuple[str, str]:
    return within(question_text, QUESTION_LIMIT), within(answer, MESSAGE_LIMIT)
