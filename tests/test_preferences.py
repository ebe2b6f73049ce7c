"""A person sets quiet hours, turns campaign messages off and on, and goes away, in chat;
the delivery worker honours it. Web chat, SQLite and PostgreSQL, a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI

from bot.campaigns.jobs import plan_due
from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.people.delivery_preferences import parse_span
from bot.runtime.replies import Reply
from storage.models import DeliveryPreference, OutboxMessage
from tests.support.campaigns import outbox, start_campaign

CPH = ZoneInfo("Europe/Copenhagen")


async def _anna(chat):  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org")
    await anna.say("hi")
    await anna.new_messages()
    return anna


async def _message(app: FastAPI, key: str) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await Outbox(session, context.clock).enqueue(key=key, person_id=1, reply=Reply(text=f"Message {key}"))


async def _nudges(app: FastAPI) -> list[OutboxMessage]:
    return [row for row in await outbox(app.state.context) if row.kind == "nudge"]


async def test_quiet_hours_hold_a_message_until_they_end(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, clock: FixedClock, deliver
) -> None:
    anna = await _anna(chat)
    [state] = await anna.say("quiet")
    assert state["text"].startswith("You have no quiet hours.")
    [done] = await anna.press("Evenings and nights (17:00–08:00)")
    assert done["text"] == (
        "Done: I won't write to you between 17:00 and 08:00 (Europe/Copenhagen). "
        "Write **quiet off** to end that."
    )
    clock.set(datetime(2026, 11, 23, 20, 30, tzinfo=CPH))
    await _message(app, "evening")
    assert await deliver() == 0
    [row] = await outbox(app.state.context)
    assert (row.status, row.last_error) == ("pending", "quiet hours")
    assert row.due_at == datetime(2026, 11, 24, 8, 0, tzinfo=CPH)
    clock.set(row.due_at)
    assert await deliver() == 1
    assert [m["text"] for m in await anna.new_messages()] == ["Message evening"]
    [state] = await anna.say("quiet")
    assert state["text"] == (
        "Your quiet hours are 17:00–08:00 (Europe/Copenhagen). "
        "Messages that fall inside them wait until they end."
    )
    [off] = await anna.press("Turn off quiet hours")
    assert off["text"] == "Quiet hours are off. I write at the usual times again."
    clock.set(datetime(2026, 11, 24, 21, 0, tzinfo=CPH))
    await _message(app, "late")
    assert await deliver() == 1


async def test_quiet_hours_in_danish_and_hours_that_make_no_sense(chat, app: FastAPI) -> None:  # type: ignore[no-untyped-def]
    anna = await _anna(chat)
    await anna.say("language da")
    [done] = await anna.say("stille 22.30-7")
    assert done["text"].startswith("Sådan: Jeg skriver ikke til dig mellem 22:30 og 07:00")
    for wrong in ("stille 25-8", "stille 8-8", "stille i aften"):
        [polite] = await anna.say(wrong)
        assert polite["text"] == (
            "Jeg forstod ikke de tidspunkter. Skriv en start og en slutning, fx **stille 17:00-08:00**."
        )
    async with app.state.context.db.unit_of_work() as session:
        preference = await session.get(DeliveryPreference, 1)
        assert (preference.quiet_start, preference.quiet_end) == ("22:30", "07:00")


@pytest.mark.parametrize(
    ("text", "span"),
    [("17:00-08:00", ("17:00", "08:00")), ("9-15", ("09:00", "15:00")), ("6.45 – 7.15", ("06:45", "07:15"))],
)
def test_spans_people_write(text: str, span: tuple[str, str]) -> None:
    found = parse_span(text)
    assert found is not None
    assert tuple(t.strftime("%H:%M") for t in found) == span


async def test_nudges_off_drops_planned_campaign_messages_and_on_brings_them_back(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, clock: FixedClock, deliver
) -> None:
    context = app.state.context
    anna = await _anna(chat)
    await start_campaign(context, cadence="daily 10:00")
    clock.set(datetime(2026, 11, 23, 9, 30, tzinfo=CPH))
    await plan_due(context)
    planned = await _nudges(app)
    assert planned and {row.status for row in planned} == {"pending"}
    [off] = await anna.say("nudges off")
    assert off["text"].startswith("Campaign messages are off: no more lessons")
    for day in (23, 24):
        clock.set(datetime(2026, 11, day, 9, 30, tzinfo=CPH))
        await plan_due(context)
        clock.set(datetime(2026, 11, day, 10, 0, tzinfo=CPH))
        assert await deliver() == 0
    rows = await _nudges(app)
    assert {row.id for row in rows} == {row.id for row in planned}  # nothing new planned for her
    assert {(row.status, row.last_error) for row in rows if row.due_at <= clock.now()} == {
        ("dropped", "opted out")
    }
    assert await anna.new_messages() == []
    [state] = await anna.say("nudges")
    assert state["text"] == "Campaign messages are turned off for you. Write **nudges on** to get them again."
    [on] = await anna.press("Turn on")
    assert on["text"] == "Campaign messages are on again."
    [usage] = await anna.say("nudges maybe")
    assert usage["text"] == (
        "Write **nudges off** to stop campaign messages, or **nudges on** to get them again."
    )
    clock.set(datetime(2026, 11, 25, 9, 30, tzinfo=CPH))
    await plan_due(context)
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=CPH))
    assert await deliver() == 1
    assert len(await anna.new_messages()) == 1


async def test_away_drops_planned_nudges_and_holds_other_messages_until_back(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, clock: FixedClock, deliver
) -> None:
    context = app.state.context
    anna = await _anna(chat)
    await start_campaign(context, cadence="daily 10:00")
    await anna.say("away")
    await anna.press("2 weeks")  # Monday 23 November to Sunday 6 December
    clock.set(datetime(2026, 11, 24, 9, 30, tzinfo=CPH))
    await plan_due(context)
    await _message(app, "answer")  # e.g. an answer to a question she asked
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=CPH))
    assert await deliver() == 0
    rows = {row.kind: row for row in await outbox(context)}
    due = [row for row in await outbox(context) if row.kind == "nudge" and row.due_at <= clock.now()]
    assert {(row.status, row.last_error) for row in due} == {("dropped", "out of office")}
    assert (rows["message"].status, rows["message"].last_error) == ("pending", "out of office")
    assert rows["message"].due_at == datetime(2026, 12, 7, 8, 0, tzinfo=CPH)  # her first morning back
    await anna.new_messages()
    await anna.say("away")
    await anna.press("1 week")  # from today, Tuesday, after all: back on Tuesday 1 December
    [row] = [row for row in await outbox(context) if row.kind == "message"]
    assert row.due_at == datetime(2026, 12, 1, 8, 0, tzinfo=CPH)
    clock.set(datetime(2026, 11, 26, 13, 0, tzinfo=CPH))
    await anna.say("away")
    [back] = await anna.press("I'm back")  # back early, on Thursday
    assert back["text"].startswith("Welcome back")
    async with context.db.unit_of_work() as session:
        assert (await session.get(DeliveryPreference, 1)).away_until is None
    await deliver()
    assert "Message answer" in [m["text"] for m in await anna.new_messages()]


async def test_own_working_hours_come_before_the_campaigns(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, clock: FixedClock, deliver
) -> None:
    context = app.state.context
    anna = await _anna(chat)
    [state] = await anna.say("hours")
    assert state["text"].startswith("You have not set working hours")
    [done] = await anna.say("hours 12:00-14:00 tue-thu")
    assert done["text"] == "Done: campaign messages reach you tue-thu, 12:00–14:00 (Europe/Copenhagen)."
    await start_campaign(context, cadence="daily 10:00")
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=CPH))  # a Monday: not one of her days
    await plan_due(context)
    due = sorted(row.due_at.astimezone(CPH) for row in await _nudges(app))
    assert due and due[0] == datetime(2026, 11, 24, 12, 0, tzinfo=CPH)  # Tuesday, inside her window
    await anna.say("hours 13:00-14:00")  # changed after planning: the worker follows at send time
    clock.set(datetime(2026, 11, 24, 12, 0, tzinfo=CPH))
    assert await deliver() == 0
    tuesday = min(await _nudges(app), key=lambda row: row.due_at)
    assert tuesday.due_at == datetime(2026, 11, 24, 13, 0, tzinfo=CPH)
    assert tuesday.last_error == "outside the send window"
    [state] = await anna.say("hours")
    assert state["text"] == "Campaign messages reach you tue-thu, 13:00–14:00 (Europe/Copenhagen)."
    [cleared] = await anna.press("Use the campaigns' times")
    assert cleared["text"] == "Your own working hours are gone; campaigns use their own times again."
    async with context.db.unit_of_work() as session:
        preference = await session.get(DeliveryPreference, 1)
        assert (preference.window_start, preference.window_end, preference.working_days) == (None, None, None)


async def test_working_hours_in_norwegian_and_ones_that_make_no_sense(chat, app: FastAPI) -> None:  # type: ignore[no-untyped-def]
    anna = await _anna(chat)
    await anna.say("language nb")
    [done] = await anna.say("arbeidstid 8-12 man, ons, fre")
    assert done["text"] == "Greit: Kampanjemeldinger når deg man,ons,fre, 08:00–12:00 (Europe/Copenhagen)."
    [kept] = await anna.say("arbeidstid 9-13")  # the days stay
    assert kept["text"].startswith("Greit: Kampanjemeldinger når deg man,ons,fre, 09:00–13:00")
    [long_names] = await anna.say("arbeidstid 9-13 Mandag. – Torsdag.")
    assert long_names["text"].startswith("Greit: Kampanjemeldinger når deg man-tor, 09:00–13:00")
    [weekdays] = await anna.say("arbeidstid 9-13 hverdager")
    assert weekdays["text"].startswith("Greit: Kampanjemeldinger når deg man-fre, 09:00–13:00")
    await anna.say("arbeidstid 9-13 man,ons,fre")
    for wrong in ("arbeidstid 14-12", "arbeidstid 9-14 en dag", "arbeidstid mandagsmøte"):
        [polite] = await anna.say(wrong)
        assert polite["text"].startswith("Det forsto jeg ikke.")
    async with app.state.context.db.unit_of_work() as session:
        preference = await session.get(DeliveryPreference, 1)
        assert (preference.window_start, preference.window_end, preference.working_days) == (
            "09:00", "13:00", "mon,wed,fri",
        )  # fmt: skip


async def test_quiet_hours_over_the_whole_window_leave_no_pile_of_nudges(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, clock: FixedClock, deliver
) -> None:
    context = app.state.context
    anna = await _anna(chat)
    await anna.say("quiet 08:00-17:00")  # the campaign writes 09:00-16:00: never, while this lasts
    await start_campaign(context, cadence="daily 10:00")
    for hour in range(0, 72, 1):
        clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=CPH) + timedelta(hours=hour))
        await plan_due(context)
        await deliver()
    assert await anna.new_messages() == []
    rows = await _nudges(app)
    assert sum(row.status == "pending" for row in rows) <= 3  # yesterday's, today's, tomorrow's
    assert {row.last_error for row in rows if row.status == "dropped"} == {"missed its day"}
    await anna.say("quiet off")
    await anna.new_messages()
    clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=CPH))
    await plan_due(context)
    await deliver()
    assert len(await anna.new_messages()) == 1
