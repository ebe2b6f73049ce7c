"""Escalation counts the ambassador's working time: hours, time zone, weekends and holidays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from sqlalchemy import select

from bot.clock import FixedClock
from bot.questions import jobs
from bot.questions.hours import working_seconds
from bot.questions.service import QuestionService
from storage.models import Ambassador, OutboxMessage, Person, Question
from tests.questions_support import ambassador, person
from tests.support.scim import entra_user, patch, provisioning_client

CPH = ZoneInfo("Europe/Copenhagen")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CPH)


async def _state(app: FastAPI) -> tuple[Question, list[OutboxMessage]]:
    async with app.state.context.db.unit_of_work() as session:
        question = (await session.scalars(select(Question))).one()
        outbox = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        return question, outbox


async def test_unclaimed_question_moves_on_after_four_working_hours_and_a_weekend(
    app: FastAPI, clock: FixedClock
) -> None:
    context = app.state.context
    clock.set(at(27, 14))  # Friday afternoon
    async with context.db.unit_of_work() as session:
        a = await ambassador(session, "a@example.org", clock.now())
        b = await ambassador(session, "b@example.org", clock.now())
        coordinator = await person(session, "coord@example.org", clock.now(), role="coordinator")
        asker = await person(session, "asker@example.org", clock.now())
        service = QuestionService(session, context)
        question, _hits = await service.draft(asker, "How do I use a password manager?", "en")
        await service.submit(question.id, asker, "security", anonymous=True)
        assert question.assigned_id == a.person_id

    for moment in (at(27, 15, 59), at(30, 9, 59)):  # 2 h on Friday + 1 h 59 on Monday
        clock.set(moment)
        await jobs.escalate(context)
        question, _ = await _state(app)
        assert (question.status, question.assigned_id) == ("open", a.person_id)

    clock.set(at(30, 10))  # four working hours, the weekend not counted
    await jobs.escalate(context)
    question, outbox = await _state(app)
    assert (question.status, question.assigned_id, question.passed_by) == ("open", b.person_id, [a.person_id])
    assert question.routing[-1]["event"] == "unclaimed for 4 working hours"
    asker_messages = [m for m in outbox if m.person_id == asker.id]
    assert "passed it to another one" in asker_messages[-1].reply["text"]

    clock.set(at(30, 13, 59))
    await jobs.escalate(context)
    assert (await _state(app))[0].status == "open"
    clock.set(at(30, 14))  # one working day since it was asked: the whole team and the coordinator
    await jobs.escalate(context)
    question, outbox = await _state(app)
    assert question.status == "escalated" and question.assigned_id is None
    escalated = {m.person_id for m in outbox if m.key.startswith(f"questions:{question.id}:escalated:")}
    assert escalated == {a.person_id, b.person_id, coordinator.id}
    told = [m.reply["text"] for m in outbox if m.person_id == asker.id]
    assert "asked the whole ambassador team" in told[-1]
    await jobs.escalate(context)  # ticking again sends nothing twice
    assert len((await _state(app))[1]) == len(outbox)


async def test_group_conversation_gets_escalations_when_configured(app: FastAPI, clock: FixedClock) -> None:
    from bot.questions.registry import set_group

    context = app.state.context
    async with context.db.unit_of_work() as session:
        ref = await set_group(session, "slack", "T1", "C-ambassadors", clock.now())
        asker = await person(session, "asker@example.org", clock.now())
        service = QuestionService(session, context)
        question, _ = await service.draft(asker, "Who can help with Teams?", "en")
        await service.submit(question.id, asker, "collaboration", anonymous=False)
    question, outbox = await _state(app)
    assert question.status == "escalated"
    assert [m.conversation_ref_id for m in outbox if m.person_id is None] == [ref.id]


def test_working_time_skips_danish_and_norwegian_holidays() -> None:
    copenhagen = Ambassador(timezone="Europe/Copenhagen", work_start="08:00", work_end="16:00")
    oslo = Ambassador(timezone="Europe/Oslo", work_start="09:00", work_end="17:00")
    christmas = working_seconds(copenhagen, at(25, 0, month=12), at(28, 0, month=12))
    assert christmas == 0  # Christmas Day, Boxing Day, then a weekend
    may_17 = datetime(2027, 5, 17, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    assert working_seconds(oslo, may_17, may_17.replace(hour=23)) == 0
    monday = datetime(2027, 5, 10, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    assert working_seconds(oslo, monday, monday.replace(hour=23)) == 8 * 3600


async def test_what_a_deactivated_ambassador_held_moves_on_within_the_minute(
    app: FastAPI, clock: FixedClock, server: str
) -> None:
    """An ambassador leaves and the identity provider deactivates them: the question assigned to
    them and the one they claimed but never answered go to another ambassador at the next tick,
    not after four working hours (or never, for the claimed one)."""
    context = app.state.context
    clock.set(at(30, 10))  # Monday morning
    async with context.db.unit_of_work() as session:
        a = await ambassador(session, "a@example.org", clock.now())
        asker = await person(session, "asker@example.org", clock.now())
        service = QuestionService(session, context)
        for text in ("How do I share a calendar?", "Where is the guide to the VPN?"):
            question, _hits = await service.draft(asker, text, "en")
            await service.submit(question.id, asker, "security", anonymous=True)
            assert question.assigned_id == a.person_id
        leaver = await session.get(Person, a.person_id)
        assert leaver is not None
        await service.claim(question.id, leaver)  # the second: claimed, never answered
        b = await ambassador(session, "b@example.org", clock.now())
    async with await provisioning_client(app, server) as scim:
        created = await scim.post("/Users", json=entra_user("a@corp.example", "a@example.org"))
        off = patch({"op": "replace", "value": {"active": False}})
        assert (await scim.patch(f"/Users/{created.json()['id']}", json=off)).json()["active"] is False

    clock.advance(minutes=1)
    await jobs.escalate(context)
    async with context.db.unit_of_work() as session:
        questions = list(await session.scalars(select(Question).order_by(Question.id)))
        outbox = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(q.status, q.assigned_id, q.owner_id) for q in questions] == [("open", b.person_id, None)] * 2
    assert {q.routing[-1]["event"] for q in questions} == {"ambassador deactivated"}
    cards = {m.key for m in outbox if m.person_id == b.person_id}
    assert cards == {f"questions:{q.id}:card:{len(q.routing)}" for q in questions}
    told = [m.reply["text"] for m in outbox if m.person_id == asker.id]
    assert sum("passed it to another one" in text for text in told) == 2
    await jobs.escalate(context)  # ticking again moves nothing twice
    async with context.db.unit_of_work() as session:
        assert len(list(await session.scalars(select(OutboxMessage)))) == len(outbox)
