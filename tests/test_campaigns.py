"""Campaigns end to end through the web chat, on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from bot.campaigns.jobs import plan_due
from bot.campaigns.service import CampaignService
from bot.clock import FixedClock
from tests.support.admin import bearer, make_token
from tests.support.campaigns import outbox, start_campaign, use_test_composer
from tests.support.surveys import add_people


async def test_nudges_arrive_at_local_time_once_and_late_joiners_catch_up(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, clock: FixedClock, deliver, caplog: pytest.LogCaptureFixture
) -> None:
    context = use_test_composer(app)
    anna, bo = chat("anna@example.org"), chat("bo@example.org")
    await anna.say("hi")
    await bo.say("hi")
    await anna.new_messages()
    await start_campaign(context)
    with caplog.at_level(logging.INFO, logger="bot.campaigns.jobs"):
        await plan_due(context)
        await plan_due(context)  # planning again adds nothing
    # What was planned is told (and wakes the worker) on PostgreSQL too, whose driver gives no
    # row count for a batch insert.
    assert [r.getMessage() for r in caplog.records] == ["campaign 1: 2 nudges planned"]
    rows = await outbox(context)
    assert [r.key.rsplit(":", 1)[0] for r in rows] == ["nudge:1:2026-11-24T10:00"] * 2
    assert {r.due_at for r in rows} == {datetime(2026, 11, 24, 9, tzinfo=UTC)}
    assert await deliver() == 0
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert await deliver() == 2
    [message] = await anna.new_messages()
    assert message["text"] == "Lesson for 2026-11-24T10:00"
    clock.advance(minutes=30)
    cleo = chat("cleo@example.org")
    await cleo.say("hi")
    await cleo.new_messages()
    await plan_due(context)
    assert await deliver() == 1
    assert [m["text"] for m in await cleo.new_messages()] == ["Lesson for 2026-11-24T10:00"]
    assert await anna.new_messages() == []


async def test_pause_holds_nudges_and_resume_sends_them(
    chat, app: FastAPI, clock: FixedClock, deliver
) -> None:  # type: ignore[no-untyped-def]
    context = use_test_composer(app)
    anna = chat("anna@example.org")
    await anna.say("hi")
    await anna.new_messages()
    campaign_id = await start_campaign(context)
    await plan_due(context)
    async with context.db.unit_of_work() as session:
        await CampaignService(session, clock).move(campaign_id, "pause")
    clock.set(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    await plan_due(context)
    assert await deliver() == 0
    assert [r.status for r in await outbox(context)] == ["held"]
    async with context.db.unit_of_work() as session:
        await CampaignService(session, clock).move(campaign_id, "resume")
    assert await deliver() == 1
    assert [m["text"] for m in await anna.new_messages()] == ["Lesson for 2026-11-24T10:00"]


async def test_one_reminder_unless_answered_and_a_pause_after_three_ignored(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, clock: FixedClock, deliver
) -> None:
    context = use_test_composer(app)
    anna = chat("anna@example.org")
    await anna.say("hi")
    await anna.new_messages()
    await start_campaign(context, cadence="weekdays 10:00")
    texts: list[str] = []
    for day in (23, 24, 25, 26):  # Monday to Thursday
        clock.set(datetime(2026, 11, day, 9, 0, tzinfo=UTC))
        await plan_due(context)
        await deliver()
        clock.advance(hours=2)
        await deliver()
        texts += [m["text"] for m in await anna.new_messages()]
    assert texts[:2] == ["Lesson for 2026-11-23T10:00", "Reminder: Lesson for 2026-11-23T10:00"]
    assert texts.count("Reminder: Lesson for 2026-11-25T10:00") == 1
    assert "Lesson for 2026-11-26T10:00" not in texts  # three ignored: paused, and asked once
    assert texts[-1].startswith("I haven't heard from you") and len(texts) == 7
    [continued] = await anna.press("Yes, continue")
    assert "continues" in continued["text"]
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    await plan_due(context)
    await deliver()
    assert [m["text"] for m in await anna.new_messages()] == ["Lesson for 2026-11-30T10:00"]
    clock.advance(hours=1)
    await anna.say("hi")  # answering: no reminder
    await anna.new_messages()
    clock.advance(hours=1)
    await deliver()
    assert await anna.new_messages() == []


async def test_a_paused_campaigns_held_nudge_brings_a_lesson_of_its_new_track(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, http: httpx.AsyncClient, clock: FixedClock, deliver
) -> None:
    context = app.state.context
    anna = chat("anna@example.org")
    await anna.say("hi")
    await anna.new_messages()
    campaign_id = await start_campaign(context)  # the strategy track, Tuesdays and Thursdays
    await plan_due(context)
    coordinator, url = bearer(await make_token(app, "coordinator")), f"/api/v1/campaigns/{campaign_id}"
    body = {"name": "Basics", "cadence": "tue,thu 10:00", "audience": {"everyone": True}, "jitter_minutes": 0}
    await http.post(f"{url}/pause", headers=coordinator)
    assert (
        await http.put(url, json={**body, "tracks": ["technology"]}, headers=coordinator)
    ).status_code == 200
    await http.post(f"{url}/resume", headers=coordinator)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert await deliver() == 1
    [lesson] = await anna.new_messages()
    assert lesson["title"] == "Spot the phishing mail"


async def test_a_paused_campaigns_held_nudges_follow_its_new_schedule(
    app: FastAPI, http: httpx.AsyncClient, clock: FixedClock
) -> None:
    context = app.state.context
    await add_people(context, {("IT", "employee"): 2})
    campaign_id = await start_campaign(context)
    await plan_due(context)
    coordinator, url = bearer(await make_token(app, "coordinator")), f"/api/v1/campaigns/{campaign_id}"
    body = {"name": "Basics", "audience": {"everyone": True}, "jitter_minutes": 0, "tracks": ["strategy"]}
    await http.post(f"{url}/pause", headers=coordinator)
    await http.put(url, json={**body, "cadence": "wed 10:00"}, headers=coordinator)
    assert {(r.payload["occurrence"], r.status) for r in await outbox(context)} == {
        ("2026-11-24T10:00", "cancelled")
    }
    await http.post(f"{url}/resume", headers=coordinator)
    clock.set(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    await plan_due(context)
    assert {(r.payload["occurrence"], r.status) for r in await outbox(context)} == {
        ("2026-11-24T10:00", "cancelled"),
        ("2026-11-25T10:00", "pending"),
    }


async def test_an_active_campaigns_planned_nudges_follow_its_new_cadence(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, http: httpx.AsyncClient, clock: FixedClock, deliver
) -> None:
    """The planner works a day and a half ahead: an edit must not leave the old time planned."""
    context = use_test_composer(app)
    anna = chat("anna@example.org")
    await anna.say("hi")
    await anna.new_messages()
    campaign_id = await start_campaign(context)  # Tuesdays and Thursdays at 10:00
    await plan_due(context)
    coordinator, url = bearer(await make_token(app, "coordinator")), f"/api/v1/campaigns/{campaign_id}"
    body = {"name": "Basics", "audience": {"everyone": True}, "jitter_minutes": 0, "tracks": ["strategy"]}
    edited = await http.put(url, json={**body, "cadence": "tue,thu 13:00"}, headers=coordinator)
    assert edited.status_code == 200 and edited.json()["state"] == "active"
    await plan_due(context)
    assert {(r.payload["occurrence"], r.status) for r in await outbox(context)} == {
        ("2026-11-24T10:00", "cancelled"),
        ("2026-11-24T13:00", "pending"),
    }
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert await deliver() == 0
    clock.set(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    assert await deliver() == 1
    assert [m["text"] for m in await anna.new_messages()] == ["Lesson for 2026-11-24T13:00"]
