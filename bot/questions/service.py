"""Asking, routing, claiming, passing and escalating: the rules of a question's first hours."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.questions import cards
from bot.questions.limits import QUESTION_LIMIT, TAG_LIMIT, within
from bot.questions.notices import Notices, Translate
from bot.questions.routing import Need, available, choose
from bot.questions.search import Hit, glossary, self_help, synonyms
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Reply
from bot.runtime.usertext import said
from storage.models import Person, Question
from storage.repositories.questions import FaqRepository, QuestionRepository

log = logging.getLogger(__name__)
DEFAULT_TOPIC = "basic_skills"
MAX_PASSES = 3


class QuestionService:
    def __init__(self, session: AsyncSession, app: AppContext) -> None:
        self.session = session
        self.app = app
        self.clock = app.clock
        self.questions = QuestionRepository(session)
        self.faq = FaqRepository(session)
        self.notices = Notices(session, app)

    async def draft(self, asker: Person, text: str, language: str) -> tuple[Question, list[Hit]]:
        """Record the question and find self-help; the topic suggested is the best FAQ hit's."""
        text = within(text, QUESTION_LIMIT)
        content_dir = self.app.settings.content_dir
        hits = await self_help(self.faq, glossary(content_dir), synonyms(content_dir), text, language)
        topic = next((hit.topic for hit in hits if hit.topic), DEFAULT_TOPIC)
        question = Question(
            asker_id=asker.id, language=language, topic=topic, text=text, created_at=self.clock.now()
        )
        await self.questions.add(question)
        return question, hits

    async def mine(self, question_id: int, asker: Person, *states: str) -> Question:
        question = await self.questions.get(question_id)
        if question is None or question.asker_id != asker.id or (states and question.status not in states):
            raise UserFacingError("questions.not_yours")
        return question

    async def solved_by_self_help(self, question_id: int, asker: Person) -> None:
        question = await self.mine(question_id, asker, "draft")
        self._close(question, "self_solved")

    def _close(self, question: Question, status: str) -> None:
        now = self.clock.now()
        question.status, question.resolved_at = status, now
        question.erase_after = now + timedelta(days=self.app.settings.question_retention_days)

    async def submit(self, question_id: int, asker: Person, topic: str, anonymous: bool) -> Question:
        """The asker chose topic and anonymity: the question goes to a person."""
        question = await self.mine(question_id, asker, "draft")
        question.topic = topic.strip().lower()[:TAG_LIMIT] or question.topic
        question.anonymous = anonymous
        question.asker_department = asker.department
        question.status, question.routed_at = "open", self.clock.now()
        await self.route(question, "asked")
        return question

    async def route(self, question: Question, event: str) -> None:
        """Assign to the best eligible ambassador, or escalate when there is none."""
        need = Need(
            topic=question.topic,
            language=question.language,
            asker_id=question.asker_id,
            asker_department=question.asker_department,
            passed_by=tuple(question.passed_by),
            preference=self.app.settings.question_department_preference,
        )
        now = self.clock.now()
        pool = await self.questions.ambassadors(reachable=True)
        decision = choose(need, pool, await self.questions.load(), now)
        self._record(question, event, decision.ambassador_id, list(decision.reasons), decision.candidates)
        if decision.ambassador_id is None:
            await self.escalate(question, "no eligible ambassador")
            return
        ambassador = await self.questions.ambassador(decision.ambassador_id)
        assert ambassador is not None
        ambassador.last_assigned_at = now
        question.assigned_id, question.assigned_at = decision.ambassador_id, now
        log.info("question %s assigned (%s)", question.id, event)
        person = await self.session.get(Person, decision.ambassador_id)
        assert person is not None
        step, who = len(question.routing), await self.who(question)
        await self.notices.person(
            person, f"questions:{question.id}:card:{step}", lambda t: cards.card(t, question, who(t))
        )

    def _record(
        self, question: Question, event: str, ambassador_id: int | None, reasons: list[str], n: int
    ) -> None:
        entry = {"at": self.clock.now().isoformat(), "event": event, "ambassador_id": ambassador_id}
        question.routing = [*question.routing, {**entry, "reasons": reasons, "candidates": n}]

    async def who(self, question: Question) -> Callable[[Translate], str]:
        """How others see the asker: a name (as they typed it) only when they chose not to be anonymous."""
        asker = None
        if not question.anonymous and question.asker_id is not None:
            asker = await self.session.get(Person, question.asker_id)
        name = asker.display_name if asker is not None else ""
        return lambda t: said(name) if name else t("questions.anonymous")

    async def escalate(self, question: Question, why: str) -> None:
        """To the ambassadors' group (or every available ambassador) and the coordinators."""
        question.status, question.escalated_at, question.assigned_id = "escalated", self.clock.now(), None
        self._record(question, "escalated", None, [why], 0)
        log.info("question %s escalated: %s", question.id, why)
        key, who = f"questions:{question.id}:escalated", await self.who(question)
        recipients = {p.id: p for p in await self.questions.coordinators()}
        group = await self.questions.group()
        if group is not None:
            await self.notices.group(group, key, lambda t: cards.card(t, question, who(t), group=True))
        else:
            now = self.clock.now()
            for ambassador, person in await self.questions.ambassadors(reachable=True):
                if available(ambassador, now):
                    recipients[person.id] = person
        recipients.pop(question.asker_id or 0, None)
        for person in recipients.values():
            await self.notices.person(
                person, f"{key}:{person.id}", lambda t: cards.card(t, question, who(t), group=True)
            )
        await self.tell_asker(question, "questions.asker.escalated", "escalated")

    async def tell_asker(self, question: Question, key: str, tag: str) -> None:
        asker = await self.session.get(Person, question.asker_id) if question.asker_id else None
        if asker is not None:
            step = len(question.routing)
            await self.notices.person(
                asker, f"questions:{question.id}:asker:{tag}:{step}", lambda t: _text(t, key)
            )

    async def claim(self, question_id: int, person: Person) -> Question:
        question = await self.questions.get(question_id, lock=True)
        if question is None or question.status not in ("open", "escalated"):
            raise UserFacingError("questions.already_claimed")
        may = question.assigned_id == person.id if question.status == "open" else self._helper(person)
        if not may or person.id == question.asker_id:
            raise UserFacingError("questions.not_for_you")
        question.status, question.owner_id, question.claimed_at = "claimed", person.id, self.clock.now()
        self._record(question, "claimed", person.id, [], 0)
        asker = await self.session.get(Person, question.asker_id) if question.asker_id else None
        if asker is not None:
            name = person.display_name or "?"
            await self.notices.person(
                asker,
                f"questions:{question.id}:claimed",
                lambda t: _text(t, "questions.asker.claimed", name=said(name)),
            )
        return question

    def _helper(self, person: Person) -> bool:
        return person.is_ambassador or person.role == "coordinator"

    async def decline(self, question_id: int, person: Person, event: str) -> None:
        """Pass or not-my-topic: the next ambassador, or the group after three passes."""
        question = await self.questions.get(question_id)
        if question is None or question.status != "open" or question.assigned_id != person.id:
            raise UserFacingError("questions.not_for_you")
        await self.move_on(question, event)

    async def hand_back(self, person_id: int, event: str) -> int:
        """Every question the person held (assigned, or claimed and unanswered) moves on to
        another ambassador; returns how many."""
        held = await self.questions.held_by(person_id)
        for question in held:
            question.status, question.owner_id, question.assigned_id = "open", None, person_id
            await self.move_on(question, event)
        return len(held)

    async def move_on(self, question: Question, event: str) -> None:
        question.passed_by = [*question.passed_by, question.assigned_id or 0]
        self._record(question, event, question.assigned_id, [], 0)
        question.assigned_id = None
        if len(question.passed_by) >= MAX_PASSES:
            await self.escalate(question, f"{MAX_PASSES} passes")
            return
        await self.route(question, event)
        if question.status == "open":
            await self.tell_asker(question, "questions.asker.moved", "moved")


def _text(t: Translate, key: str, **params: object) -> Reply:
    return Reply(text=t(key, **params))
