"""The transfer question through the web chat: a week after a track's last lesson, once only,
on SQLite and PostgreSQL, with two replicas running the job at the same moment."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.app import create_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.outbox import Outbox
from bot.learning.transfer import queue_transfer_questions
from storage.models import OutboxMessage, TransferCheck

CPH = ZoneInfo("Europe/Copenhagen")
BASICS = ("b-mfa", "b-data", "b-adv")
ASK = "A week ago you finished Basics. Have you used what you learned in Basics in your work?"
CHOICES = ["Yes, several times", "Yes, once", "Not yet", "Not relevant to my work"]


def right_answer(app: FastAPI, lesson_id: str) -> str:
    quiz = app.state.context.content.lesson(lesson_id, "en").quiz
    return ",".join(f"{lesson_id}:{i}" for i in quiz.correct)


async def finish_basics(app: FastAPI, person) -> None:  # type: ignore[no-untyped-def]
    """Answer each lesson's quiz right through the web chat, as the buttons would."""
    for lesson_id in BASICS:
        replies = await person.click("learning.answer", right_answer(app, lesson_id))
        assert replies[0]["text"].startswith("Right!")


async def transfer_rows(app: FastAPI) -> int:
    async with app.state.context.db.unit_of_work() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == "learning.transfer")
            )
            or 0
        )


async def test_the_question_arrives_a_week_after_the_last_lesson_and_only_once(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, clock: FixedClock, settings: Settings
) -> None:
    anna = chat("anna@example.org", "Anna")
    await anna.say("hi")
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=CPH))  # Monday
    await finish_basics(app, anna)
    await anna.new_messages()
    context = app.state.context

    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=CPH))  # six days on: queued for its hour, not sent
    await queue_transfer_questions(context)
    assert await deliver() == 0 and await anna.new_messages() == []

    clock.set(datetime(2026, 11, 30, 9, 59, tzinfo=CPH))  # a minute short of a week
    assert await deliver() == 0

    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=CPH))
    other = create_app(settings, clock=clock, background=False)  # a second replica, same database
    await asyncio.gather(queue_transfer_questions(context), queue_transfer_questions(other.state.context))
    assert await deliver() == 1
    [asked] = await anna.new_messages()
    assert asked["text"] == ASK
    assert [b["label"] for b in asked["buttons"]] == CHOICES

    clock.advance(days=3)  # later runs, on both replicas, after a restart: never again
    await queue_transfer_questions(context)
    await queue_transfer_questions(other.state.context)
    assert await deliver() == 0 and await transfer_rows(app) == 1
    await other.state.context.db.dispose()

    [thanks] = await anna.press("Yes, once")
    assert thanks["text"].startswith("Thank you. HR only ever sees answers counted together")
    [again] = await anna.click("learning.transfer", "basics:not_yet")  # an old button, pressed again
    assert again["text"] == "You have already answered that question."
    async with context.db.unit_of_work() as session:
        row = await session.scalar(select(TransferCheck))
        assert row is not None and (row.track_id, row.answer) == ("basics", "once")


async def test_nobody_who_is_still_in_the_track_is_asked(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, clock: FixedClock
) -> None:
    bo = chat("bo@example.org", "Bo")
    await bo.say("hi")
    for lesson_id in BASICS[:2]:
        await bo.click("learning.answer", right_answer(app, lesson_id))
    clock.advance(days=30)
    await queue_transfer_questions(app.state.context)
    assert await deliver() == 0 and await transfer_rows(app) == 0
    [refused] = await bo.click("learning.transfer", "basics:once")  # answering a question never asked
    assert refused["text"] == "I have not asked you about that track."


async def test_the_question_waits_for_the_end_of_leave_and_quiet_hours(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, clock: FixedClock
) -> None:
    cai = chat("cai@example.org", "Cai")
    await cai.say("hi")
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=CPH))
    await finish_basics(app, cai)
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=CPH))  # Friday: away for two weeks
    await cai.click("learning.away", "14")
    await cai.new_messages()
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=CPH))
    await queue_transfer_questions(app.state.context)
    assert await deliver() == 0 and await cai.new_messages() == []
    clock.set(datetime(2026, 12, 11, 10, 0, tzinfo=CPH))  # back: the first working morning
    await cai.say("back")
    await cai.new_messages()
    assert await deliver() == 1
    [asked] = await cai.new_messages()
    assert asked["text"] == ASK


async def test_quiet_hours_defer_it_and_nudges_off_stops_it(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, clock: FixedClock
) -> None:
    dea, eli = chat("dea@example.org", "Dea"), chat("eli@example.org", "Eli")
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=CPH))
    for person in (dea, eli):
        await person.say("hi")
        await finish_basics(app, person)
    await dea.say("quiet 09:00-12:00")
    await eli.say("nudges off")
    await dea.new_messages(), await eli.new_messages()
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=CPH))
    await queue_transfer_questions(app.state.context)
    assert await deliver() == 0  # Dea's waits for the end of her quiet hours; Eli's is dropped
    clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=CPH))
    assert await deliver() == 1
    [asked] = await dea.new_messages()
    assert asked["text"] == ASK
    clock.advance(days=7)
    await queue_transfer_questions(app.state.context)
    assert await deliver() == 0 and await eli.new_messages() == []


async def test_a_crash_after_the_claim_leaves_the_question_for_the_next_run(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claim and outbox row commit together: a crash in between loses neither, and doubles nothing."""
    fia = chat("fia@example.org", "Fia")
    await fia.say("hi")
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=CPH))
    await finish_basics(app, fia)
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=CPH))

    async def crash(*_args: object, **_kwargs: object) -> bool:
        raise RuntimeError("the process died")

    monkeypatch.setattr(Outbox, "enqueue", crash)
    with pytest.raises(RuntimeError):
        await queue_transfer_questions(app.state.context)
    monkeypatch.undo()
    await queue_transfer_questions(app.state.context)
    await queue_transfer_questions(app.state.context)
    assert await deliver() == 1 and await transfer_rows(app) == 1
