"""Chat entry points for asking and answering; the rules live in the services."""

from __future__ import annotations

from bot.admin.audit import AuditLog, chat_principal
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
    router.command("proposals", proposals, help_key="help.command.proposals", roles=("coordinator",))
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
        "faq_edit": faq_edit,
        "faq_edited": faq_edited,
        "faq_reject": faq_reject,
        "faq_rejected": faq_rejected,
    }.items():
        router.action(f"questions.{name}", handler)


def looks_like_question(text: str, _language: str) -> bool:
    """Free text ending in a question mark, however short ("why?"): commands were tried first."""
    return text.rstrip().endswith("?") and any(c.isalpha() for c in text)


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
    """ "Solved", or "no. 2 answered it" (value `question:entry`), which keeps the wording with the entry."""
    _, _, entry = turn.event.value.partition(":")
    if entry.isdigit():
        await FaqService(turn.session, turn.app).solved_by_entry(_id(turn), turn.person, int(entry))
    else:
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


async def proposals(turn: Turn) -> Reply:
    """For a coordinator, also one appointed after the proposal was sent: the oldest waiting one."""
    waiting = await FaqService(turn.session, turn.app).faq.listing("proposed")
    if not waiting:
        return Reply(text=turn.t("questions.faq.none_waiting"))
    first = waiting[0]
    return cards.faq_proposal(turn.t, first.id, first.question, first.answer, len(waiting) - 1)


async def faq_approve(turn: Turn) -> Reply:
    entry = await FaqService(turn.session, turn.app).approve(_id(turn), turn.person)
    await _audit(turn, "faq.approve", entry.id)
    return Reply(text=turn.t("questions.faq.published", id=entry.id))


async def faq_edit(turn: Turn) -> Reply:
    service = FaqService(turn.session, turn.app)
    entry = await service.pending(_coordinator_id(turn))
    return cards.faq_edit_form(turn.t, entry.id, entry.question, entry.answer)


async def faq_edited(turn: Turn) -> Reply:
    """Edited by the coordinator, then published as edited."""
    service = FaqService(turn.session, turn.app)
    fields = turn.event.fields
    entry_id = _coordinator_id(turn)
    await service.pending(entry_id)
    await service.edit(entry_id, fields.get("question", ""), fields.get("answer", ""))
    entry = await service.approve(entry_id, turn.person)
    await _audit(turn, "faq.edit", entry.id)
    await _audit(turn, "faq.approve", entry.id)
    return Reply(text=turn.t("questions.faq.published", id=entry.id))


async def faq_reject(turn: Turn) -> Reply:
    entry_id = _coordinator_id(turn)
    await FaqService(turn.session, turn.app).pending(entry_id)
    return cards.faq_reject_form(turn.t, entry_id)


async def faq_rejected(turn: Turn) -> Reply:
    entry_id = _coordinator_id(turn)
    reason = turn.event.fields.get("reason", "")
    entry = await FaqService(turn.session, turn.app).reject(entry_id, turn.person.id, reason)
    await _audit(turn, "faq.reject", entry.id)
    return Reply(text=turn.t("questions.faq.rejected_done", id=entry.id))


def _coordinator_id(turn: Turn) -> int:
    if turn.person.role != "coordinator":
        raise UserFacingError("questions.faq.coordinators_only")
    return _id(turn)


async def _audit(turn: Turn, action: str, entry_id: int) -> None:
    await AuditLog(turn.session, turn.app.clock).record(
        chat_principal(turn.person), action, f"faq:{entry_id}"
    )
