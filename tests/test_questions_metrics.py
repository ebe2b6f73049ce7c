"""HR figures respect the minimum group size; the asker link disappears after retention."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.questions import jobs, metrics
from bot.runtime.replies import Reply
from storage.models import OutboxMessage, Question
from tests.questions_support import open_question, person


async def test_figures_and_groups_hide_small_groups(app: FastAPI, clock: FixedClock) -> None:
    context = app.state.context
    now = clock.now()
    async with context.db.unit_of_work() as session:
        sales = await person(session, "s@example.org", now, department="Sales")
        legal = await person(session, "l@example.org", now, department="Legal")
        for n in range(5):
            await open_question(
                session, sales, now, status="resolved", claimed_at=now + timedelta(minutes=10 + n),
                answered_at=now + timedelta(minutes=30), helpful=n != 0,
            )  # fmt: skip
        for _ in range(2):
            await open_question(session, legal, now, topic="data_and_ai")
        since, until = now - timedelta(days=1), now + timedelta(days=1)
        figures = await metrics.question_figures(session, since, until, 5)
        assert (figures.asked, figures.resolved, figures.resolution_rate) == (7, 5, round(5 / 7, 3))
        assert (figures.median_minutes_to_claim, figures.median_minutes_to_answer) == (12.0, 30.0)
        assert figures.satisfaction == 0.8 and not figures.suppressed
        small = await metrics.question_figures(session, since, until, 5, department="Legal")
        assert small.suppressed and small.resolution_rate is None
        per_department = await metrics.questions_per_department(session, since, until, 5)
        assert per_department == [metrics.GroupCount("Sales", 5)]  # Legal (2) is too small even as "other"
        per_topic = await metrics.questions_per_topic(session, since, until, 2)
        assert per_topic == [metrics.GroupCount("security", 5), metrics.GroupCount("data_and_ai", 2)]


async def test_asker_link_is_erased_after_retention(app: FastAPI, clock: FixedClock) -> None:
    context = app.state.context
    now = clock.now()
    async with context.db.unit_of_work() as session:
        asker = await person(session, "asker@example.org", now)
        old = await open_question(
            session, asker, now, status="resolved", erase_after=now + timedelta(days=30)
        )
        current = await open_question(session, asker, now)
        outbox = Outbox(session, clock)
        for key in (f"questions:{old.id}:message:1", f"questions:{current.id}:message:2"):
            await outbox.enqueue(key=key, person_id=asker.id, reply=Reply(text="An answer"))
    clock.advance(days=29)
    await jobs.housekeeping(context)
    async with context.db.unit_of_work() as session:
        assert (await session.get(Question, old.id)).asker_id == asker.id
    clock.advance(days=1)
    await jobs.housekeeping(context)
    async with context.db.unit_of_work() as session:
        assert (await session.get(Question, old.id)).asker_id is None
        assert (await session.get(Question, current.id)).asker_id == asker.id
        keys = (await session.scalars(select(OutboxMessage.key))).all()
        assert keys == [f"questions:{current.id}:message:2"]  # nothing left tying the asker to the old one
