"""Chat entry points for asking and answering; the rules live in the services."""

from __future__ import annotations

from bot.delivery.compose import Composer
from bot.home import HomeSection
from bot.questions import cards, home
from bot.questions.availability import choose_availability, set_availability
from bot.questions.faq import FaqService
from bot.questions.jobs import JOBS as QUESTION_JOBS
from bot.questions.limits import QUESTION_LIMIT
from bot.questions.service import QuestionService
from bot.questions.thread import ThreadService
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Field, Form, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from bot.scheduler import RecurringJob

HOME: list[HomeSection] = [home.section]
JOBS: list[RecurringJob] = list(QUESTION_JOBS)
COMPOSERS: dict[str, Composer] = {}
YES = {"true", "on", "yes", "1", "checked"}


def register(router: Router) -> None:
    router.command("ask", ask, help_key="help.command.ask", menu=True)
    router.command("availability", choose_availability, help_key="help.command.availability")
    router.intent("question", looks_like_question, ask)
    router.action("questions.availability", set_availability)
    for name, handler in {
        "draft": draft,
        "self_solved": self_solved,
        "person": to_person,
        "submit": submit,
        "claim": claim,
        "pass": pass_on,
        "not_my_topic": not_my_topic,
        "answer": answer,
        "reply": reply,
        "resolve": resolve,
        "rate": rate,
        "propose": propose,
        "propose_submit": propose_submit,
        "faq_approve": faq_approve,
    }.items():
        router.action(f"questions.{name}", handler)


def looks_like_question(text: str, _language: str) -> bool:
    """Free text of a few words ending in a question mark."""
    return text.rstrip().endswith("?") and len(text.split()) >= 3


def _id(turn: Turn) -> int:
    value = turn.event.value.split(":")[0]
    if not value.isdigit():
        raise UserFacingError("questions.not_yours")
    return int(value)


async def ask(turn: Turn) -> Reply:
    if turn.args:
        return await _draft(turn, turn.args)
    field = Field("text", turn.t("questions.ask.label"), "textarea", required=True, max_length=QUESTION_LIMIT)
    form = Form("questions.draft", turn.t("questions.ask.title"), (field,), turn.t("questions.form.next"))
    return Reply(text=turn.t("questions.ask.prompt"), form=form)


async def draft(turn: Turn) -> Reply:
    return await _draft(turn, turn.event.fields.get("text", ""))


async def _draft(turn: Turn, text: str) -> Reply:
    question, hits = await QuestionService(turn.session, turn.app).draft(turn.person, text, turn.language)
    return cards.self_help(turn.t, question, hits) if hits else cards.details_form(turn.t, question)


async def self_solved(turn: Turn) -> Reply:
    await QuestionService(turn.session, turn.app).solved_by_self_help(_id(turn), turn.person)
    return Reply(text=turn.t("questions.selfhelp.glad"))


async def to_person(turn: Turn) -> Reply:
    question = await QuestionService(turn.session, turn.app).mine(_id(turn), turn.person, "draft")
    return cards.details_form(turn.t, question)


async def submit(turn: Turn) -> Reply:
    fields = turn.event.fields
    topic = fields.get("tag", "").strip() or fields.get("topic", "")
    anonymous = fields.get("anonymous", "").strip().lower() in YES
    question = await QuestionService(turn.session, turn.app).submit(_id(turn), turn.person, topic, anonymous)
    key = "questions.sent.escalated" if question.status == "escalated" else "questions.sent.assigned"
    marker = turn.t("questions.sent.anonymous" if anonymous else "questions.sent.named")
    return Reply(text=f"{turn.t(key, id=question.id)} {marker}")


async def claim(turn: Turn) -> Reply:
    question = await QuestionService(turn.session, turn.app).claim(_id(turn), turn.person)
    return Reply(
        text=turn.t("questions.claimed", id=question.id),
        form=cards.write_form(turn.t, question, "questions.answer"),
    )


async def pass_on(turn: Turn) -> Reply:
    await QuestionService(turn.session, turn.app).decline(_id(turn), turn.person, "passed")
    return Reply(text=turn.t("questions.passed"))


async def not_my_topic(turn: Turn) -> Reply:
    await QuestionService(turn.session, turn.app).decline(_id(turn), turn.person, "not my topic")
    return Reply(text=turn.t("questions.passed"))


async def answer(turn: Turn) -> Reply:
    await ThreadService(turn.session, turn.app).answer(
        _id(turn), turn.person, turn.event.fields.get("text", "")
    )
    return Reply(text=turn.t("questions.thread.relayed"))


async def reply(turn: Turn) -> Reply:
    await ThreadService(turn.session, turn.app).reply(
        _id(turn), turn.person, turn.event.fields.get("text", "")
    )
    return Reply(text=turn.t("questions.thread.relayed"))


async def resolve(turn: Turn) -> Reply:
    question = await ThreadService(turn.session, turn.app).resolve(_id(turn), turn.person)
    return cards.rating(turn.t, question)


async def rate(turn: Turn) -> Reply:
    helpful = turn.event.value.endswith(":yes")
    await ThreadService(turn.session, turn.app).rate(_id(turn), turn.person, helpful)
    return Reply(text=turn.t("questions.rate.thanks"))


async def propose(turn: Turn) -> Reply:
    return await FaqService(turn.session, turn.app).draft_proposal(_id(turn), turn.person)


async def propose_submit(turn: Turn) -> Reply:
    fields = turn.event.fields
    service = FaqService(turn.session, turn.app)
    await service.propose(_id(turn), turn.person, fields.get("question", ""), fields.get("answer", ""))
    return Reply(text=turn.t("questions.faq.sent"))


async def faq_approve(turn: Turn) -> Reply:
    entry = await FaqService(turn.session, turn.app).approve(_id(turn), turn.person)
    return Reply(text=turn.t("questions.faq.published", id=entry.id))
