"""The daily HR digest through the web chat, on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.admin.importing import parse
from bot.admin.people import PeopleAdminService
from bot.admin.roles import CLI
from bot.clock import FixedClock
from bot.config import Settings, load_settings
from bot.context import AppContext
from bot.digest.jobs import queue_digests
from bot.people.audience import Audience
from storage.models import LearningItem, OutboxMessage, Person, Question, QuizAnswer
from tests.support.surveys import add_people, answer, open_wave
from tests.test_dashboard import signed_in

CPH = ZoneInfo("Europe/Copenhagen")
TUESDAY_9 = datetime(2026, 11, 24, 9, 0, tzinfo=CPH)
MONDAY = datetime(2026, 11, 23, 11, 0, tzinfo=CPH)  # "yesterday", seen from Tuesday
PEOPLE = (
    "email,name,department,role,language,timezone\n"
    "hanne@example.org,Hanne Hansen,HR,hr,en,\n"  # no zone of her own: the organisation's
    "nina@example.org,Nina Ny,HR,hr,en,America/New_York\n"
    "eva@example.org,Eva Eng,Finance,employee,en,\n"
)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        STAFET_PUBLIC_URL="https://stafet.example.org/",
        STAFET_ADMIN_COOKIE_SECURE=False,
        STAFET_SECRET_KEY="test-secret",
    )


@pytest.fixture
async def people(app: FastAPI, chat) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Hanne (HR, Copenhagen), Nina (HR, New York) and Eva (employee), each with a web chat."""
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await PeopleAdminService(session, context.clock).apply(CLI, parse(PEOPLE))
    clients = {name: chat(f"{name}@example.org") for name in ("hanne", "nina", "eva")}
    for client in clients.values():
        await client.say("hi")
        await client.new_messages()
    return clients


async def tick(context: AppContext, deliver) -> None:  # type: ignore[no-untyped-def]
    await queue_digests(context)
    await deliver()


async def digests(client) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [m for m in await client.new_messages() if (m.get("title") or "").startswith("HR digest")]


async def seed(context: AppContext, at: datetime, *, asked: int = 0, lessons: int = 0, quiz: int = 0) -> None:
    """Activity at `at` by a learner (questions routed, lessons completed, quiz answers)."""
    async with context.db.unit_of_work() as session:
        learner = Person(email=f"learner{at.timestamp():.0f}@example.org", created_at=at)
        session.add(learner)
        await session.flush()
        for n in range(asked):
            session.add(Question(language="en", text=f"q{n}?", status="open", created_at=at, routed_at=at))
        for n in range(lessons):
            session.add(
                LearningItem(
                    person_id=learner.id, lesson_id=f"l{n}", track_id="t", first_sent_at=at, completed_at=at
                )
            )
        for n in range(quiz):
            session.add(
                QuizAnswer(
                    person_id=learner.id, lesson_id=f"l{n}", answered_at=at, local_day=at.date(),
                    correct=True, review=False,
                )
            )  # fmt: skip


async def outbox_row(context: AppContext, status: str, due: datetime, kind: str = "message") -> None:
    async with context.db.unit_of_work() as session:
        count = len((await session.scalars(select(OutboxMessage.id))).all())
        session.add(
            OutboxMessage(
                key=f"seeded:{count}", kind=kind, reply={"text": "x"}, status=status, due_at=due,
                created_at=due, sent_at=due if status == "sent" else None, last_error="channel_not_found",
            )
        )  # fmt: skip


async def test_hr_gets_one_digest_per_working_morning_and_an_employee_none(  # type: ignore[no-untyped-def]
    app: FastAPI, clock: FixedClock, people, deliver
) -> None:
    context = app.state.context
    await seed(context, MONDAY, asked=7, lessons=5, quiz=4)
    await seed(context, MONDAY - timedelta(days=1), quiz=9)  # Sunday: before the period
    await outbox_row(context, "sent", MONDAY, kind="nudge")
    clock.set(TUESDAY_9)
    await tick(context, deliver)
    await tick(context, deliver)  # a second tick (or a restart) queues nothing new
    clock.advance(hours=3)
    await tick(context, deliver)
    [digest] = await digests(people["hanne"])
    assert digest["title"] == "HR digest for Tuesday 24 November"
    assert digest["text"].splitlines() == [
        "**Yesterday (Monday 23 November)**",
        "- Questions asked: 7",
        "- Questions answered: fewer than 5",
        "- Lessons completed: 5",
        "- Quiz answers: fewer than 5",
        "- Nudges sent: 1",
        "",
        "**Right now**",
        "- Questions waiting past their deadline: 0",
        "- Messages that could not be delivered: 0 new, 0 in all",
        "- No pulse surveys are open.",
        "",
        "More on the dashboard: https://stafet.example.org/admin",
        "Write **digest off** if you no longer want this daily digest.",
    ]
    assert await people["eva"].new_messages() == []
    clock.set(datetime(2026, 11, 25, 8, 5, tzinfo=CPH))  # the next working morning: the next digest
    await seed(context, datetime(2026, 11, 24, 15, 0, tzinfo=CPH), asked=5)
    await tick(context, deliver)
    [digest] = await digests(people["hanne"])
    assert digest["title"] == "HR digest for Wednesday 25 November"
    assert "- Questions asked: 5" in digest["text"].splitlines()


@pytest.mark.parametrize(
    ("when", "then"),
    [
        (datetime(2026, 11, 28, 10, 0, tzinfo=CPH), datetime(2026, 11, 30, 8, 0, tzinfo=CPH)),  # Saturday
        (datetime(2026, 5, 14, 10, 0, tzinfo=CPH), datetime(2026, 5, 15, 8, 0, tzinfo=CPH)),  # Ascension
        (datetime(2026, 11, 24, 7, 55, tzinfo=CPH), datetime(2026, 11, 24, 8, 0, tzinfo=CPH)),
        (datetime(2026, 11, 24, 16, 0, tzinfo=CPH), datetime(2026, 11, 25, 8, 0, tzinfo=CPH)),
    ],
    ids=["saturday", "holiday", "before-eight", "after-four"],
)
async def test_no_digest_outside_a_working_morning(  # type: ignore[no-untyped-def]
    app: FastAPI, clock: FixedClock, people, deliver, when: datetime, then: datetime
) -> None:
    context = app.state.context
    await seed(context, when - timedelta(days=1), asked=6)
    await outbox_row(context, "dead", when - timedelta(hours=10))
    clock.set(when)
    await tick(context, deliver)
    assert await digests(people["hanne"]) == []
    clock.set(then)  # the next working morning, with the same figures, does send
    await tick(context, deliver)
    [digest] = await digests(people["hanne"])
    assert digest["title"] == f"HR digest for {then.strftime('%A')} {then.day} {then.strftime('%B')}"


async def test_each_reader_gets_it_at_their_own_eight(  # type: ignore[no-untyped-def]
    app: FastAPI, clock: FixedClock, people, deliver
) -> None:
    context = app.state.context
    await seed(context, MONDAY, asked=5)
    clock.set(datetime(2026, 11, 24, 13, 55, tzinfo=CPH))  # 07:55 in New York
    await tick(context, deliver)
    assert len(await digests(people["hanne"])) == 1
    assert await digests(people["nina"]) == []
    clock.advance(minutes=5)  # 08:00 in New York
    await tick(context, deliver)
    [digest] = await digests(people["nina"])
    assert digest["title"] == "HR digest for Tuesday 24 November"
    assert await digests(people["hanne"]) == []


async def test_turned_off_gets_none_and_turned_on_again_gets_it(  # type: ignore[no-untyped-def]
    app: FastAPI, clock: FixedClock, people, deliver
) -> None:
    context = app.state.context
    hanne = people["hanne"]
    await seed(context, MONDAY, asked=5)
    clock.set(TUESDAY_9)
    off = await hanne.say("digest off")
    assert [m["text"] for m in off] == ["The daily HR digest is off. Write **digest on** to get it again."]
    await tick(context, deliver)
    assert await digests(hanne) == []
    [state] = await hanne.say("digest")
    assert state["text"] == "The daily HR digest is turned off for you."
    assert [b["label"] for b in state["buttons"]] == ["Turn on"]
    await hanne.press("Turn on")
    clock.advance(minutes=5)
    await tick(context, deliver)
    assert len(await digests(hanne)) == 1
    assert [m["text"] for m in await people["eva"].say("digest off")] == ["The daily digest is for HR."]


async def test_help_lists_the_command_for_hr_only_in_their_language(  # type: ignore[no-untyped-def]
    people,
) -> None:
    [hr_help] = await people["hanne"].say("help")
    assert "- **digest**: your daily HR digest (turn it off or on)" in hr_help["text"]
    [employee_help] = await people["eva"].say("help")
    assert "digest" not in employee_help["text"]
    await people["hanne"].say("language da")
    assert [m["text"] for m in await people["hanne"].say("dagsrapport fra")] == [
        "Den daglige HR-rapport er slået fra. Skriv **dagsrapport til** for at få den igen."
    ]


async def test_a_quiet_day_sends_nothing(  # type: ignore[no-untyped-def]
    app: FastAPI, clock: FixedClock, people, deliver
) -> None:
    context = app.state.context
    await seed(context, MONDAY - timedelta(days=1), asked=9)  # Sunday: not in Tuesday's period
    clock.set(TUESDAY_9)
    await tick(context, deliver)
    assert await digests(people["hanne"]) == []
    async with context.db.unit_of_work() as session:
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest"))).all()
        assert {(r.key.split(":")[1], r.status) for r in rows} == {("2026-11-24", "skipped")}


async def test_dead_letters_alone_make_a_digest_and_the_delivery_page_says_why(  # type: ignore[no-untyped-def]
    app: FastAPI, clock: FixedClock, people, deliver, server: str
) -> None:
    context = app.state.context
    await outbox_row(context, "dead", MONDAY)
    await outbox_row(context, "undeliverable", MONDAY + timedelta(hours=2))
    await outbox_row(context, "dead", MONDAY - timedelta(days=5))  # older: counted in all only
    clock.set(TUESDAY_9)
    await tick(context, deliver)
    [digest] = await digests(people["hanne"])
    assert "- Messages that could not be delivered: 2 new, 3 in all" in digest["text"].splitlines()
    assert "- Questions asked: fewer than 5" in digest["text"].splitlines()
    async with httpx.AsyncClient(base_url=server) as browser:
        await signed_in(browser, app, "hr")
        delivery = (await browser.get("/admin/delivery")).text
    assert delivery.count("channel_not_found") == 3


async def test_monday_covers_the_weekend_and_open_surveys_show_turnout(  # type: ignore[no-untyped-def]
    app: FastAPI, clock: FixedClock, people, deliver
) -> None:
    context = app.state.context
    await seed(context, datetime(2026, 11, 20, 14, 0, tzinfo=CPH), asked=3)  # Friday
    await seed(context, datetime(2026, 11, 22, 14, 0, tzinfo=CPH), asked=3)  # Sunday
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=CPH))
    # Eva is in Finance too, but her only chat is the open web chat: not counted as reachable
    finance = await add_people(context, {("Finance", "employee"): 5})
    wide = await open_wave(context, "digital-confidence", audience=Audience(departments=("Finance",)))
    for person_id in finance[:3]:
        await answer(context, wide, person_id, "everyday", "4")
    clock.set(datetime(2026, 11, 23, 8, 30, tzinfo=CPH))
    await tick(context, deliver)
    [digest] = await digests(people["hanne"])
    lines = digest["text"].splitlines()
    assert lines[:2] == ["**Since Friday 20 November**", "- Questions asked: 6"]
    assert "- Confidence with digital tools: 60 % have answered (3 of 5)" in lines


async def test_no_digest_while_away_and_none_held_past_its_day(  # type: ignore[no-untyped-def]
    app: FastAPI, clock: FixedClock, people, deliver
) -> None:
    context = app.state.context
    hanne = people["hanne"]
    for day in (23, 24, 25, 30):
        await seed(context, datetime(2026, 11, day, 11, 0, tzinfo=CPH), asked=5)
    clock.set(TUESDAY_9)
    await hanne.say("away")
    await hanne.press("1 week")  # Tuesday 24 to Monday 30 November
    for day in (24, 25, 26):
        clock.set(datetime(2026, 11, day, 9, 0, tzinfo=CPH))
        await tick(context, deliver)
    assert await digests(hanne) == []
    clock.set(datetime(2026, 12, 1, 8, 30, tzinfo=CPH))
    await tick(context, deliver)
    assert [d["title"] for d in await digests(hanne)] == ["HR digest for Tuesday 1 December"]
    await hanne.say("quiet 08:00-01:00")  # Wednesday's digest waits until Thursday 01:00: too late
    clock.set(datetime(2026, 12, 2, 8, 30, tzinfo=CPH))
    await tick(context, deliver)
    clock.set(datetime(2026, 12, 3, 1, 0, tzinfo=CPH))
    await deliver()
    assert await digests(hanne) == []
    async with context.db.unit_of_work() as session:
        hers = select(OutboxMessage).where(OutboxMessage.key.like("digest:%:1"))
        rows = (await session.scalars(hers)).all()
    assert sorted((row.key.split(":")[1], row.status) for row in rows) == [
        ("2026-12-01", "sent"), ("2026-12-02", "skipped"),
    ]  # fmt: skip


def test_previous_working_day_of_a_tuesday_is_monday() -> None:
    from bot.digest.schedule import period_before
    from bot.learning.calendar import WorkCalendar

    period = period_before(WorkCalendar.of(None, "Europe/Copenhagen"), date(2026, 11, 24))
    assert (period.first, period.last) == (date(2026, 11, 23), date(2026, 11, 23))
    assert period.since == datetime(2026, 11, 23, tzinfo=CPH)
