"""The masked two-way thread: answers and replies relayed by the bot, then resolution and rating."""

from __future__ import annotations

from bot.questions import cards
from bot.questions.limits import MESSAGE_LIMIT, within
from bot.questions.service import QuestionService
from bot.runtime.errors import UserFacingError
from storage.models import Person, Question


class ThreadService(QuestionService):
    async def owned(self, question_id: int, owner: Person) -> Question:
        question = await self.questions.get(question_id)
        if question is None or question.owner_id != owner.id or question.status != "claimed":
            raise UserFacingError("questions.not_for_you")
        return question

    async def answer(self, question_id: int, owner: Person, body: str) -> None:
        """The owner writes; the asker receives it from the bot, never the owner's address."""
        question = await self.owned(question_id, owner)
        body = within(body, MESSAGE_LIMIT)
        message = await self.questions.add_message(question, "ambassador", body, self.clock.now())
        question.answered_at = question.answered_at or message.created_at
        asker = await self.session.get(Person, question.asker_id) if question.asker_id else None
        if asker is None:
            raise UserFacingError("questions.asker_gone")
        key = f"questions:{question.id}:message:{message.id}"
        await self.notices.person(asker, key, lambda t: cards.to_asker(t, question, message.body))

    async def reply(self, question_id: int, asker: Person, body: str) -> None:
        """The asker writes back; the owner sees only the anonymity marker (or the name)."""
        question = await self.mine(question_id, asker, "claimed")
        body = within(body, MESSAGE_LIMIT)
        message = await self.questions.add_message(question, "asker", body, self.clock.now())
        owner = await self.session.get(Person, question.owner_id) if question.owner_id else None
        assert owner is not None
        who = await self.who(question)
        key = f"questions:{question.id}:message:{message.id}"
        await self.notices.person(owner, key, lambda t: cards.to_owner(t, question, who(t), message.body))

    async def resolve(self, question_id: int, asker: Person) -> Question:
        question = await self.mine(question_id, asker, "claimed", "open", "escalated")
        self._close(question, "resolved")
        self._record(question, "resolved", question.owner_id, [], 0)
        owner = await self.session.get(Person, question.owner_id) if question.owner_id else None
        if owner is not None:
            await self.notices.person(
                owner, f"questions:{question.id}:resolved", lambda t: cards.resolved_owner(t, question)
            )
        return question

    async def rate(self, question_id: int, asker: Person, helpful: bool) -> None:
        question = await self.mine(question_id, asker, "resolved")
        question.helpful = helpful
